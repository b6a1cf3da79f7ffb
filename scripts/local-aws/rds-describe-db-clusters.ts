import { authorizeRdsDescribe } from './rds-authorize';
import { rdsErrors } from './rds-errors';
import { clusterFilter } from './rds-filters';
import { nameOf } from './rds-identifiers';
import { paginate } from './rds-pagination';
import { takeRdsToken } from './rds-throttle';
import { dbClusterXml } from './rds-xml';
import type { ActionHandler } from './service-context';
import { node } from './xml';

/**
 * rds:DescribeDBClusters with DBClusterIdentifier (name or ARN), Filters and MaxRecords/Marker.
 * It returns Aurora, Neptune and DocumentDB clusters alike (they share the API): Engine tells
 * them apart. A named cluster that does not exist is DBClusterNotFoundFault (404).
 */
export const describeDbClusters: ActionHandler = async (context, { caller, params }) => {
  takeRdsToken(context, caller);
  await authorizeRdsDescribe(context, caller, 'rds:DescribeDBClusters');
  const identifier = params.get('DBClusterIdentifier');
  const filters = params.memberFilters();
  const matches = clusterFilter(filters);
  let selected = context.world.rds.clustersIn(caller.accountId, caller.region);
  if (identifier !== undefined) {
    const name = nameOf(identifier, 'cluster');
    selected = selected.filter((cluster) => cluster.id === name);
    if (selected.length === 0) throw rdsErrors.dbClusterNotFound(identifier);
  }
  const { page, markerXml } = paginate(
    params,
    ['DescribeDBClusters', caller.accountId, caller.region, identifier, filters],
    selected.filter(matches),
  );
  return markerXml + node('DBClusters', ...page.map(dbClusterXml));
};
