/**
 * The bench's cost model (scripts/bench/cost-model.ts) on cases worked out by hand, so the
 * dollars the bench prints are the prices times the measured quantities and nothing else.
 */
import {
  batchWaitMs,
  type EngineRunInput,
  engineCost,
  lambdaWallMs,
  largestSingleInvocationFleet,
  perTargetLambdaCost,
  singleInvocationCost,
  withRecheckRounds,
} from '../../scripts/bench/cost-model';

describe('bench cost model', () => {
  it('turns CPU time into Lambda wall time by the memory share of one vCPU, never above one core', () => {
    // Act
    const atOneVcpu = lambdaWallMs(1000, 1769);
    const aboveOneVcpu = lambdaWallMs(1000, 3538);
    const at256 = lambdaWallMs(100, 256);

    // Assess: 100 x 1769 / 256 = 691.015625
    expect(atOneVcpu).toBe(1000);
    expect(aboveOneVcpu).toBe(1000);
    expect(at256).toBeCloseTo(691.015625, 9);
  });

  it('waits on AWS for one AssumeRole, then each wave of `concurrency` targets making its calls one after another', () => {
    // Prepare: 50 targets, 2 calls each (Describe, Stop), 200 ms a call
    const batch = { invocations: 1, targetsPerBatch: 50, callsPerTarget: 2 };

    // Act
    const sixteenAtOnce = batchWaitMs(batch, 16, 200);
    const allAtOnce = batchWaitMs(batch, 50, 200);

    // Assess: (1 + ceil(50 / 16) x 2) x 200 = 1,800 ms; (1 + 1 x 2) x 200 = 600 ms
    expect(sixteenAtOnce).toBe(1800);
    expect(allAtOnce).toBe(600);
  });

  /** 3 batches (one per phase) of 50 targets in 2 children; 16 at once, 200 ms per call. */
  const engineRun: EngineRunInput = {
    targets: 100,
    children: 2,
    phases: {
      survey: { invocations: 1, targetsPerBatch: 50, callsPerTarget: 1 },
      work: { invocations: 1, targetsPerBatch: 50, callsPerTarget: 2 },
      recheck: { invocations: 1, targetsPerBatch: 50, callsPerTarget: 1 },
    },
    parentStates: 10,
    workerCpuMs: 1024,
    controlCpuMs: 256,
    controlInvocations: 3,
    workerMemoryMb: 1024,
    controlMemoryMb: 256,
    concurrency: 16,
    callLatencyMs: 200,
  };

  it('prices an engine run: transitions, Express per child, workers for their CPU and their wait on AWS', () => {
    // Act: 1,024 ms of worker CPU at 1024 MB and 256 ms of control CPU at 256 MB are each 1.769 s;
    // the waits are survey (1 + 4 x 1) x 200 = 1,000 ms, act (1 + 4 x 2) x 200 = 1,800 ms, re-check 1,000 ms
    const cost = engineCost(engineRun);

    // Assess: each child as long as its slowest batch, 1.769 / 3 + 1.8 s, less than the sum of
    // the batches (1.769 + 3.8 s); 12 x 0.000025 + 2 x 1e-6 + 2 x 2.3896667 x 0.0625 x 0.00001667
    //   + (3 x 2e-7 + 1.769 x 1 x 0.0000133334) + 3.8 x 1 x 0.0000133334
    //   + (3 x 2e-7 + 1.769 x 0.25 x 0.0000133334)
    expect(cost.lines.map((l) => l.quantity)).toEqual([12, 2, expect.any(Number), 3, 3.8, 3]);
    expect(cost.lines[2]?.quantity).toBeCloseTo(0.29870833333, 9);
    expect(cost.dollars).toBeCloseTo(0.00038832986866, 12);
    // the average CPU wall per batch plus the longest wait (the act's)
    expect(cost.longestInvocationMs).toBeCloseTo(1769 / 3 + 1800, 9);
  });

  it('bills CPU the same at any memory below one vCPU, and the wait on AWS by the memory', () => {
    // Act
    const at1024 = engineCost(engineRun);
    const at256 = engineCost({ ...engineRun, workerMemoryMb: 256 });

    // Assess: CPU 1.769 s x 1 GB = 7.076 s x 0.25 GB (x 0.0000133334); the 3.8 s wait a quarter
    expect(at256.lines[3]?.dollars).toBeCloseTo(at1024.lines[3]?.dollars ?? Number.NaN, 15);
    expect(at1024.lines[4]?.dollars).toBeCloseTo(3.8 * 0.0000133334, 15);
    expect(at256.lines[4]?.dollars).toBeCloseTo(3.8 * 0.25 * 0.0000133334, 15);
    // Express lasts as long as its slowest batch: 2 children x (7.076 / 3 + 1.8) s x 0.0625 GB
    expect(at256.lines[2]?.quantity).toBeCloseTo(0.51983333333, 9);
  });

  it('prices a child as the sum of its batches when that is less than its slowest batch per child', () => {
    // Prepare: 3 batches in 10 children (a child per batch and more): the sum binds
    const cost = engineCost({ ...engineRun, children: 10 });

    // Assess: (1.769 + 3.8) s x 0.0625 GB, not 10 x 2.3896667 s
    expect(cost.lines[2]?.quantity).toBeCloseTo(0.3480625, 9);
  });

  it('adds the re-check rounds AWS needs, each like the measured rounds, with its parent states and summary', () => {
    // Prepare: one measured round of 1 child, 2 batches, 512 ms of CPU
    const run: EngineRunInput = {
      ...engineRun,
      phases: {
        ...engineRun.phases,
        recheck: { invocations: 2, targetsPerBatch: 50, callsPerTarget: 1 },
      },
      parentStates: 17,
      controlCpuMs: 300,
    };
    const measured = { rounds: 1, children: 1, workerCpuMs: 512 };

    // Act
    const twoRounds = withRecheckRounds(run, measured, 2);
    const oneRound = withRecheckRounds(run, measured, 1);

    // Assess: one more round = 1 child, 2 batches, 512 ms, 6 parent states, 1 summary at 100 ms
    expect(twoRounds).toEqual({
      ...run,
      children: 3,
      phases: {
        ...run.phases,
        recheck: { invocations: 4, targetsPerBatch: 50, callsPerTarget: 1 },
      },
      workerCpuMs: 1536,
      parentStates: 23,
      controlInvocations: 4,
      controlCpuMs: 400,
    });
    expect(oneRound).toBe(run);
  });

  it('prices one invocation that works at 256 MB, then sleeps while the stops settle', () => {
    // Act: 1,000 targets x 1 ms at 256 MB = 6,910.15625 ms, plus 60 s asleep
    const cost = singleInvocationCost({
      targets: 1000,
      cpuMsPerTarget: 1,
      memoryMb: 256,
      settleMs: 60_000,
    });

    // Assess: 2e-7 + 66.91015625 s x 0.25 GB x 0.0000133334
    expect(cost.longestInvocationMs).toBeCloseTo(66_910.15625, 6);
    expect(cost.dollars).toBeCloseTo(0.0002232349693359375, 12);
  });

  it('prices one asynchronous Lambda per (account, region) plus the orchestrator that invokes them', () => {
    // Act: handler 3 calls x 2 ms at 512 MB = 20.73046875 ms; orchestrator 10 x 2 ms = 69.1015625 ms
    const cost = perTargetLambdaCost({
      targets: 10,
      cpuMsPerCall: 2,
      callsPerTarget: 3,
      memoryMb: 512,
    });

    // Assess: (2e-7 + 0.0691015625 x 0.5 x 0.0000133334) + (10 x 2e-7 + 0.2073046875 x 0.5 x 0.0000133334)
    expect(cost.dollars).toBeCloseTo(4.042717546875e-6, 14);
    expect(cost.longestInvocationMs).toBeCloseTo(69.1015625, 9);
  });

  it('finds the largest fleet one invocation finishes inside 15 minutes', () => {
    // Prepare: 900 s - 20 s reserve - 60 s settling = 820 s of work
    const base = { cpuMsPerTarget: 10, reserveMs: 20_000, settleMs: 60_000 };

    // Act
    const atOneVcpu = largestSingleInvocationFleet({ ...base, memoryMb: 1769 });
    const at256 = largestSingleInvocationFleet({ ...base, memoryMb: 256 });
    const noBudget = largestSingleInvocationFleet({ ...base, settleMs: 900_000, memoryMb: 1769 });

    // Assess: 820,000 / 10 = 82,000; 820,000 / (10 x 1769 / 256) = 11,866.59
    expect(atOneVcpu).toBe(82_000);
    expect(at256).toBe(11_866);
    expect(noBudget).toBe(0);
  });
});
