/**
 * 8. Engine: whole fleets (4,000 and 10,000 targets) stopped through the packaged Step Functions
 * state machine on this machine, with waiting; and 9. Cost: dollars per run for the engine, the
 * single-invocation path and one Lambda per (account, region), from the CPU measured here, plus
 * the largest fleet one invocation finishes inside 15 minutes.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Artifact } from './bundle';
import {
  DEFAULT_CALL_LATENCY_MS,
  type EngineRunInput,
  engineCost,
  FORMULAS,
  largestSingleInvocationFleet,
  type PhaseCalls,
  PRICE_SOURCE,
  perTargetLambdaCost,
  singleInvocationCost,
  type WorkerPhase,
  withRecheckRounds,
} from './cost-model';
import { ENGINE_ROLES } from './drivers/engine-workers';
import type { EngineArtifacts } from './engine-artifacts';
import { measureBatchMemory } from './engine-batch-memory';
import { type EngineRunResult, runEngineFleet } from './engine-run';
import { atMost, type Figure, ratioOf } from './figure';
import type { Plan } from './plan';
import { runProject } from './project-run';
import { accountsOf, type Shape, stageConfig } from './world';

const ENGINE = '8 Engine';
const COST = '9 Cost';
/** Step Functions' limit on one state's input or output. */
const STATE_PAYLOAD_LIMIT = 256 * 1024;
const OVERHEAD_GOAL = 0.1;
/** serverless.yml: the instances function's memory (the single-invocation path). */
const SINGLE_MEMORY_MB = 256;
/** Instance Scheduler's handler memory by default (peer-schedulers.md). */
const PER_TARGET_MEMORY_MB = 512;
/** Instance Scheduler's handler assumes the role itself: AssumeRole, Describe, Stop. */
const PER_TARGET_CALLS = 3;
/** A stop takes about a minute (EC2's typical time, as the local world models it at factor 1). */
const SETTLE_MS = 60_000;
/**
 * Re-check rounds a stop with wait needs on AWS: a stop takes about a minute and the engine waits
 * 30 s between rounds, so the first round finds most instances still stopping and the second
 * finds them stopped (handlers/engine/README.md, "Cost model"). The local world's scaled times
 * need fewer; the cost on AWS adds the missing rounds (cost-model.ts, withRecheckRounds).
 */
const AWS_RECHECK_ROUNDS = 2;
/** Goal: a scheduled run through the engine costs at most a cent at 10,000 targets. */
const CENT = 0.01;
/** The sensitivity row: the engine on AWS with every call this many times slower than assumed. */
const SLOW_CALLS_FACTOR = 2;

function childrenOf(run: EngineRunResult): number {
  return Object.values(run.children).reduce((n, c) => n + c, 0);
}

/** (wall not inside worker tasks, nor in Wait states) / time inside worker tasks. */
export function orchestrationOverhead(run: EngineRunResult): number {
  return ratioOf(run.wallMs - run.workerBusyMs - run.waitMs, run.workerBusyMs);
}

function workerCpuMs(run: EngineRunResult): number {
  return run.usage.cpuMsByRole.work + run.usage.cpuMsByRole.recheck;
}

