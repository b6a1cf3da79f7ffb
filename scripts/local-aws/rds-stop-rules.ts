import type { AwsError } from './aws-error';
import { rdsErrors } from './rds-errors';
import type { DbClusterView, DbInstanceView } from './rds-resources';

/**
 * What RDS refuses to stop or start, before looking at the status (RDS User Guide,
 * USER_StopInstance "Limitations"; Aurora User Guide, aurora-cluster-stop-start): a member of
 * a cluster (use the cluster), a read replica, an instance with read replicas, Multi-AZ SQL
 * Server; for clusters, Aurora Serverless v1 and global database members.
 */
export function instanceRefusal(
  db: DbInstanceView,
  change: 'start' | 'stop',
): AwsError | undefined {
  if (db.clusterId) return rdsErrors.clusterMemberInstance(db.engine);
  if (db.readReplicaSourceId) return rdsErrors.readReplica();
  if (change === 'stop' && db.readReplicaIds.length > 0) return rdsErrors.hasReadReplicas(db.id);
  if (change === 'stop' && db.multiAZ && db.engine.startsWith('sqlserver')) {
    return rdsErrors.sqlServerMultiAz();
  }
  if (change === 'stop' && db.status !== 'available') return rdsErrors.instanceNotAvailable(db.id);
  if (change === 'start' && db.status !== 'stopped') {
    return rdsErrors.instanceNotStopped(db.id, db.status);
  }
  return undefined;
}

export function clusterRefusal(
  cluster: DbClusterView,
  change: 'start' | 'stop',
): AwsError | undefined {
  if (cluster.engineMode === 'serverless') return rdsErrors.serverlessCluster();
  if (cluster.globalClusterId) return rdsErrors.globalClusterMember(cluster.id);
  if (change === 'stop' && cluster.status !== 'available') {
    return rdsErrors.clusterNotAvailable(cluster.id, cluster.status);
  }
  if (change === 'start' && cluster.status !== 'stopped') {
    return rdsErrors.clusterNotStopped(cluster.id, cluster.status);
  }
  return undefined;
}
