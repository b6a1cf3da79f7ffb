/**
 * The world's notion of "now". Session expiry, instance state transitions and token-bucket refills
 * all read it, so tests can move time instead of sleeping.
 */
export interface Clock {
  now(): number;
}

/** A clock that can be moved forward (tests, and the admin API's time travel). */
export interface AdjustableClock extends Clock {
  advance(ms: number): void;
}

/** Real time plus an offset: time keeps flowing, and `advance` jumps ahead on top of it. */
export class TravelClock implements AdjustableClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** Frozen time that moves only when told to: fully deterministic tests. */
export class ManualClock implements AdjustableClock {
  constructor(private current: number = Date.now()) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

export function isAdjustable(clock: Clock): clock is AdjustableClock {
  return typeof (clock as Partial<AdjustableClock>).advance === 'function';
}
