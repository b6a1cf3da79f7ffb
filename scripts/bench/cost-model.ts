/**
 * Dollars per run for three ways of running one fleet-wide action, from measured CPU time and the
 * configured memory, at public list prices; and the largest fleet one invocation can finish
 * inside Lambda's 15 minutes. Pure arithmetic: the engine section feeds it measured numbers, and
 * tests/bench/cost-model.test.ts checks it on hand-computed cases.
 *
 * Lambda bills wall time. CPU-bound work takes cpuMs x 1769 / memory of it (Lambda gives CPU in
 * proportion to memory, one vCPU at 1,769 MB; Node uses one core), which costs the same at any
 * memory below 1,769 MB; an engine worker also waits on its AWS calls, and that wait is billed
 * at the function's memory. The engine's wall is priced as CPU + wait: an upper bound, since a
 * batch computes while other calls are in flight.
 */

import { lambdaWallMs } from '../../resources/home-stack/lambda-cpu';

// The deployed stage check counts with the same CPU share: it lives with the stack, the bench reuses it.
export { FULL_VCPU_MB, lambdaWallMs } from '../../resources/home-stack/lambda-cpu';

/** List prices, us-east-1, without free tiers. */
export const PRICES = {
  /** Lambda arm64, per GB-second of duration (aws.amazon.com/lambda/pricing). */
  lambdaGbSecond: 0.0000133334,
  /** Lambda, per request (aws.amazon.com/lambda/pricing: $0.20 per million). */
  lambdaRequest: 0.2 / 1_000_000,
  /** Step Functions Standard, per state transition ($0.025 per 1,000; aws.amazon.com/step-functions/pricing). */
  standardTransition: 0.025 / 1000,
  /** Step Functions Express, per request ($1.00 per million). */
  expressRequest: 1 / 1_000_000,
  /** Step Functions Express, per GB-second, billed in 64 MB increments. */
  expressGbSecond: 0.00001667,
} as const;

export const PRICE_SOURCE =
  'us-east-1 list prices, no free tier: Lambda arm64 $0.0000133334/GB-s + $0.20/million requests (aws.amazon.com/lambda/pricing); Step Functions Standard $0.025/1,000 transitions, Express $1.00/million requests + $0.00001667/GB-s in 64 MB steps (aws.amazon.com/step-functions/pricing; /work/shared/reference/fleet-scale-and-operations.md)';

/** Lambda's longest invocation. */
export const LAMBDA_TIMEOUT_MS = 900_000;
/** Express children are billed for at least one 64 MB step of memory; these use less. */
const EXPRESS_MEMORY_GB = 64 / 1024;

/**
 * Assumed latency of one STS or EC2 control-plane call from Lambda: AWS publishes no p50 for
 * AssumeRole, DescribeInstances or Start/StopInstances; the nearest figure is about 125 ms for
 * a first in-region HTTPS SDK call, TLS included (/work/shared/reference/performance-numbers.md
 * §3). 200 ms leaves a margin over it; the bench prints the cost at twice it as well.
 */
export const DEFAULT_CALL_LATENCY_MS = 200;

/** One worker phase (survey, act, re-check): its invocations and the calls each one waits on. */
export interface PhaseCalls {
  /** Worker invocations of the phase, one per batch (all rounds, for the re-check). */
  invocations: number;
  /** Targets one invocation works on. */
  targetsPerBatch: number;
  /** Calls per target besides AssumeRole, one after another (Describe, then Stop). */
  callsPerTarget: number;
}

export type WorkerPhase = 'survey' | 'work' | 'recheck';

/**
 * What one invocation waits on AWS: its targets go in waves of `concurrency` at once, each wave
 * making its calls one after another; and the first wave first assumes the accounts' roles (at
 * once, one call on the path; a container new to the batch's accounts has no session yet).
 */
