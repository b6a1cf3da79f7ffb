import { describeDbClusters } from './rds-describe-db-clusters';
import { describeDbInstances } from './rds-describe-db-instances';
import { describeEvents } from './rds-describe-events';
import { listTagsForResource } from './rds-list-tags';
import { changeDbCluster } from './rds-start-stop-cluster';
import { changeDbInstance } from './rds-start-stop-instance';
import type { ActionDefinition } from './service-context';

const FILTERS = ['Filters.Filter.N.Name', 'Filters.Filter.N.Values.Value.M'];
const PAGING = ['MaxRecords', 'Marker'];

/**
 * The RDS actions the endpoint speaks (API 2014-10-31, Query protocol), with the parameters of
 * each in the SDK's model (@aws-sdk/client-rds): what a start/stop/status task calls, and
 * DescribeEvents to see AWS's automatic start after 7 days. Anything else is InvalidAction.
 */
export const RDS_ACTIONS: Readonly<Record<string, ActionDefinition>> = {
  DescribeDBInstances: {
    handler: describeDbInstances,
    parameters: ['DBInstanceIdentifier', ...FILTERS, ...PAGING],
  },
  DescribeDBClusters: {
    handler: describeDbClusters,
    parameters: ['DBClusterIdentifier', ...FILTERS, ...PAGING, 'IncludeShared'],
    booleans: ['IncludeShared'],
  },
  StartDBInstance: { handler: changeDbInstance('start'), parameters: ['DBInstanceIdentifier'] },
  StopDBInstance: {
    handler: changeDbInstance('stop'),
    parameters: ['DBInstanceIdentifier', 'DBSnapshotIdentifier'],
  },
  StartDBCluster: { handler: changeDbCluster('start'), parameters: ['DBClusterIdentifier'] },
  StopDBCluster: { handler: changeDbCluster('stop'), parameters: ['DBClusterIdentifier'] },
  ListTagsForResource: { handler: listTagsForResource, parameters: ['ResourceName', ...FILTERS] },
  DescribeEvents: {
    handler: describeEvents,
    parameters: [
      'SourceIdentifier',
      'SourceType',
      'StartTime',
      'EndTime',
      'Duration',
      'EventCategories.EventCategory.N',
      ...FILTERS,
      ...PAGING,
    ],
  },
};
