import { rdsErrors } from './rds-errors';
import type { DbClusterView, DbInstanceView } from './rds-resources';

type Filter = { name: string; values: string[] };

/**
 * DescribeDBInstances / DescribeDBClusters filters (RDS API reference): identifiers match by
 * name or ARN, case-insensitively. RDS has no tag filter (aws/aws-sdk#177): read TagList.
 */
const INSTANCE_FILTERS: Record<string, (db: DbInstanceView) => string[]> = {
  'db-instance-id': (db) => [db.id, db.arn],
  'db-cluster-id': (db) =>
    db.clusterId
      ? [db.clusterId, `arn:aws:rds:${db.region}:${db.accountId}:cluster:${db.clusterId}`]
      : [],
  'dbi-resource-id': (db) => [db.resourceId],
  engine: (db) => [db.engine],
};

const CLUSTER_FILTERS: Record<string, (cluster: DbClusterView) => string[]> = {
  'db-cluster-id': (cluster) => [cluster.id, cluster.arn],
  'db-cluster-resource-id': (cluster) => [cluster.resourceId],
  engine: (cluster) => [cluster.engine],
};

export function instanceFilter(filters: readonly Filter[]): (db: DbInstanceView) => boolean {
  return compile(filters, INSTANCE_FILTERS);
}

export function clusterFilter(filters: readonly Filter[]): (cluster: DbClusterView) => boolean {
  return compile(filters, CLUSTER_FILTERS);
}

function compile<T>(
  filters: readonly Filter[],
  known: Record<string, (item: T) => string[]>,
): (item: T) => boolean {
  const tests = filters.map((filter) => {
    const valuesOf = Object.hasOwn(known, filter.name) ? known[filter.name] : undefined;
    // Text *unverified*: RDS refuses a filter name it does not support.
    if (!valuesOf)
      throw rdsErrors.invalidParameterValue(`Unrecognized filter name: ${filter.name}.`);
    if (filter.values.length === 0) {
      throw rdsErrors.invalidParameterCombination(
        `Filter ${filter.name} must have at least one value.`,
      );
    }
    const wanted = new Set(filter.values.map((value) => value.toLowerCase()));
    return (item: T) => valuesOf(item).some((value) => wanted.has(value.toLowerCase()));
  });
  return (item) => tests.every((test) => test(item));
}
