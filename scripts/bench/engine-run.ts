/**
 * One engine run of a whole fleet: the packaged state machine runs here with
 * aws-local-stepfunctions (scripts/local-aws/local-engine.ts), its Task states calling the
 * packaged engine functions in a child process, against a fresh bench world whose instances take
 * EC2's real times scaled by a time factor. Measured: wall time, the time worker tasks were in
 * flight, the Wait states, every state payload, the CPU per function and every target's outcome.
 */
import type { RuntimeConfig } from '../../handlers/config/stage-config';
import { type EngineHandlers, type EventLog, type LocalAws, runEngineLocally } from '../local-aws';
import { bundleWithConfig } from './bundle-config';
import { startDriver } from './child';
import type { EngineFunction, EngineRole, EngineUsage } from './drivers/engine-workers';
import { startBenchEndpoint } from './endpoint';
import type { EngineArtifacts } from './engine-artifacts';
import { BENCH_STAGE, FUNCTION_ARN, FUNCTION_NAME, type Shape, stageConfig } from './world';

/** EC2's typical transition times at real speed (the world scales them by the time factor). */
const REAL_EC2_TIMES = { pendingMs: 30_000, stoppingMs: 60_000, kmsFallbackMs: 20_000 };
const REQUEST = { action: 'stop', wait: true } as const;
const WORKER_ROLES: readonly EngineRole[] = ['work', 'recheck'];

/** The worker phases: the survey runs in the work function (its event says `phase: survey`). */
export type WorkerPhase = 'survey' | 'work' | 'recheck';

/** AWS calls one phase's worker invocations made, all of its rounds together. */
export interface PhaseCalls {
  calls: number;
  /** Of `calls`: once per account and warm session, not per target. */
  assumeRole: number;
}

export interface EngineRunOptions {
  /** In-flight targets per worker (the stage config's `concurrency`). */
  concurrency: number;
  latencyMs: number;
  timeFactor: number;
}

export interface EngineRunResult {
  /** From the execution's start event to its end event. */
  wallMs: number;
  /** Around the whole local run: adds the library's check of the definition (done at deploy on AWS). */
  localRunMs: number;
  /** Wall time with at least one Work or RecheckBatch invocation in flight. */
  workerBusyMs: number;
  /** Wall time spent in Wait states (EC2 settling, scaled by the time factor). */
  waitMs: number;
  workItems: number;
  recheckItems: number;
  /** Survey children (a start or stop is counted before it acts: the run-wide guard). */
  surveyItems: number;
  recheckRounds: number;
  /** Express children the Distributed Maps started, by Map (each runs a group of batches). */
  children: Record<string, number>;
  parentStates: number;
  mapIterations: number;
  /** Wall time per parent state (summed over rounds), to see where the time outside workers goes. */
  parentStateMs: Record<string, number>;
  largestPayload: { bytes: number; state: string };
  usage: EngineUsage;
  /** Targets the workers reported on, by outcome: every target lands in exactly one batch. */
  targetOutcomes: { reported: number; ok: number; failed: number; notProcessed: number };
  /** Instances of the world not stopped when the run ended. */
  instancesNotStopped: number;
  summary: Record<string, number>;
  calls: number;
  /** The calls by worker phase (the cost model's wait on AWS's answers). */
  callsByPhase: Record<WorkerPhase, PhaseCalls>;
  /** The first SurveyBatch and Work events, to replay one batch alone (engine-batch-memory.ts). */
  firstEvents: Partial<Record<'survey' | 'work', unknown>>;
  endpointCpuMs: number;
}

interface WorkOutput {
  summary: { targets: number; targetsFailed: number; targetsNotProcessed: number };
}

/** Largest JSON text of any state's input or output the library reports. */
function payloadMeter() {
  const largest = { bytes: 0, state: '' };
  const see = (value: unknown, state: string) => {
    if (value === undefined) return;
    const bytes = Buffer.byteLength(JSON.stringify(value));
    if (bytes > largest.bytes) Object.assign(largest, { bytes, state });
  };
  return {
    largest,
    onEvent(event: EventLog) {
      if ('state' in event) {
        see(event.state.input, `${event.state.name} input`);
        see(event.state.output, `${event.state.name} output`);
      } else if (event.type === 'ExecutionStarted') see(event.input, 'execution input');
      else if (event.type === 'ExecutionSucceeded') see(event.output, 'execution output');
    },
  };
}

