/**
 * The sizes one run uses. `full` is what the README reports; `quick` shrinks every scenario so
 * the whole run fits in a CI smoke test (it proves the figures are produced, not the goals).
 */
import type { Shape } from './world';

export interface Plan {
  mode: 'full' | 'quick';
  /** Fresh processes per variant for the module-load figure. */
  loadRuns: number;
  /** Happy-path call counting (no latency). */
  calls: Shape;
  /** Fan-out wall time: this project, the naive port and the bound, on one world. */
  fanOut: Shape;
  latencyMs: number;
  /** `concurrency` of the bench stage config: the most the config allows. */
  concurrency: number;
  /** Other concurrency settings the fan-out is repeated with. */
  sweep: number[];
  /** Instances in the one throttled target, and the StopInstances resource bucket it meets. */
  throttled: { instances: number; bucket?: { capacity: number; refillPerSecond: number } };
  /** Targets per point of the scale curve (instances per target as in fanOut). */
  scale: number[];
  /** One warm container through a whole fleet, `targetsPerInvocation` targets at a time (section 7). */
  warm: { fleet: number; targetsPerInvocation: number };
  /** Whole fleets through the local state machine (section 8) and the cost model (section 9). */
  engine: {
    /** (account, region) targets per fleet; regions and instances per target as in fanOut. */
    fleets: number[];
    /** In-flight targets per worker: serverless.yml's default `concurrency`. */
    concurrency: number;
    /** EC2 transition times and the engine's Wait, times this (0.01: a 60 s stop takes 0.6 s). */
    timeFactor: number;
  };
}

export const FULL: Plan = {
  mode: 'full',
  loadRuns: 21,
  calls: { targets: 60, regionsPerAccount: 3, instancesPerTarget: 50 },
  fanOut: { targets: 400, regionsPerAccount: 4, instancesPerTarget: 10 },
  latencyMs: 50,
  concurrency: 100,
  sweep: [16, 32, 64],
  throttled: { instances: 1200 },
  scale: [10, 100, 400, 1000, 4000, 10000],
  warm: { fleet: 10000, targetsPerInvocation: 100 },
  engine: { fleets: [4000, 10000], concurrency: 16, timeFactor: 0.01 },
};

export const QUICK: Plan = {
  mode: 'quick',
  loadRuns: 5,
  calls: { targets: 8, regionsPerAccount: 2, instancesPerTarget: 5 },
  fanOut: { targets: 16, regionsPerAccount: 4, instancesPerTarget: 5 },
  latencyMs: 50,
  concurrency: 100,
  sweep: [4],
  // The documented burst with ten times the refill: the same batches, a 1 s floor instead of 10 s.
  throttled: { instances: 1200, bucket: { capacity: 1000, refillPerSecond: 200 } },
  // Wide enough for the memory growth guard to bite: a heap that grows with the fleet shows at
  // 400 targets (the process without Lambda's heap limits peaked 1.8x higher there than at 100).
  scale: [100, 400],
  warm: { fleet: 800, targetsPerInvocation: 100 },
  engine: { fleets: [40], concurrency: 16, timeFactor: 0.01 },
};
