import { createHash } from 'node:crypto';
import { base32 } from '../shared/stack/cfn-names';
import type { Clock } from './clock';
import type { Tag } from './instances';
import { type RdsEvent, type RdsSourceType, rdsEvent } from './rds-events';
import {
  automaticRestartTime,
  DEFAULT_RDS_TIMING,
  type RdsPhase,
  type RdsTiming,
  seededRdsPhase,
  settleRds,
  startingRdsPhase,
  stoppingRdsPhase,
} from './rds-lifecycle';
import type { DbClusterSeed, DbInstanceSeed, RdsStatus } from './rds-seed-schema';
import type { Seed } from './seed-schema';

/** What DescribeDBInstances reports about a DB instance at one moment. */
export interface DbInstanceView {
  id: string;
  arn: string;
  /** DbiResourceId, `db-` plus 26 characters. */
  resourceId: string;
  accountId: string;
  region: string;
  engine: string;
  engineVersion: string;
  instanceClass: string;
  status: RdsStatus;
  availabilityZone: string;
  multiAZ: boolean;
  createTime: number;
  clusterId?: string;
  readReplicaSourceId?: string;
  readReplicaIds: string[];
  automaticRestartTime?: number;
  tags: Tag[];
}

/** What DescribeDBClusters reports about a DB cluster at one moment. */
export interface DbClusterView {
  id: string;
  arn: string;
  resourceId: string;
  accountId: string;
  region: string;
  engine: string;
  engineVersion: string;
  engineMode: 'provisioned' | 'serverless';
  status: RdsStatus;
  availabilityZones: string[];
  createTime: number;
  globalClusterId?: string;
  /** Member instances in seed order; the first is the writer. */
  memberIds: string[];
  automaticRestartTime?: number;
  tags: Tag[];
}

interface RdsRecord<Seeded> {
  seed: Seeded;
  accountId: string;
  region: string;
  phase: RdsPhase;
}

export function dbInstanceArn(region: string, accountId: string, id: string): string {
  return `arn:aws:rds:${region}:${accountId}:db:${id}`;
}

export function dbClusterArn(region: string, accountId: string, id: string): string {
  return `arn:aws:rds:${region}:${accountId}:cluster:${id}`;
}

/**
 * The RDS side of the world: DB instances and clusters per account and region, their statuses
 * on the world clock, and the events those changes raised. An Aurora member instance has no
 * status of its own: it shows its cluster's, so the two always move together.
 */
export class RdsResources {
  private readonly instances = new Map<string, Array<RdsRecord<DbInstanceSeed>>>();
  private readonly clusters = new Map<string, Array<RdsRecord<DbClusterSeed>>>();
  private readonly events = new Map<string, RdsEvent[]>();

  constructor(
    seed: Seed,
    private readonly clock: Clock,
    private readonly timeFactor: () => number,
  ) {
    const now = clock.now();
    for (const account of seed.accounts) {
      for (const [region, place] of Object.entries(account.regions)) {
        const key = placeKey(account.accountId, region);
        this.instances.set(
          key,
          place.dbInstances.map((dbInstance) =>
            this.seeded(dbInstance, account.accountId, region, now),
          ),
        );
        this.clusters.set(
          key,
          place.dbClusters.map((cluster) => this.seeded(cluster, account.accountId, region, now)),
        );
      }
    }
  }

  instancesIn(accountId: string, region: string): DbInstanceView[] {
    return (this.instances.get(placeKey(accountId, region)) ?? []).map((record) =>
      this.instanceView(record),
    );
  }

  clustersIn(accountId: string, region: string): DbClusterView[] {
    return (this.clusters.get(placeKey(accountId, region)) ?? []).map((record) =>
      this.clusterView(record),
    );
  }

  /** RDS identifiers are case-insensitive (stored lowercase). */
  findInstance(accountId: string, region: string, id: string): DbInstanceView | undefined {
    const record = this.instanceRecord(accountId, region, id);
    return record ? this.instanceView(record) : undefined;
  }

  findCluster(accountId: string, region: string, id: string): DbClusterView | undefined {
    const record = this.clusterRecord(accountId, region, id);
    return record ? this.clusterView(record) : undefined;
  }

  /** stopped → starting → available. */
  beginInstanceStart(accountId: string, region: string, id: string): void {
    const record = this.mustFind(this.instanceRecord(accountId, region, id), id);
    record.phase = startingRdsPhase(this.clock.now(), this.timingOf(record.seed));
  }

  /** available → stopping → stopped (and AWS's own start 7 days later). */
  beginInstanceStop(accountId: string, region: string, id: string): void {
    const record = this.mustFind(this.instanceRecord(accountId, region, id), id);
    record.phase = stoppingRdsPhase(this.clock.now(), this.timingOf(record.seed));
  }

  beginClusterStart(accountId: string, region: string, id: string): void {
    const record = this.mustFind(this.clusterRecord(accountId, region, id), id);
    record.phase = startingRdsPhase(this.clock.now(), this.timingOf(record.seed));
  }

  beginClusterStop(accountId: string, region: string, id: string): void {
    const record = this.mustFind(this.clusterRecord(accountId, region, id), id);
    record.phase = stoppingRdsPhase(this.clock.now(), this.timingOf(record.seed));
  }

  /** Every event raised in one account and region up to now, oldest first. */
  eventsIn(accountId: string, region: string): RdsEvent[] {
    // Looking settles every resource, so events due by now are recorded even if nobody asked.
    this.instancesIn(accountId, region);
    this.clustersIn(accountId, region);
    return [...(this.events.get(placeKey(accountId, region)) ?? [])].sort((a, b) => a.at - b.at);
  }