function engineFigures(shape: Shape, run: EngineRunResult): Figure[] {
  const t = shape.targets;
  const where = `${t} targets (${accountsOf(shape)} accounts × ${shape.regionsPerAccount} regions × ${shape.instancesPerTarget})`;
  const overhead = orchestrationOverhead(run);
  const cpuPerTarget = workerCpuMs(run) / t;
  const children = childrenOf(run);
  return [
    {
      id: `engine.${t}.wall`,
      section: ENGINE,
      label: `${where}: stop + wait, wall time (Wait states ${Math.round(run.waitMs)} ms)`,
      value: run.wallMs,
      unit: 'ms',
      reference: { label: 'worker tasks in flight', value: run.workerBusyMs },
      ratio: ratioOf(run.wallMs, run.workerBusyMs),
      goals: [],
    },
    {
      id: `engine.${t}.overhead`,
      section: ENGINE,
      label: `${t}: orchestration overhead (wall − in workers − Wait) ÷ in workers`,
      value: overhead * 100,
      unit: 'percent',
      goals: [atMost(overhead, OVERHEAD_GOAL, '≤ 10 %')],
    },
    {
      id: `engine.${t}.workItems`,
      section: ENGINE,
      label: `${t}: work items (Express children of Act)`,
      value: run.workItems,
      unit: 'count',
      goals: [],
    },
    {
      id: `engine.${t}.children`,
      section: ENGINE,
      label: `${t}: Express children started (${JSON.stringify(run.children)}), up to 10 batches each`,
      value: children,
      unit: 'count',
      goals: [],
    },
    {
      id: `engine.${t}.surveyItems`,
      section: ENGINE,
      label: `${t}: survey items (Express children of Survey, the run-wide guard)`,
      value: run.surveyItems,
      unit: 'count',
      goals: [],
    },
    {
      id: `engine.${t}.recheckItems`,
      section: ENGINE,
      label: `${t}: re-check items (${run.recheckRounds} rounds)`,
      value: run.recheckItems,
      unit: 'count',
      goals: [],
    },
    {
      id: `engine.${t}.payload`,
      section: ENGINE,
      label: `${t}: largest state payload (${run.largestPayload.state})`,
      value: run.largestPayload.bytes,
      unit: 'bytes',
      reference: { label: 'Step Functions limit, 256 KiB', value: STATE_PAYLOAD_LIMIT },
      ratio: ratioOf(run.largestPayload.bytes, STATE_PAYLOAD_LIMIT),
      goals: [atMost(run.largestPayload.bytes, STATE_PAYLOAD_LIMIT, '≤ 256 KiB')],
    },
    {
      id: `engine.${t}.cpuPerTarget`,
      section: ENGINE,
      label: `${t}: worker CPU per target, survey + work + re-check (${(workerCpuMs(run) / run.calls).toFixed(2)} ms per call)`,
      value: cpuPerTarget,
      unit: 'ms',
      goals: [],
    },
    {
      id: `engine.${t}.transitions`,
      section: ENGINE,
      label: `${t}: parent state transitions (+ ${children} children started = ${run.parentStates + children} billed)`,
      value: run.parentStates,
      unit: 'count',
      goals: [],
    },
    {
      id: `engine.${t}.outcomes`,
      section: ENGINE,
      label: `${t}: targets with an outcome (${run.targetOutcomes.ok} ok, ${run.targetOutcomes.failed} failed, ${run.targetOutcomes.notProcessed} not processed)`,
      value: run.targetOutcomes.reported,
      unit: 'count',
      reference: { label: 'targets', value: t },
      ratio: ratioOf(run.targetOutcomes.reported, t),
      goals: [{ text: '= every target', met: run.targetOutcomes.reported === t }],
    },
    {
      id: `engine.${t}.notStopped`,
      section: ENGINE,
      label: `${t}: instances not stopped at the end (${run.summary.changed ?? 0} changed, ${run.summary.inTransit ?? 0} in transit)`,
      value: run.instancesNotStopped,
      unit: 'count',
      goals: [{ text: '= 0', met: run.instancesNotStopped === 0 }],
    },
  ];
}

/** One phase's calls per target besides AssumeRole, per batch of `targetsPerBatch`. */
function phaseCalls(
  run: EngineRunResult,
  phase: WorkerPhase,
  invocations: number,
  targetsPerBatch: number,
): PhaseCalls {
  const { calls, assumeRole } = run.callsByPhase[phase];
  const callsPerTarget =
    invocations === 0 ? 0 : (calls - assumeRole) / invocations / targetsPerBatch;
  return { invocations, targetsPerBatch, callsPerTarget };
}

