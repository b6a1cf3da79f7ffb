/**
 * What the task does per `Engine`. DescribeDBInstances and DescribeDBClusters also return Neptune
 * and Amazon DocumentDB resources, which share the RDS API, and Multi-AZ DB clusters, which are
 * not Aurora (RDS API reference, DescribeDBClusters: "Valid for Cluster Type: Aurora DB clusters
 * and Multi-AZ DB clusters"). StopDBCluster and StartDBCluster act on Aurora clusters only; Multi-AZ
 * DB clusters cannot be stopped (RDS User Guide, multi-az-db-clusters-concepts.Limitations), and
 * StopDBInstance "doesn't apply to RDS Custom, Aurora MySQL, and Aurora PostgreSQL" (RDS API
 * reference, StopDBInstance).
 */

export type EngineFamily = 'rds' | 'aurora' | 'rds-custom' | 'neptune' | 'docdb';

export function engineFamily(engine: string): EngineFamily {
  if (engine === 'neptune') return 'neptune';
  if (engine === 'docdb') return 'docdb';
  // `aurora` is the legacy Aurora MySQL 5.6 engine name.
  if (engine === 'aurora' || engine.startsWith('aurora-')) return 'aurora';
  if (engine.startsWith('custom-')) return 'rds-custom';
  return 'rds';
}

const OTHER_SERVICE: Readonly<Record<'neptune' | 'docdb', string>> = {
  neptune: 'Amazon Neptune',
  docdb: 'Amazon DocumentDB',
};

/**
 * Why a resource of this engine is never this task's, whatever the action (Neptune and
 * DocumentDB resources are listed by the RDS API but belong to their own services).
 */
export function foreignEngineReason(engine: string): string | undefined {
  const family = engineFamily(engine);
  if (family !== 'neptune' && family !== 'docdb') return undefined;
  return `an ${OTHER_SERVICE[family]} resource (engine "${engine}"), listed by the RDS API but not an RDS database: this task leaves it alone; manage it with ${OTHER_SERVICE[family]}'s own tools`;
}
