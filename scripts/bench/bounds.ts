/**
 * Physical lower bounds the measured figures are compared with. They follow from the work and
 * the injected latency alone, so they mean the same on any machine.
 */
import { accountsOf, type Shape } from './world';

/** Calls on one target's critical path when its account is not yet assumed: AssumeRole, Describe, Stop. */
export const CRITICAL_PATH_CALLS = 3;

/** ceil(targets / concurrency) waves, each as long as one target's critical path. */
export function fanOutBoundMs(targets: number, concurrency: number, latencyMs: number): number {
  return Math.ceil(targets / concurrency) * CRITICAL_PATH_CALLS * latencyMs;
}

/** Reads of the stage's pause switch per run: one, before any target (handlers/aws/pause-gate.ts). */
export const PAUSE_SWITCH_READS = 1;

/**
 * The pause switch read, one AssumeRole per account, one Describe per target per 1,000
 * instances, one Stop per target.
 */
export function minimumCalls(shape: Shape): number {
  const pages = Math.ceil(shape.instancesPerTarget / 1000);
  return PAUSE_SWITCH_READS + accountsOf(shape) + shape.targets * pages + shape.targets;
}

/** Time a token bucket needs to let `demand` tokens through: what the burst cannot cover, refilled. */
export function bucketFloorMs(
  demand: number,
  bucket: { capacity: number; refillPerSecond: number },
): number {
  return (Math.max(0, demand - bucket.capacity) / bucket.refillPerSecond) * 1000;
}
