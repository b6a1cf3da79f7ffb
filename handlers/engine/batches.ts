/**
 * Work items of the Step Functions engine: batch indices over the request's (account, region)
 * targets. An item is `{ batch: n }`; plan and workers cut the same ordered target list the same
 * way, so a worker resolves its batch from the bundled configuration and nothing larger travels
 * through the state machine. A target is never split across workers.
 */
import type { Target } from '../core/types';
import { SchedulerError } from '../formats/scheduler-error';

/** What sizes a batch: the CPU a target costs and the share of a worker's time it may use. */
export interface BatchSizing {
  /** CPU per AWS call, measured by `npm run bench` (about 5 ms on 2 cores, SigV4 and XML). */
  cpuMsPerCall: number;
  /** Calls per target on the happy path: AssumeRole (once per warm session), Describe, Start/Stop. */
  callsPerTarget: number;
  /** CPU one worker may spend: an Express child has 5 minutes; keep well inside it. */
  workerCpuBudgetMs: number;
  /** Upper bound, so one item's result (and its blast radius) stays small. */
  maxTargetsPerBatch: number;
  /** Most items one run may have: keeps the Map's collected output under 256 KB. */
  maxBatches: number;
}

export const DEFAULT_SIZING: BatchSizing = {
  // On one core: the bench measures 2.4-3.6 ms per call (section 8); 5 ms keeps a margin.
  cpuMsPerCall: 5,
  callsPerTarget: 3,
  // A worker's 60 s timeout less the 20 s reserve, at 256 MB (256 / 1769 = 0.145 vCPU, AWS
  // Lambda Developer Guide, "Configuring Lambda function memory"): 5.8 s of CPU, rounded down.
  workerCpuBudgetMs: 5_000,
  maxTargetsPerBatch: 50,
  maxBatches: 200,
};

export class TooManyTargetsError extends SchedulerError {
  constructor(
    readonly targets: number,
    readonly limit: number,
  ) {
    super(
      'TooManyTargetsError',
      `${targets} targets need more than ${limit} work items; split the fleet into several schedules (targets.accounts / targets.regions) or raise maxTargetsPerBatch`,
    );
  }
}

export class BatchOutOfRangeError extends SchedulerError {
  constructor(
    readonly batch: number,
    readonly batches: number,
  ) {
    super(
      'BatchOutOfRangeError',
      `work item batch ${batch} does not exist: the request has ${batches} batches (0-${batches - 1}); the configuration changed since the run was planned?`,
    );
  }
}

/** Targets per batch: as many as the CPU budget allows, never more than the cap. */
export function targetsPerBatch(sizing: BatchSizing = DEFAULT_SIZING): number {
  const byCpu = Math.floor(
    sizing.workerCpuBudgetMs / (sizing.cpuMsPerCall * sizing.callsPerTarget),
  );
  return Math.max(1, Math.min(sizing.maxTargetsPerBatch, byCpu));
}

/** The run's work items; throws when the fleet needs more than `maxBatches` of them. */
export function planBatches(
  targets: readonly Target[],
  sizing: BatchSizing = DEFAULT_SIZING,
): Array<{ batch: number }> {
  const size = targetsPerBatch(sizing);
  const count = Math.ceil(targets.length / size);
  if (count > sizing.maxBatches) {
    throw new TooManyTargetsError(targets.length, sizing.maxBatches * size);
  }
  return Array.from({ length: count }, (_, batch) => ({ batch }));
}

/** The targets of one batch, exactly as `planBatches` cut them. */
export function batchTargets(
  targets: readonly Target[],
  batch: number,
  sizing: BatchSizing = DEFAULT_SIZING,
): Target[] {
  const size = targetsPerBatch(sizing);
  const count = Math.ceil(targets.length / size);
  if (!Number.isInteger(batch) || batch < 0 || batch >= count) {
    throw new BatchOutOfRangeError(batch, count);
  }
  return targets.slice(batch * size, (batch + 1) * size);
}