export function batchWaitMs(phase: PhaseCalls, concurrency: number, callLatencyMs: number): number {
  const waves = Math.ceil(phase.targetsPerBatch / Math.max(1, concurrency));
  return (1 + waves * phase.callsPerTarget) * callLatencyMs;
}

function lambdaDollars(requests: number, wallMs: number, memoryMb: number): number {
  return (
    requests * PRICES.lambdaRequest + (wallMs / 1000) * (memoryMb / 1024) * PRICES.lambdaGbSecond
  );
}

export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  dollars: number;
}

export interface RunCost {
  model: string;
  dollars: number;
  lines: CostLine[];
  /** Longest single Lambda invocation the model needs (ms), to hold against 15 minutes. */
  longestInvocationMs: number;
}

function total(model: string, lines: CostLine[], longestInvocationMs: number): RunCost {
  return { model, lines, longestInvocationMs, dollars: lines.reduce((s, l) => s + l.dollars, 0) };
}

/** What one engine run measured (the local state machine) and what it runs with. */
export interface EngineRunInput {
  targets: number;
  /**
   * Express children the Distributed Maps started (survey, act, re-check): each is one Express
   * request and one transition of the Standard parent. A child runs a group of batches.
   */
  children: number;
  /** Worker invocations by phase (SurveyBatch, Work, RecheckBatch: one per batch each). */
  phases: Record<WorkerPhase, PhaseCalls>;
  /** States the parent entered (outside the Maps), counted by the local run. */
  parentStates: number;
  /** CPU of the SurveyBatch, Work and RecheckBatch invocations together. */
  workerCpuMs: number;
  /** CPU of Plan and the Summarise invocations together. */
  controlCpuMs: number;
  /** Plan and Summarise invocations. */
  controlInvocations: number;
  workerMemoryMb: number;
  controlMemoryMb: number;
  /** Targets in flight at once in one worker (the stage config's `concurrency`). */
  concurrency: number;
  /** Assumed latency of one AWS call (DEFAULT_CALL_LATENCY_MS). */
  callLatencyMs: number;
}

const PHASES: readonly WorkerPhase[] = ['survey', 'work', 'recheck'];

/** Worker invocations of every phase. */
export function workerInvocations(run: EngineRunInput): number {
  return PHASES.reduce((n, phase) => n + run.phases[phase].invocations, 0);
}

/** What all worker invocations together wait on AWS. */
export function workerWaitMs(run: EngineRunInput): number {
  return PHASES.reduce((ms, phase) => {
    const calls = run.phases[phase];
    return ms + calls.invocations * batchWaitMs(calls, run.concurrency, run.callLatencyMs);
  }, 0);
}

/**
 * Standard parent + Express children: every child a Distributed Map starts is one more parent
 * transition; Express bills requests and duration, not transitions (AWS Step Functions pricing),
 * so the states inside a child (its inline Map over a group of batches) cost nothing per state.
 * A worker is billed for its CPU at its memory's share plus its wait on AWS. A child runs its
 * group's batches at once (the inline Map's MaxConcurrency is the group size), so it lasts as long
 * as its slowest batch: priced as a batch of the mean CPU with the longest phase's wait, and never
 * above the sum of the batches it ran.
 */