function costsFor(
  shape: Shape,
  run: EngineRunResult,
  engine: EngineArtifacts,
  singleCpuMsPerTarget: number,
  concurrency: number,
) {
  const { usage } = run;
  // Plan cuts the targets into equal batches (the last one shorter): this is the full batch.
  const targetsPerBatch = Math.ceil(shape.targets / Math.max(1, run.workItems));
  const measured: EngineRunInput = {
    targets: shape.targets,
    children: childrenOf(run),
    phases: {
      survey: phaseCalls(run, 'survey', run.surveyItems, targetsPerBatch),
      work: phaseCalls(run, 'work', run.workItems, targetsPerBatch),
      recheck: phaseCalls(run, 'recheck', run.recheckItems, targetsPerBatch),
    },
    parentStates: run.parentStates,
    workerCpuMs: workerCpuMs(run),
    controlCpuMs: usage.cpuMsByRole.plan + usage.cpuMsByRole.summarise,
    controlInvocations: usage.invocations.plan + usage.invocations.summarise,
    workerMemoryMb: engine.functions.work.memoryMb,
    controlMemoryMb: engine.functions.plan.memoryMb,
    concurrency,
    callLatencyMs: DEFAULT_CALL_LATENCY_MS,
    coldStarts: ENGINE_ROLES.map((role) => ({
      containers: usage.peakInFlight[role],
      loadCpuMs: usage.loadCpuMsByRole[role],
      memoryMb: engine.functions[role].memoryMb,
    })),
  };
  const engineRun = engineCost(measured);
  const onAwsRun = withRecheckRounds(
    measured,
    {
      rounds: run.recheckRounds,
      children: run.children.Recheck ?? 0,
      workerCpuMs: usage.cpuMsByRole.recheck,
    },
    AWS_RECHECK_ROUNDS,
  );
  const onAws = engineCost(onAwsRun);
  const onAwsSlowCalls = engineCost({
    ...onAwsRun,
    callLatencyMs: DEFAULT_CALL_LATENCY_MS * SLOW_CALLS_FACTOR,
  });
  const single = singleInvocationCost({
    targets: shape.targets,
    cpuMsPerTarget: singleCpuMsPerTarget,
    memoryMb: SINGLE_MEMORY_MB,
    settleMs: SETTLE_MS,
  });
  const perTarget = perTargetLambdaCost({
    targets: shape.targets,
    cpuMsPerCall: workerCpuMs(run) / run.calls,
    callsPerTarget: PER_TARGET_CALLS,
    memoryMb: PER_TARGET_MEMORY_MB,
  });
  return { engine: engineRun, onAws, onAwsSlowCalls, single, perTarget, input: measured };
}

/** "survey 1.0, act 2.0, re-check 1.0 calls per target": what the wait is priced from. */
function callsPerTargetText(input: EngineRunInput): string {
  const { survey, work, recheck } = input.phases;
  return `survey ${survey.callsPerTarget.toFixed(2)}, act ${work.callsPerTarget.toFixed(2)}, re-check ${recheck.callsPerTarget.toFixed(2)} calls per target + 1 AssumeRole per batch`;
}