/** Wall time with at least one worker invocation in flight. */
function busyClock() {
  let inFlight = 0;
  let since = 0;
  let busyMs = 0;
  return {
    start() {
      if (inFlight++ === 0) since = performance.now();
    },
    end() {
      if (--inFlight === 0) busyMs += performance.now() - since;
    },
    busyMs: () => busyMs,
  };
}

function phaseOf(role: EngineRole, event: unknown): WorkerPhase | undefined {
  if (role === 'recheck') return 'recheck';
  if (role !== 'work') return undefined;
  return (event as { phase?: string }).phase === 'survey' ? 'survey' : 'work';
}

/** The child process the engine's functions run in, with their environment and the endpoint's. */
export function startEngineWorkers(
  engine: EngineArtifacts,
  endpoint: { childEnv: Record<string, string> },
) {
  return startDriver('engine-workers', {
    ...engine.environment,
    ...endpoint.childEnv,
    STAGE: BENCH_STAGE,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    BENCH_FUNCTION_ARN: FUNCTION_ARN,
  });
}

/**
 * The endpoint's calls by the worker phase in flight. The phases' Maps never overlap, so the
 * calls between the first of a phase's invocations starting and the last ending are that
 * phase's; counting only at those edges keeps the endpoint's counters off the hot path.
 */
function phaseCallBook(aws: LocalAws) {
  const byPhase: Record<WorkerPhase, PhaseCalls> = {
    survey: { calls: 0, assumeRole: 0 },
    work: { calls: 0, assumeRole: 0 },
    recheck: { calls: 0, assumeRole: 0 },
  };
  const look = () => ({
    calls: aws.calls.count(),
    assumeRole: aws.calls.count({ action: 'AssumeRole' }),
  });
  let inFlight = 0;
  let since = look();
  return {
    byPhase,
    start() {
      if (inFlight++ === 0) since = look();
    },
    end(phase: WorkerPhase) {
      if (--inFlight !== 0) return;
      const now = look();
      byPhase[phase].calls += now.calls - since.calls;
      byPhase[phase].assumeRole += now.assumeRole - since.assumeRole;
    },
  };
}

