/**
 * How many (account, region) targets one invocation of the instances function can run, at its
 * memory size and timeout: the smaller of what its memory holds and what its CPU share gets
 * through in time. `sls package` refuses a schedule on `scheduledRuns: single-invocation` beyond
 * it (schedule-paths.ts). Every input is a measurement of `npm run bench` (scripts/bench/README.md):
 * when the bench moves, update the constants here and nothing else.
 */
import { lambdaWallMs } from '../lambda-cpu';

/**
 * Peak RSS (MB) of the single invocation by targets: the bench's scale curve (section 7, a cold
 * `stop` of 10 instances per target at concurrency 100, its response serialised as Lambda's
 * runtime sends it), the higher of two runs on 2 cores on 2026-12-07 (the full run and a
 * scale-only run), rounded up. About 2.8 KB more per target above 4,000 targets; steeper below
 * 400. Sorted by targets.
 */
export const MEASURED_PEAK_MEMORY_MB: ReadonlyArray<readonly [targets: number, mb: number]> = [
  [10, 95],
  [100, 132],
  [400, 153],
  [1000, 165],
  [4000, 182],
  [10000, 199],
];

/**
 * CPU per target on one full core (ms): the engine workers' survey + act + re-check, 11.0 ms at
 * 4,000 targets and 10.8 at 10,000 (bench section 8). The single invocation's own act measured
 * 5.4 ms without waiting; a run that waits describes every target again while it waits, so the
 * workers' figure is the one that covers both.
 */
export const CPU_MS_PER_TARGET = 11;

/** Share of memorySize a run may fill: the runs differ by up to 4 %, and the runtime needs some. */
export const MEMORY_HEADROOM = 0.9;

/** Time a run that waits keeps for the instances to settle: an EC2 stop takes about a minute. */
export const SETTLE_MS = 60_000;

export interface SingleInvocation {
  /** The instances function's memorySize (MB). */
  memoryMb: number;
  /** Its timeout (s). */
  timeoutSeconds: number;
  /** The stage's reserveMillis: what a run keeps back for its answer. */
  reserveMillis: number;
  /** The request waits for the final states (`wait: true`). */
  waits: boolean;
}

export interface TargetLimit {
  /** min(memory, time): the most targets this invocation runs. */
  limit: number;
  /** Most targets whose measured peak memory fits in MEMORY_HEADROOM of memoryMb. */
  memory: number;
  /** Most targets whose CPU fits in the timeout, less the reserve and the settling time. */
  time: number;
}

/**
 * Targets at which the measured curve reaches `mb` (linear between points). Beyond the largest
 * measured fleet nothing is known of the memory, so the bound stops there.
 */
function targetsWithin(mb: number): number {
  const points = MEASURED_PEAK_MEMORY_MB;
  const [first] = points;
  if (!first || mb < first[1]) return 0;
  for (let i = 1; i < points.length; i += 1) {
    const [t0, m0] = points[i - 1] ?? first;
    const [t1, m1] = points[i] ?? first;
    const last = i === points.length - 1;
    if (mb > m1 && !last) continue;
    if (mb >= m1 && last) return t1;
    // A curve that has stopped growing no longer bounds the run: time does.
    if (m1 <= m0) return mb > m1 ? Number.POSITIVE_INFINITY : t1;
    return Math.floor(t0 + ((mb - m0) * (t1 - t0)) / (m1 - m0));
  }
  return first[0];
}

export function singleInvocationLimit(fn: SingleInvocation): TargetLimit {
  const memory = targetsWithin(fn.memoryMb * MEMORY_HEADROOM);
  const budgetMs = fn.timeoutSeconds * 1000 - fn.reserveMillis - (fn.waits ? SETTLE_MS : 0);
  const time =
    budgetMs <= 0 ? 0 : Math.floor(budgetMs / lambdaWallMs(CPU_MS_PER_TARGET, fn.memoryMb));
  return { limit: Math.min(memory, time), memory, time };
}

/** Lambda's memory sizes run from 128 to 10,240 MB in 1 MB steps; suggestions go in 64 MB steps. */
const MEMORY_STEP_MB = 64;
const MAX_MEMORY_MB = 10_240;

/** The smallest memorySize (a multiple of 64 MB) whose limit holds `targets`; undefined if none. */
export function memoryFor(
  targets: number,
  fn: Omit<SingleInvocation, 'memoryMb'>,
): number | undefined {
  for (let mb = MEMORY_STEP_MB * 2; mb <= MAX_MEMORY_MB; mb += MEMORY_STEP_MB) {
    if (singleInvocationLimit({ ...fn, memoryMb: mb }).limit >= targets) return mb;
  }
  return undefined;
}