function costFigures(t: number, costs: ReturnType<typeof costsFor>, workerMemoryMb: number) {
  type Priced = 'engine' | 'onAws' | 'onAwsSlowCalls' | 'single' | 'perTarget';
  const row = (name: Priced, label: string, goals: Figure['goals'] = []): Figure => ({
    id: `cost.${t}.${name}`,
    section: COST,
    label: `${t} targets: ${label}`,
    value: costs[name].dollars,
    unit: 'usd',
    reference: { label: 'engine', value: costs.engine.dollars },
    ratio: ratioOf(costs[name].dollars, costs.engine.dollars),
    goals,
  });
  const singleMinutes = (costs.single.longestInvocationMs / 60_000).toFixed(1);
  const { concurrency } = costs.input;
  return [
    row(
      'engine',
      `engine (Standard parent + Express children), per run as measured; workers ${workerMemoryMb} MB, CPU + ${DEFAULT_CALL_LATENCY_MS} ms per AWS call (${callsPerTargetText(costs.input)}, ${concurrency} at once)`,
    ),
    row(
      'onAws',
      `engine on AWS (${AWS_RECHECK_ROUNDS} re-check rounds: a stop takes ~60 s, the Wait is 30 s), ${DEFAULT_CALL_LATENCY_MS} ms per AWS call, per run`,
      t >= 10_000 ? [atMost(costs.onAws.dollars, CENT, '≤ $0.01 a run at 10,000 targets')] : [],
    ),
    row(
      'onAwsSlowCalls',
      `engine on AWS if every AWS call took ${DEFAULT_CALL_LATENCY_MS * SLOW_CALLS_FACTOR} ms (${SLOW_CALLS_FACTOR}× the assumed latency), per run`,
    ),
    row(
      'single',
      `single invocation at ${SINGLE_MEMORY_MB} MB, ${singleMinutes} min incl. 1 min asleep`,
      [atMost(costs.single.longestInvocationMs, 900_000, 'finishes in 15 min')],
    ),
    row('perTarget', `one async Lambda per (account, region), ${PER_TARGET_MEMORY_MB} MB`),
  ];
}

