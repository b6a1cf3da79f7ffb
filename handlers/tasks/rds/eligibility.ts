/**
 * What RDS cannot start or stop, said with what to do instead. Sources: RDS User Guide,
 * USER_StopInstance ("Limitations": read replicas and instances that have them, Multi-AZ SQL
 * Server, RDS Custom); Aurora User Guide, aurora-cluster-stop-start (Aurora instances are stopped
 * with their cluster; not for Aurora global databases, Aurora Serverless v1, parallel query or
 * multi-master clusters; not for clusters with cross-Region read replicas); RDS User Guide,
 * multi-az-db-clusters-concepts.Limitations (Multi-AZ DB clusters cannot be stopped).
 */
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import { engineFamily } from './engines';

/** Why this DB instance cannot be started or stopped on its own; undefined when it can. */
export function instanceIneligibility(instance: DBInstance): string | undefined {
  const engine = instance.Engine ?? '';
  const family = engineFamily(engine);
  const cluster = instance.DBClusterIdentifier;
  if (family === 'aurora' || (cluster !== undefined && family === 'rds')) {
    return family === 'aurora'
      ? `a member of Aurora cluster "${cluster ?? 'unknown'}": Aurora starts and stops the cluster with all its instances, never one instance; select the cluster (dbClusterIdentifiers) instead`
      : `a member of Multi-AZ DB cluster "${cluster}": RDS cannot stop a Multi-AZ DB cluster or its instances; scale it down or delete it to save its cost`;
  }
  if (family === 'rds-custom') {
    return `an RDS Custom instance (engine "${engine}"): StopDBInstance does not apply to RDS Custom; stop it from the RDS Custom tools`;
  }
  const source =
    instance.ReadReplicaSourceDBInstanceIdentifier ?? instance.ReadReplicaSourceDBClusterIdentifier;
  if (source !== undefined) {
    return `a read replica of "${source}": RDS cannot stop a read replica; delete it while not needed, or promote it to a standalone instance first`;
  }
  const replicas = [
    ...(instance.ReadReplicaDBInstanceIdentifiers ?? []),
    ...(instance.ReadReplicaDBClusterIdentifiers ?? []),
  ];
  if (replicas.length > 0) {
    return `has read replicas (${replicas.join(', ')}): RDS cannot stop an instance that has read replicas; delete or promote the replicas first`;
  }
  if (engine.startsWith('sqlserver-') && instance.MultiAZ === true) {
    return 'a Multi-AZ RDS for SQL Server instance: RDS cannot stop it; convert it to Single-AZ to make it stoppable';
  }
  return undefined;
}

const UNSTOPPABLE_MODES: Readonly<Record<string, string>> = {
  serverless:
    'an Aurora Serverless v1 cluster (EngineMode "serverless"): it cannot be stopped, it pauses on its own when idle; migrate it to Serverless v2 to stop it on a schedule',
  parallelquery:
    'an Aurora parallel query cluster (EngineMode "parallelquery"): it cannot be stopped; use a provisioned cluster with parallel query turned on instead',
  multimaster:
    'an Aurora multi-master cluster (EngineMode "multimaster"): it cannot be stopped; delete it while not needed',
};

/** Why this DB cluster cannot be started or stopped; undefined when it can. */
export function clusterIneligibility(cluster: DBCluster): string | undefined {
  const engine = cluster.Engine ?? '';
  if (engineFamily(engine) !== 'aurora') {
    return `a Multi-AZ DB cluster (engine "${engine}"): StartDBCluster and StopDBCluster apply to Aurora clusters only, and RDS cannot stop a Multi-AZ DB cluster; scale it down or delete it to save its cost`;
  }
  const mode = cluster.EngineMode;
  if (mode !== undefined && UNSTOPPABLE_MODES[mode] !== undefined) return UNSTOPPABLE_MODES[mode];
  if (cluster.GlobalClusterIdentifier !== undefined) {
    return `a member of Aurora global database "${cluster.GlobalClusterIdentifier}": RDS cannot stop a cluster of a global database; remove it from the global database first`;
  }
  if (cluster.ReplicationSourceIdentifier !== undefined) {
    return `a read replica of "${cluster.ReplicationSourceIdentifier}": RDS cannot stop a cross-Region read replica cluster; promote it or delete it while not needed`;
  }
  if ((cluster.ReadReplicaIdentifiers ?? []).length > 0) {
    return `has cross-Region read replicas (${(cluster.ReadReplicaIdentifiers ?? []).join(', ')}): RDS cannot stop a cluster that has read replicas; delete or promote them first`;
  }
  return undefined;
}
