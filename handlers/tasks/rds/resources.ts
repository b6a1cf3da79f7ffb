/** What the RDS task keeps of a described DB instance or DB cluster, and its two resource types. */
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import type { HeldResource } from '../../core/task';
import { tagRecord } from './tag-selector';

export const DB_INSTANCE_TYPE = 'rds:db';
export const DB_CLUSTER_TYPE = 'rds:cluster';
export type RdsKind = 'db' | 'cluster';
export const TYPE_OF: Readonly<Record<RdsKind, string>> = {
  db: DB_INSTANCE_TYPE,
  cluster: DB_CLUSTER_TYPE,
};

export interface SelectedDatabase {
  kind: RdsKind;
  /** The DB instance or DB cluster identifier. */
  id: string;
  /** `DBInstanceStatus` or the cluster's `Status`. */
  state: string;
  engine: string;
  /** From `TagList` (null prototype). */
  tags: Record<string, string>;
}

/** A copy that shares no memory with the parsed response (see ec2/select.ts `detached`). */
const detached = (text: string) => ` ${text}`.slice(1);

export function fromInstance(instance: DBInstance): SelectedDatabase {
  return {
    kind: 'db',
    id: detached(instance.DBInstanceIdentifier ?? ''),
    state: detached(instance.DBInstanceStatus ?? 'unknown'),
    engine: detached(instance.Engine ?? 'unknown'),
    tags: tagRecord(instance.TagList),
  };
}

export function fromCluster(cluster: DBCluster): SelectedDatabase {
  return {
    kind: 'cluster',
    id: detached(cluster.DBClusterIdentifier ?? ''),
    state: detached(cluster.Status ?? 'unknown'),
    engine: detached(cluster.Engine ?? 'unknown'),
    tags: tagRecord(cluster.TagList),
  };
}

/**
 * The resource as a run holds it until its act (core/held-selection.ts): `[kind, id, state,
 * engine]`. Its tags are left out: only the selection and the resource rules (`factsOf`) read
 * them, and both are done by then.
 */
export const rdsHeld: HeldResource<SelectedDatabase> = {
  pack: (resource) => [resource.kind, resource.id, resource.state, resource.engine],
  unpack: ([kind, id, state, engine]) => ({
    kind: kind === 'cluster' ? 'cluster' : 'db',
    id: String(id),
    state: String(state),
    engine: String(engine),
    tags: Object.create(null),
  }),
};