export async function measureEngine(engine: EngineArtifacts, instances: Artifact, plan: Plan) {
  const { fanOut, latencyMs } = plan;
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const shapes = plan.engine.fleets.map((targets): Shape => ({ ...fanOut, targets }));
  const runs: EngineRunResult[] = [];
  for (const shape of shapes) {
    runs.push(
      await runEngineFleet(engine, shape, {
        concurrency: plan.engine.concurrency,
        latencyMs,
        timeFactor: plan.engine.timeFactor,
      }),
    );
  }
  // The single-invocation path's own CPU per target, measured on the smallest fleet in this run.
  const [firstShape] = shapes;
  if (!firstShape) throw new Error('plan.engine.fleets is empty');
  const single = await runProject(instances, firstShape, plan.concurrency, latencyMs);
  const singleCpuMsPerTarget = single.invoke.cpuMs / firstShape.targets;
  const reserveMs = stageConfig(firstShape, plan.concurrency).reserveMillis;
  const [firstRun] = runs;
  if (!firstRun) throw new Error('no engine run');
  const batchMemory = await measureBatchMemory(
    engine,
    firstShape,
    stageConfig(firstShape, plan.engine.concurrency),
    firstRun.firstEvents,
    latencyMs,
  );
  const loadAtEnd = loadavg()[0] ?? Number.NaN;

  const figures: Figure[] = [];
  const costs: Array<ReturnType<typeof costsFor>> = [];
  shapes.forEach((shape, i) => {
    const run = runs[i] as EngineRunResult;
    figures.push(...engineFigures(shape, run));
    const cost = costsFor(shape, run, engine, singleCpuMsPerTarget, plan.engine.concurrency);
    costs.push(cost);
    figures.push(...costFigures(shape.targets, cost, engine.functions.work.memoryMb));
  });
  const engineCpuPerTarget = workerCpuMs(firstRun) / firstShape.targets;
  const workerMemoryMb = engine.functions.work.memoryMb;
  figures.push({
    id: 'engine.batch.memory',
    section: ENGINE,
    label: `one batch alone (survey + act of ${Math.ceil(firstShape.targets / Math.max(1, firstRun.workItems))} targets, fresh process): peak RSS (${batchMemory.loadedRssMb.toFixed(0)} MB once the work bundle is loaded)`,
    value: batchMemory.peakRssMb,
    unit: 'MB',
    reference: { label: 'worker memorySize', value: workerMemoryMb },
    ratio: ratioOf(batchMemory.peakRssMb, workerMemoryMb),
    goals: [
      atMost(batchMemory.peakRssMb * 2, workerMemoryMb, `≤ ½ of the workers' ${workerMemoryMb} MB`),
    ],
  });
  figures.push({
    id: 'engine.single.cpuPerTarget',
    section: ENGINE,
    label: `single invocation, ${firstShape.targets} targets, stop without wait: CPU per target (${single.invoke.wallMs.toFixed(0)} ms wall)`,
    value: singleCpuMsPerTarget,
    unit: 'ms',
    reference: {
      label: `engine workers, ${firstShape.targets} targets`,
      value: engineCpuPerTarget,
    },
    ratio: ratioOf(singleCpuMsPerTarget, engineCpuPerTarget),
    goals: [],
  });
  figures.push({
    id: 'engine.single.memory',
    section: ENGINE,
    label: `single invocation, ${firstShape.targets} targets: peak RSS of the handler process`,
    value: single.usage.maxRssMB,
    unit: 'MB',
    goals: [
      atMost(single.usage.maxRssMB, SINGLE_MEMORY_MB, `≤ ${SINGLE_MEMORY_MB} MB (its memorySize)`),
    ],
  });
  for (const memoryMb of [256, 1769] as const) {
    figures.push({
      id: `cost.largestSingle.${memoryMb}`,
      section: COST,
      label: `largest fleet one invocation stops and waits for in 15 min at ${memoryMb} MB, by CPU alone (targets)`,
      value: largestSingleInvocationFleet({
        cpuMsPerTarget: singleCpuMsPerTarget,
        memoryMb,
        reserveMs,
        settleMs: SETTLE_MS,
      }),
      unit: 'count',
      goals: [],
    });
  }
  const notes = [
    `Engine (8): 1-minute load average ${loadAtStart.toFixed(1)} when the section started and ${loadAtEnd.toFixed(1)} when it ended, on ${availableParallelism()} CPU(s): wall times stretch with the machine's load; CPU times, the overhead ratio (both sides in the same run) and the cost model do not.`,
    `Engine (8): the state machine is the packaged one, read from the same \`sls package\` as section 1 (EngineStateMachine, DefinitionString sha256 ${engine.definitionDigest}); its definition does not depend on the targets, which ride in each function's bundled config line as in the other sections. It runs in the bench process with aws-local-stepfunctions (a Distributed Map runs as an inline one, MaxConcurrency honoured); the four engine functions run as their packaged bundles in one child process, so the workers share one core and one set of clients, where AWS gives each Express child its own container. EC2's times and the Wait state are scaled by ${plan.engine.timeFactor} (a stop ${SETTLE_MS * plan.engine.timeFactor} ms), ${latencyMs} ms is added to every AWS call, ${plan.engine.concurrency} targets in flight per worker.`,
    "Engine (8): orchestration overhead = (wall − time with a Work or RecheckBatch invocation in flight − Wait states) ÷ time with one in flight; the Wait states are EC2 settling, scaled, not orchestration. Worker CPU is the child's CPU while only Work or only RecheckBatch invocations were in flight. Payloads are the JSON of every state input and output the library reports, Map iterations included.",
    `Cost (9): measured are the CPU per target (engine workers, and the single-invocation path on ${firstShape.targets} targets), work and re-check items, parent states and calls; the rest is arithmetic with ${PRICE_SOURCE}. The single invocation runs at ${SINGLE_MEMORY_MB} MB and sleeps ${SETTLE_MS / 1000} s for the stops; the per-(account, region) model is Instance Scheduler's (an orchestrator async-invokes one ${PER_TARGET_MEMORY_MB} MB handler per target, each assuming the role itself, no waiting) priced with this project's CPU per call. The engine's cold starts are priced (INIT is billed since 2025-08-01); the other models leave init out, and every model the free tiers.`,
    ...FORMULAS.map((f) => `Cost (9): ${f}.`),
  ];
  return {
    figures,
    notes,
    details: {
      definitionDigest: engine.definitionDigest,
      functions: engine.functions,
      fleets: shapes.map((shape, i) => ({ shape, run: runs[i], costs: costs[i] })),
      loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd },
      single: { shape: firstShape, ...single, cpuMsPerTarget: singleCpuMsPerTarget, reserveMs },
      batchMemory,
    },
  };
}
