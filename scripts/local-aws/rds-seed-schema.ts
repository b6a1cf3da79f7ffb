import { z } from 'zod';

/**
 * RDS resources of one account and region in a world seed. DescribeDBInstances and
 * DescribeDBClusters also return Aurora, Neptune and DocumentDB resources (they share the RDS
 * API), so `engine` says which kind each one is (RDS API reference, DBInstance.Engine).
 */

/** RDS identifiers: a letter, then letters, digits or hyphens, 1-63 (stored lowercase). */
export const DB_IDENTIFIER = /^[a-z](?:[a-z0-9]|-(?!-)){0,62}$/;

export const RDS_STATUSES = ['available', 'stopping', 'stopped', 'starting'] as const;
export type RdsStatus = (typeof RDS_STATUSES)[number];

/** Per-resource transition times (real-world ms, scaled by the world's timeFactor). */
const TimingOverrides = {
  /** stopping → stopped ("can take several minutes", RDS User Guide USER_StopInstance). */
  stoppingMs: z.number().int().min(0).optional(),
  /** starting → available ("can take from minutes to hours"). */
  startingMs: z.number().int().min(0).optional(),
  /**
   * For a resource seeded `stopped`: how long ago it was stopped, so AWS's automatic start
   * after 7 days falls due sooner (e.g. 167 hours: an hour from the world's start).
   */
  stoppedHoursAgo: z.number().min(0).optional(),
};

const Tags = z.record(z.string().min(1).max(128), z.string().max(256)).default({});

export const DbInstanceSeedSchema = z.strictObject({
  id: z.string().regex(DB_IDENTIFIER, 'must be a letter then letters, digits or single hyphens'),
  note: z.string().optional(),
  engine: z.string().min(1),
  engineVersion: z.string().min(1),
  instanceClass: z.string().regex(/^db\./).default('db.t3.micro'),
  status: z.enum(RDS_STATUSES),
  availabilityZone: z.string().min(1),
  multiAZ: z.boolean().default(false),
  createTime: z.iso.datetime(),
  /** The Aurora (or Neptune, DocumentDB) cluster this instance belongs to; its status follows the cluster's. */
  clusterId: z.string().regex(DB_IDENTIFIER).optional(),
  /** The instance this one is a read replica of (same account and region). */
  readReplicaSourceId: z.string().regex(DB_IDENTIFIER).optional(),
  tags: Tags,
  ...TimingOverrides,
});

export const DbClusterSeedSchema = z.strictObject({
  id: z.string().regex(DB_IDENTIFIER, 'must be a letter then letters, digits or single hyphens'),
  note: z.string().optional(),
  engine: z.string().min(1),
  engineVersion: z.string().min(1),
  /** `serverless` is Aurora Serverless v1, which cannot be stopped. */
  engineMode: z.enum(['provisioned', 'serverless']).default('provisioned'),
  status: z.enum(RDS_STATUSES),
  availabilityZones: z.array(z.string().min(1)).min(1),
  createTime: z.iso.datetime(),
  /** Member of an Aurora global database: it cannot be stopped. */
  globalClusterId: z.string().min(1).optional(),
  tags: Tags,
  ...TimingOverrides,
});

export type DbInstanceSeed = z.output<typeof DbInstanceSeedSchema>;
export type DbClusterSeed = z.output<typeof DbClusterSeedSchema>;
