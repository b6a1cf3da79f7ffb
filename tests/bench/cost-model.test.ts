/**
 * The bench's cost model (scripts/bench/cost-model.ts) on cases worked out by hand, so the
 * dollars the bench prints are the prices times the measured quantities and nothing else.
 */
import {
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

  it('prices an engine run: transitions per parent state and per child, Express per child, Lambda per batch', () => {
    // Prepare: 3 batches in 2 children (a child runs a group of batches); 1,024 ms of worker CPU
    // at 1024 MB and 256 ms of control CPU at 256 MB are each 1.769 s
    const run = {
      targets: 100,
      children: 2,
      workerInvocations: 3,
      parentStates: 10,
      workerCpuMs: 1024,
      controlCpuMs: 256,
      controlInvocations: 3,
      workerMemoryMb: 1024,
      controlMemoryMb: 256,
    };

    // Act
    const cost = engineCost(run);

    // Assess: 12 x 0.000025 + 2 x 1e-6 + 1.769 x 0.0625 x 0.00001667
    //   + (3 x 2e-7 + 1.769 x 1 x 0.0000133334) + (3 x 2e-7 + 1.769 x 0.25 x 0.0000133334)
    expect(cost.lines.map((l) => l.quantity)).toEqual([12, 2, expect.any(Number), 3, 3]);
    expect(cost.lines[2]?.quantity).toBeCloseTo(0.1105625, 9);
    expect(cost.dollars).toBeCloseTo(0.000334526557625, 12);
    expect(cost.longestInvocationMs).toBeCloseTo(1769 / 3, 9);
  });

  it('adds the re-check rounds AWS needs, each like the measured rounds, with its parent states and summary', () => {
    // Prepare: one measured round of 1 child, 2 batches, 512 ms of CPU
    const run = {
      targets: 100,
      children: 2,
      workerInvocations: 3,
      parentStates: 17,
      workerCpuMs: 1024,
      controlCpuMs: 300,
      controlInvocations: 3,
      workerMemoryMb: 1024,
      controlMemoryMb: 256,
    };
    const measured = { rounds: 1, children: 1, workerInvocations: 2, workerCpuMs: 512 };

    // Act
    const twoRounds = withRecheckRounds(run, measured, 2);
    const oneRound = withRecheckRounds(run, measured, 1);

    // Assess: one more round = 1 child, 2 batches, 512 ms, 6 parent states, 1 summary at 100 ms
    expect(twoRounds).toEqual({
      ...run,
      children: 3,
      workerInvocations: 5,
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
