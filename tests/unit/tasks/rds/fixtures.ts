/** DescribeDBInstances and DescribeDBClusters answers for the RDS task's unit tests. */
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import type { SelectedDatabase } from '../../../../handlers/tasks/rds/resources';
import { CONTROL_TAG } from '../../../helpers/config';

const CONTROLLED = [{ Key: CONTROL_TAG.key, Value: CONTROL_TAG.value }];

/** A control-tagged RDS for PostgreSQL instance, available unless told otherwise. */
export function aDbInstance(id: string, extra: Partial<DBInstance> = {}): DBInstance {
  return {
    DBInstanceIdentifier: id,
    DBInstanceStatus: 'available',
    Engine: 'postgres',
    MultiAZ: false,
    TagList: CONTROLLED,
    ...extra,
  };
}

/** A control-tagged provisioned Aurora PostgreSQL cluster, available unless told otherwise. */
export function aDbCluster(id: string, extra: Partial<DBCluster> = {}): DBCluster {
  return {
    DBClusterIdentifier: id,
    Status: 'available',
    Engine: 'aurora-postgresql',
    EngineMode: 'provisioned',
    TagList: CONTROLLED,
    ...extra,
  };
}

export function aSelectedDb(
  id: string,
  state: string,
  kind: 'db' | 'cluster' = 'db',
): SelectedDatabase {
  return {
    kind,
    id,
    state,
    engine: kind === 'db' ? 'postgres' : 'aurora-postgresql',
    tags: Object.assign(Object.create(null), { [CONTROL_TAG.key]: CONTROL_TAG.value }),
  };
}
