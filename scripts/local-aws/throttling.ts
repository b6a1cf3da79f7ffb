import type { Clock } from './clock';
import { type BucketSpec, TokenBucket } from './token-bucket';

/**
 * EC2's documented token buckets (per account, per Region; request buckets count calls, resource
 * buckets count instances) and STS's request quota (600/s per account per Region).
 * Source: docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html, IAM quotas page.
 */
export const DOCUMENTED_BUCKETS = {
  /** Describe* when filtered or paginated. */
  DescribeInstances: { capacity: 100, refillPerSecond: 20 },
  /** DescribeInstances with neither filters, IDs nor MaxResults has its own, smaller bucket. */
  'DescribeInstances:unfiltered': { capacity: 50, refillPerSecond: 10 },
  StopInstances: { capacity: 50, refillPerSecond: 5 },
  StartInstances: { capacity: 5, refillPerSecond: 2 },
  'StartInstances:instances': { capacity: 1000, refillPerSecond: 2 },
  'StopInstances:instances': { capacity: 1000, refillPerSecond: 20 },
  'sts:requests': { capacity: 600, refillPerSecond: 600 },
  /**
   * RDS throttles per account and Region but publishes no rates: these sizes are *unverified*
   * stand-ins of EC2's order, for tests of a client's back-off (override with `buckets`).
   */
  'rds:requests': { capacity: 100, refillPerSecond: 20 },
} as const satisfies Record<string, BucketSpec>;

export type BucketName = keyof typeof DOCUMENTED_BUCKETS;

export const BUCKET_NAMES = Object.keys(DOCUMENTED_BUCKETS) as BucketName[];

export interface TokenDemand {
  bucket: BucketName;
  count: number;
}

/** Buckets created on first use for each (account, region, bucket name). */
export class ThrottleRegistry {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly clock: Clock,
    private readonly specFor: (bucket: BucketName) => BucketSpec,
  ) {}

  /**
   * Takes every demand or none: a throttled call consumes no tokens, so a client that backs off
   * gets through once the bucket has refilled.
   */
  tryTakeAll(accountId: string, region: string, demands: readonly TokenDemand[]): boolean {
    const pairs = demands.map((demand) => ({
      demand,
      bucket: this.bucketFor(accountId, region, demand.bucket),
    }));
    if (pairs.some(({ demand, bucket }) => bucket.available() < demand.count)) return false;
    for (const { demand, bucket } of pairs) bucket.tryTake(demand.count);
    return true;
  }

  tokensLeft(accountId: string, region: string, bucket: BucketName): number {
    return this.bucketFor(accountId, region, bucket).available();
  }

  /** Forget every bucket (they come back full): used when the bucket settings change. */
  reset(): void {
    this.buckets.clear();
  }

  private bucketFor(accountId: string, region: string, name: BucketName): TokenBucket {
    const key = `${accountId}|${region}|${name}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.specFor(name), this.clock);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
