import { authorizeRdsDescribe } from './rds-authorize';
import { rdsErrors } from './rds-errors';
import { instanceFilter } from './rds-filters';
import { nameOf } from './rds-identifiers';
import { paginate } from './rds-pagination';
import { takeRdsToken } from './rds-throttle';
import { dbInstanceXml } from './rds-xml';
import type { ActionHandler } from './service-context';
import { node } from './xml';

/**
 * rds:DescribeDBInstances with DBInstanceIdentifier (name or ARN), Filters and MaxRecords/Marker,
 * in the caller's own account and region. A named instance that does not exist is
 * DBInstanceNotFound (404), as RDS answers it.
 */
export const describeDbInstances: ActionHandler = async (context, { caller, params }) => {
  takeRdsToken(context, caller);
  await authorizeRdsDescribe(context, caller, 'rds:DescribeDBInstances');
  const identifier = params.get('DBInstanceIdentifier');
  const filters = params.memberFilters();
  const matches = instanceFilter(filters);
  let selected = context.world.rds.instancesIn(caller.accountId, caller.region);
  if (identifier !== undefined) {
    const name = nameOf(identifier, 'db');
    selected = selected.filter((db) => db.id === name);
    if (selected.length === 0) throw rdsErrors.dbInstanceNotFound(identifier);
  }
  const { page, markerXml } = paginate(
    params,
    ['DescribeDBInstances', caller.accountId, caller.region, identifier, filters],
    selected.filter(matches),
  );
  return markerXml + node('DBInstances', ...page.map(dbInstanceXml));
};
