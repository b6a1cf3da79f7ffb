import type { Clock } from './clock';

export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

/**
 * A token bucket refilled lazily from the clock (no timers): it starts full, each request takes
 * tokens, and tokens come back at `refillPerSecond` up to `capacity`, as EC2's throttling does.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    readonly spec: BucketSpec,
    private readonly clock: Clock,
  ) {
    this.tokens = spec.capacity;
    this.refilledAt = clock.now();
  }

  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Takes `count` tokens if they are all there; otherwise takes none. */
  tryTake(count = 1): boolean {
    this.refill();
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }

  give(count: number): void {
    this.tokens = Math.min(this.spec.capacity, this.tokens + count);
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsedSeconds = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(
      this.spec.capacity,
      this.tokens + elapsedSeconds * this.spec.refillPerSecond,
    );
    this.refilledAt = now;
  }
}