export async function runEngineFleet(
  engine: EngineArtifacts,
  shape: Shape,
  options: EngineRunOptions,
): Promise<EngineRunResult> {
  const endpoint = await startBenchEndpoint(
    shape,
    { latencyMs: options.latencyMs },
    { ...REAL_EC2_TIMES, timeFactor: options.timeFactor },
  );
  const config: RuntimeConfig = stageConfig(shape, options.concurrency);
  const functions = {} as Record<EngineRole, EngineFunction>;
  for (const [role, fn] of Object.entries(engine.functions) as Array<[EngineRole, EngineFunction]>)
    functions[role] = { ...fn, bundlePath: await bundleWithConfig(fn.bundlePath, config) };
  const driver = await startEngineWorkers(engine, endpoint);
  try {
    await driver.call('load', { functions });
    const busy = busyClock();
    const phaseCalls = phaseCallBook(endpoint.aws);
    const firstEvents: EngineRunResult['firstEvents'] = {};
    const invoke =
      (role: EngineRole): EngineHandlers[EngineRole] =>
      async (event: never) => {
        const worker = WORKER_ROLES.includes(role);
        const phase = phaseOf(role, event);
        if (phase === 'survey' || phase === 'work') firstEvents[phase] ??= event;
        if (worker) busy.start();
        if (phase) phaseCalls.start();
        try {
          return await driver.call('invoke', { role, event });
        } finally {
          if (worker) busy.end();
          if (phase) phaseCalls.end(phase);
        }
      };
    const handlers: EngineHandlers = {
      plan: invoke('plan'),
      work: invoke('work'),
      recheck: invoke('recheck'),
      summarise: invoke('summarise'),
    };
    const payloads = payloadMeter();
    const outcomes = { reported: 0, ok: 0, failed: 0, notProcessed: 0 };
    let waitEnteredAt = 0;
    let waitMs = 0;
    const waitSeconds = Number(engine.environment.ENGINE_WAIT_SECONDS ?? '30');
    const enteredAt = new Map<string, number>();
    // The Distributed Maps (their iterations are Express children on AWS; the library runs them inline).
    const distributed = new Set(
      Object.entries(
        (engine.definition as { States: Record<string, { ItemProcessor?: unknown }> }).States,
      )
        .filter(
          ([, state]) =>
            (state.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined)
              ?.ProcessorConfig?.Mode === 'DISTRIBUTED',
        )
        .map(([name]) => name),
    );
    const children: Record<string, number> = {};
    const parentStateMs: Record<string, number> = {};
    const execution = { started: Number.NaN, ended: Number.NaN };
    const cpu = endpoint.cpuMeter();
    const started = performance.now();
    const run = await runEngineLocally(
      engine.definition,
      handlers,
      { request: REQUEST },
      {
        executionName: `bench-stop-${shape.targets}`,
        waitMs: waitSeconds * 1000 * options.timeFactor,
        onEvent: (event) => {
          payloads.onEvent(event);
          if (event.type === 'ExecutionStarted') execution.started = event.timestamp;
          if (event.type === 'ExecutionSucceeded') execution.ended = event.timestamp;
          if (event.type === 'MapIterationStarted' && distributed.has(event.parentState.name))
            children[event.parentState.name] = (children[event.parentState.name] ?? 0) + 1;
          if (!('state' in event)) return;
          if (event.index === undefined) {
            const name = event.state.name;
            if (event.type === 'StateEntered') enteredAt.set(name, event.timestamp);
            if (event.type === 'StateExited')
              parentStateMs[name] =
                (parentStateMs[name] ?? 0) + event.timestamp - (enteredAt.get(name) ?? 0);
          }
          if (event.state.name === 'WaitForTransitions') {
            if (event.type === 'StateEntered') waitEnteredAt = event.timestamp;
            if (event.type === 'StateExited') waitMs += event.timestamp - waitEnteredAt;
          }
          if (event.state.name === 'Work' && event.type === 'StateExited') {
            const { summary } = (event.state.output ?? {}) as unknown as Partial<WorkOutput>;
            // A caught item (WorkFailed) reports no targets: the count then falls short.
            if (!summary) return;
            outcomes.reported += summary.targets;
            outcomes.failed += summary.targetsFailed;
            outcomes.notProcessed += summary.targetsNotProcessed;
            outcomes.ok += summary.targets - summary.targetsFailed - summary.targetsNotProcessed;
          }
        },
      },
    );
    const localRunMs = performance.now() - started;
    const endpointCpuMs = cpu();
    const output = run.output as { checks: number; summary: Record<string, number> };
    const world = endpoint.aws.world;
    const instancesNotStopped = world
      .allAccounts()
      .flatMap((a) => a.regions.flatMap((r) => world.instancesIn(a.accountId, r)))
      .filter((i) => i.state !== 'stopped').length;
    return {
      wallMs: execution.ended - execution.started,
      localRunMs,
      workerBusyMs: busy.busyMs(),
      waitMs,
      workItems: run.taskCalls.Work ?? 0,
      recheckItems: run.taskCalls.RecheckBatch ?? 0,
      surveyItems: run.taskCalls.SurveyBatch ?? 0,
      recheckRounds: output.checks,
      children,
      parentStates: run.parentTransitions,
      mapIterations: run.mapIterations,
      parentStateMs,
      largestPayload: { ...payloads.largest },
      usage: await driver.call<EngineUsage>('usage'),
      targetOutcomes: outcomes,
      instancesNotStopped,
      summary: output.summary,
      calls: endpoint.aws.calls.count(),
      callsByPhase: phaseCalls.byPhase,
      firstEvents,
      endpointCpuMs,
    };
  } finally {
    await driver.close();
    await endpoint.stop();
  }
}
