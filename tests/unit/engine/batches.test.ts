import type { Target } from '../../../handlers/core/types';
import {
  BatchOutOfRangeError,
  batchTargets,
  DEFAULT_SIZING,
  planBatches,
  TooManyTargetsError,
  targetsPerBatch,
} from '../../../handlers/engine/batches';

const targets = (n: number): Target[] =>
  Array.from({ length: n }, (_, i) => ({
    accountId: String(200000000000 + Math.floor(i / 2)),
    region: i % 2 === 0 ? 'eu-west-1' : 'us-east-1',
  }));

describe('Engine: work items', () => {
  it('sizes a batch from the CPU per call, capped', () => {
    // Act / Assess: 30 s of CPU at 3 calls x 5 ms per target is 2,000 targets; the cap is 50
    expect(targetsPerBatch(DEFAULT_SIZING)).toBe(50);
    expect(targetsPerBatch({ ...DEFAULT_SIZING, workerCpuBudgetMs: 150 })).toBe(10);
    expect(targetsPerBatch({ ...DEFAULT_SIZING, workerCpuBudgetMs: 1 })).toBe(1);
  });

  it('cuts the targets into batches that cover each target exactly once, in order', () => {
    // Prepare
    const fleet = targets(123);
    const sizing = { ...DEFAULT_SIZING, maxTargetsPerBatch: 10 };

    // Act
    const items = planBatches(fleet, sizing);
    const covered = items.flatMap((item) => batchTargets(fleet, item.batch, sizing));

    // Assess
    expect(items).toHaveLength(13);
    expect(items[12]).toEqual({ batch: 12 });
    expect(covered).toEqual(fleet);
  });

  it('refuses a batch index the plan did not make, naming the range', () => {
    // Act / Assess
    expect(() => batchTargets(targets(5), 1)).toThrow(BatchOutOfRangeError);
    expect(() => batchTargets(targets(5), 1)).toThrow('the request has 1 batches (0-0)');
  });

  it('refuses a fleet that needs more work items than the collected output can hold', () => {
    // Act / Assess
    expect(() => planBatches(targets(10_001))).toThrow(TooManyTargetsError);
    expect(planBatches(targets(10_000))).toHaveLength(200);
  });
});