export function engineCost(run: EngineRunInput): RunCost {
  const transitions = run.parentStates + run.children;
  const invocations = workerInvocations(run);
  const cpuWallMs = lambdaWallMs(run.workerCpuMs, run.workerMemoryMb);
  const waitMs = workerWaitMs(run);
  const workerWallMs = cpuWallMs + waitMs;
  const controlWallMs = lambdaWallMs(run.controlCpuMs, run.controlMemoryMb);
  const longestWaitMs = Math.max(
    ...PHASES.map((p) => batchWaitMs(run.phases[p], run.concurrency, run.callLatencyMs)),
  );
  const slowestBatchMs = invocations === 0 ? 0 : cpuWallMs / invocations + longestWaitMs;
  const childrenMs = Math.min(workerWallMs, run.children * slowestBatchMs);
  const expressGbS = (childrenMs / 1000) * EXPRESS_MEMORY_GB;
  return total(
    'engine: Standard parent + Express children',
    [
      {
        item: 'Standard transitions (parent states + one per child)',
        quantity: transitions,
        unit: 'transitions',
        dollars: transitions * PRICES.standardTransition,
      },
      {
        item: 'Express requests (one per child)',
        quantity: run.children,
        unit: 'requests',
        dollars: run.children * PRICES.expressRequest,
      },
      {
        item: 'Express duration (64 MB, each child as long as its slowest batch)',
        quantity: expressGbS,
        unit: 'GB-s',
        dollars: expressGbS * PRICES.expressGbSecond,
      },
      {
        item: `worker Lambdas (${run.workerMemoryMb} MB, one per batch): requests + CPU`,
        quantity: invocations,
        unit: 'requests',
        dollars: lambdaDollars(invocations, cpuWallMs, run.workerMemoryMb),
      },
      {
        item: `worker Lambdas: waiting on AWS calls (${run.callLatencyMs} ms each)`,
        quantity: waitMs / 1000,
        unit: 's',
        dollars: lambdaDollars(0, waitMs, run.workerMemoryMb),
      },
      {
        item: `plan + summarise Lambdas (${run.controlMemoryMb} MB)`,
        quantity: run.controlInvocations,
        unit: 'requests',
        dollars: lambdaDollars(run.controlInvocations, controlWallMs, run.controlMemoryMb),
      },
    ],
    slowestBatchMs,
  );
}

/** Parent states one more re-check round enters: WaitForTransitions, GroupRecheck, Recheck, SummariseRecheck, DropRecheckResults, WaitOrFinish. */
export const PARENT_STATES_PER_RECHECK_ROUND = 6;

/** What the measured run's re-check rounds took, all rounds together (invocations: phases.recheck). */
export interface MeasuredRechecks {
  rounds: number;
  children: number;
  workerCpuMs: number;
}

/**
 * The run as it would be with `rounds` re-check rounds (on AWS a stop takes about a minute and
 * the Wait is 30 s, so two rounds where the local world needed one). Each added round is priced
 * like the measured rounds' average, every batch of it re-checked again (an upper bound: a later
 * round re-checks only the batches still pending), plus its parent states and one summary
 * invocation at the measured control CPU per invocation. Fewer rounds than measured: unchanged.
 */
export function withRecheckRounds(
  run: EngineRunInput,
  measured: MeasuredRechecks,
  rounds: number,
): EngineRunInput {
  const extra = rounds - measured.rounds;
  if (extra <= 0 || measured.rounds <= 0) return run;
  const perRound = (value: number) => (value / measured.rounds) * extra;
  const controlCpuPerInvocation =
    run.controlInvocations === 0 ? 0 : run.controlCpuMs / run.controlInvocations;
  const recheck = run.phases.recheck;
  return {
    ...run,
    children: run.children + perRound(measured.children),
    phases: {
      ...run.phases,
      recheck: { ...recheck, invocations: recheck.invocations + perRound(recheck.invocations) },
    },
    workerCpuMs: run.workerCpuMs + perRound(measured.workerCpuMs),
    parentStates: run.parentStates + extra * PARENT_STATES_PER_RECHECK_ROUND,
    controlInvocations: run.controlInvocations + extra,
    controlCpuMs: run.controlCpuMs + extra * controlCpuPerInvocation,
  };
}

/** One Lambda does everything, then sleeps until the last instances have settled. */
export function singleInvocationCost(input: {
  targets: number;
  cpuMsPerTarget: number;
  memoryMb: number;
  /** Sleeping while EC2 finishes the stops (billed like work). */
  settleMs: number;
}): RunCost {
  const wallMs =
    lambdaWallMs(input.targets * input.cpuMsPerTarget, input.memoryMb) + input.settleMs;
  return total(
    `single invocation (${input.memoryMb} MB, sleeps while it waits)`,
    [
      {
        item: `one Lambda (${input.memoryMb} MB)`,
        quantity: wallMs / 1000,
        unit: 's',
        dollars: lambdaDollars(1, wallMs, input.memoryMb),
      },
    ],
    wallMs,
  );
}

