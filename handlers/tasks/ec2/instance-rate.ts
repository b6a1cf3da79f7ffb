/**
 * EC2 limits how many instances one account may start or stop in a Region with resource-token
 * buckets: 1,000 at once, then 2 starts or 20 stops per second
 * (docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html). A call the bucket cannot
 * cover is answered RequestLimitExceeded, and the SDK's throttling retries (a few seconds in all)
 * cannot wait out a deficit that takes longer to refill: 200 stops beyond the burst need 10 s,
 * 200 starts 100 s. So each target keeps its own copy of the bucket and waits before a batch
 * until the bucket covers it, instead of sending a batch that is bound to be refused.
 */
export interface InstanceBucketSpec {
  capacity: number;
  refillPerSecond: number;
}

/** Resource-token buckets per account and Region, as documented. */
export const INSTANCE_BUCKETS: Readonly<Record<'start' | 'stop', InstanceBucketSpec>> = {
  start: { capacity: 1000, refillPerSecond: 2 },
  stop: { capacity: 1000, refillPerSecond: 20 },
};

/**
 * Once the burst is spent, a batch holds what the bucket refills in this many seconds: few calls,
 * and little work left unsent when the invocation runs out of time.
 */
export const PACED_BATCH_SECONDS = 10;

export interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: PaceClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The target's bucket as this invocation sees it: full at the start, refilled by the clock. */
export class InstanceBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly spec: InstanceBucketSpec,
    private readonly clock: PaceClock = REAL_CLOCK,
  ) {
    this.tokens = spec.capacity;
    this.refilledAt = clock.now();
  }

  /** How many instances the next batch should hold, out of `remaining`. */
  nextBatchSize(remaining: number, maxBatch: number): number {
    this.refill();
    const paced = Math.max(1, Math.floor(this.spec.refillPerSecond * PACED_BATCH_SECONDS));
    return Math.min(remaining, maxBatch, Math.max(paced, Math.floor(this.tokens)));
  }

  /** Milliseconds until `count` tokens are there. */
  waitMillis(count: number): number {
    this.refill();
    const missing = Math.min(count, this.spec.capacity) - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.spec.refillPerSecond) * 1000);
  }

  /**
   * Waits until the bucket covers `count` instances and takes them. Returns false, without
   * waiting, when that would take longer than `budgetMillis`.
   */
  async take(count: number, budgetMillis: number): Promise<boolean> {
    const wait = this.waitMillis(count);
    if (wait > budgetMillis) return false;
    if (wait > 0) await this.clock.sleep(wait);
    this.refill();
    this.tokens -= count;
    return true;
  }

  /**
   * Call when a batch's answer is in. EC2 took the tokens at some point while the call was in
   * flight; counting refills only from now on never sends the next batch too early.
   */
  answered(): void {
    this.refilledAt = this.clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    const seconds = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.spec.capacity, this.tokens + seconds * this.spec.refillPerSecond);
    this.refilledAt = now;
  }
}