  private seeded<Seeded extends DbInstanceSeed | DbClusterSeed>(
    seed: Seeded,
    accountId: string,
    region: string,
    now: number,
  ): RdsRecord<Seeded> {
    const stoppedMsAgo = (seed.stoppedHoursAgo ?? 0) * 3600_000;
    return {
      seed,
      accountId,
      region,
      phase: seededRdsPhase(seed.status, now, this.timingOf(seed), stoppedMsAgo),
    };
  }

  private timingOf(seed: DbInstanceSeed | DbClusterSeed): RdsTiming {
    const factor = this.timeFactor();
    return {
      stoppingMs: Math.round((seed.stoppingMs ?? DEFAULT_RDS_TIMING.stoppingMs) * factor),
      startingMs: Math.round((seed.startingMs ?? DEFAULT_RDS_TIMING.startingMs) * factor),
    };
  }

  private instanceRecord(accountId: string, region: string, id: string) {
    const wanted = id.toLowerCase();
    return this.instances.get(placeKey(accountId, region))?.find((r) => r.seed.id === wanted);
  }

  private clusterRecord(accountId: string, region: string, id: string) {
    const wanted = id.toLowerCase();
    return this.clusters.get(placeKey(accountId, region))?.find((r) => r.seed.id === wanted);
  }

  private mustFind<T>(record: T | undefined, id: string): T {
    if (!record) throw new Error(`No RDS resource ${id}`);
    return record;
  }

  /** Moves a record's phase up to now, recording the events of every phase it entered. */
  private settle(
    record: RdsRecord<DbInstanceSeed | DbClusterSeed>,
    sourceType: RdsSourceType,
  ): void {
    const passed = settleRds(record.phase, this.clock.now());
    if (passed.length === 0) return;
    const arn = (sourceType === 'db-instance' ? dbInstanceArn : dbClusterArn)(
      record.region,
      record.accountId,
      record.seed.id,
    );
    const key = placeKey(record.accountId, record.region);
    const log = this.events.get(key) ?? [];
    this.events.set(key, log);
    for (const phase of passed) {
      if (phase.event) {
        log.push(
          rdsEvent(phase.event, phase.since, {
            sourceType,
            sourceId: record.seed.id,
            sourceArn: arn,
          }),
        );
      }
    }
    record.phase = passed.at(-1) ?? record.phase;
  }

  private instanceView(record: RdsRecord<DbInstanceSeed>): DbInstanceView {
    const { seed, accountId, region } = record;
    const cluster = seed.clusterId
      ? this.clusterRecord(accountId, region, seed.clusterId)
      : undefined;
    let phase: RdsPhase;
    if (cluster) {
      this.settle(cluster, 'db-cluster');
      phase = cluster.phase;
    } else {
      this.settle(record, 'db-instance');
      phase = record.phase;
    }
    const restartAt = automaticRestartTime(phase);
    const replicas = (this.instances.get(placeKey(accountId, region)) ?? [])
      .filter((other) => other.seed.readReplicaSourceId === seed.id)
      .map((other) => other.seed.id);
    return {
      id: seed.id,
      arn: dbInstanceArn(region, accountId, seed.id),
      resourceId: resourceId('db', accountId, region, seed.id),
      accountId,
      region,
      engine: seed.engine,
      engineVersion: seed.engineVersion,
      instanceClass: seed.instanceClass,
      status: phase.status,
      availabilityZone: seed.availabilityZone,
      multiAZ: seed.multiAZ,
      createTime: Date.parse(seed.createTime),
      ...(seed.clusterId ? { clusterId: seed.clusterId } : {}),
      ...(seed.readReplicaSourceId ? { readReplicaSourceId: seed.readReplicaSourceId } : {}),
      readReplicaIds: replicas,
      ...(restartAt !== undefined ? { automaticRestartTime: restartAt } : {}),
      tags: tagsOf(seed.tags),
    };
  }

  private clusterView(record: RdsRecord<DbClusterSeed>): DbClusterView {
    this.settle(record, 'db-cluster');
    const { seed, accountId, region, phase } = record;
    const restartAt = automaticRestartTime(phase);
    return {
      id: seed.id,
      arn: dbClusterArn(region, accountId, seed.id),
      resourceId: resourceId('cluster', accountId, region, seed.id),
      accountId,
      region,
      engine: seed.engine,
      engineVersion: seed.engineVersion,
      engineMode: seed.engineMode,
      status: phase.status,
      availabilityZones: [...seed.availabilityZones],
      createTime: Date.parse(seed.createTime),
      ...(seed.globalClusterId ? { globalClusterId: seed.globalClusterId } : {}),
      memberIds: (this.instances.get(placeKey(accountId, region)) ?? [])
        .filter((member) => member.seed.clusterId === seed.id)
        .map((member) => member.seed.id),
      ...(restartAt !== undefined ? { automaticRestartTime: restartAt } : {}),
      tags: tagsOf(seed.tags),
    };
  }
}

function placeKey(accountId: string, region: string): string {
  return `${accountId}|${region}`;
}

function tagsOf(tags: { [key: string]: string }): Tag[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/** A stable DbiResourceId / DbClusterResourceId (`db-` / `cluster-` plus 26 characters). */
function resourceId(prefix: string, accountId: string, region: string, id: string): string {
  const digest = createHash('sha256').update(`${accountId}|${region}|${prefix}|${id}`).digest();
  return `${prefix}-${base32(digest).slice(0, 26).toUpperCase()}`;
}