/**
 * Instance Scheduler's model: an orchestrator async-invokes one handler per (account, region);
 * each handler assumes the role itself (no session shared across an account's regions) and
 * returns without waiting for the stops.
 */
export function perTargetLambdaCost(input: {
  targets: number;
  cpuMsPerCall: number;
  /** AWS calls per handler: AssumeRole, DescribeInstances, StopInstances. */
  callsPerTarget: number;
  memoryMb: number;
}): RunCost {
  const handlerWallMs = lambdaWallMs(input.cpuMsPerCall * input.callsPerTarget, input.memoryMb);
  // The orchestrator makes one asynchronous Invoke per target: about one AWS call of CPU each.
  const orchestratorWallMs = lambdaWallMs(input.targets * input.cpuMsPerCall, input.memoryMb);
  return total(
    `one asynchronous Lambda per (account, region) (${input.memoryMb} MB)`,
    [
      {
        item: 'orchestrator Lambda',
        quantity: 1,
        unit: 'requests',
        dollars: lambdaDollars(1, orchestratorWallMs, input.memoryMb),
      },
      {
        item: 'handler Lambdas',
        quantity: input.targets,
        unit: 'requests',
        dollars: lambdaDollars(input.targets, input.targets * handlerWallMs, input.memoryMb),
      },
    ],
    Math.max(orchestratorWallMs, handlerWallMs),
  );
}

/** Most targets one invocation can act on and still settle inside 15 minutes. */
export function largestSingleInvocationFleet(input: {
  cpuMsPerTarget: number;
  memoryMb: number;
  /** What the function keeps back for its answer (stage config reserveMillis). */
  reserveMs: number;
  settleMs: number;
}): number {
  const budgetMs = LAMBDA_TIMEOUT_MS - input.reserveMs - input.settleMs;
  if (budgetMs <= 0 || input.cpuMsPerTarget <= 0) return 0;
  return Math.floor(budgetMs / lambdaWallMs(input.cpuMsPerTarget, input.memoryMb));
}

/** The formulas above in words, for the bench's notes. */
export const FORMULAS = [
  'wall(cpu, mem) = cpu × 1769 / min(mem, 1769) (CPU-bound; Lambda gives one vCPU at 1,769 MB, Node uses one core)',
  "wait(batch) = (1 AssumeRole + ceil(targets in batch ÷ concurrency) × calls per target) × latency per call (targets go in waves of `concurrency`, each making its calls one after another; calls per target = the phase's calls besides AssumeRole, counted here, ÷ its batches ÷ targets per batch)",
  'engine = (parent states + children) × $0.025/1,000 + children × $1/M + batches × $0.20/M + min(Σ batch wall, children × slowest batch) × 64 MB × $0.00001667/GB-s + Σ (worker wall + wait) × worker memory × $0.0000133334/GB-s + plan/summarise at their memory (batch wall = CPU at its share + wait, an upper bound: a batch computes while calls are in flight; a child runs its up to 10 batches at once, so it lasts as long as the slowest: mean CPU + the longest wait of a phase)',
  "on AWS: R re-check rounds (2: a stop takes ~60 s, the Wait is 30 s), each added round priced as the measured rounds' average + 6 parent states + 1 summary",
  'single invocation = 1 × $0.20/M + (wall(T × cpu/target, 256) + settle) × 0.25 GB × $0.0000133334/GB-s',
  'per (account, region) = (T + 1) × $0.20/M + (T × wall(3 calls × cpu/call, 512) + wall(T × cpu/call, 512)) × 0.5 GB × $0.0000133334/GB-s',
  'largest single-invocation fleet = floor((900 s − reserve − settle) / wall(cpu/target, mem))',
];
