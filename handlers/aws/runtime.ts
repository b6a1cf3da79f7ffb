/**
 * What both entry points share: the environment (read once at cold start), the logger, and the
 * per-invocation dependencies of the core.
 */
import type { Context } from 'aws-lambda';
import { environment } from '../config/env';
import { InvalidRequestError } from '../contract/errors';
import { parseRequest, type RunRequest } from '../contract/request';
import { ResourceLimitError } from '../core/errors';
import type { RunResult, TargetResult } from '../core/results';
import {
  type RunDeps,
  type RunOutline,
  streamRequest,
  type TargetSink,
  withTargets,
} from '../core/run';
import { type ChangeSurvey, surveyChanges } from '../core/survey';
import type { AnyTask } from '../core/task';
import { waitBeyondBudget, waitBudgetSeconds } from '../core/wait-budget';
import { unconfiguredSchedule } from '../formats/origin';
import { sourceIdentityFor } from '../formats/source-identity';
import type { RunOrigin, SignalsReport } from '../signals/contract';
import {
  publishRunRecord,
  publishRunSignals,
  type SignalScope,
  startRunSignals,
} from '../signals/publish';
import { recordOfRefusal } from '../signals/run-record';
import { scheduledRunSkip, skippedRunResult } from '../signals/scheduled-skip';
import { taskNamed } from '../tasks';
import { createTargetClients } from './clients';
import { eventBridge } from './events';
import { logger } from './logger';
import { metrics } from './metrics';
import { createPauseGate } from './pause-gate';
import { stepFunctions } from './step-functions';

export { environment, logger };

/** Validates an event against the contract and this stage's targets, before any AWS call. */
export function validateRequest(event: unknown): RunRequest {
  const parsed = parseRequest(event, environment.config);
  if (!parsed.ok) throw new InvalidRequestError(parsed.problems);
  return parsed.value;
}

/**
 * The stage's pause switch, read before every run and every engine work item: no target account
 * is reached while the stage is paused (handlers/aws/pause-gate.ts).
 */
export const refuseWhenPaused = createPauseGate({
  client: stepFunctions,
  stateMachineArn: process.env.ENGINE_STATE_MACHINE_ARN,
  service: environment.serviceName,
  stage: environment.stage,
});

/** Refuses a schedule's identity for a schedule the stage does not configure (before any AWS call). */
export function requireConfiguredSchedule(origin: RunOrigin): void {
  const problems = unconfiguredSchedule(origin, environment.config.schedules);
  if (problems.length > 0) throw new InvalidRequestError(problems);
}

/** The invocation being served; Lambda runs one at a time per container. */
let currentRequestId = 'init';

/**
 * Target clients live at module scope: a warm container reuses the tasks' clients and the assumed
 * sessions (one AssumeRole per account per session lifetime, never per invocation).
 */
const clients = createTargetClients({
  config: environment.config,
  homeRegion: environment.homeRegion,
  serviceName: environment.serviceName,
  stage: environment.stage,
  requestId: () => currentRequestId,
  maxAttempts: environment.maxAttempts,
});

/** What a call reports of itself (handlers/signals/publish.ts); the engine's steps narrow it. */
export interface ExecuteOptions {
  signals: SignalScope;
  /** The run's ID in its events, when the run is larger than this call (an engine execution). */
  runId?: string;
  /** The engine's per-batch approval (handlers/engine/README.md, the survey). */
  approvedChanges?: number;
}

/** What the run signals are sent with: the function's metrics, its EventBridge client, its stage. */
export const signalDeps = () => ({
  metrics,
  eventBridge,
  serviceName: environment.serviceName,
  stage: environment.stage,
  logger,
});

/** Who caused this run, for the targets' CloudTrail (only once the stage says the roles accept it). */
const sourceIdentityOf = (origin: RunOrigin) =>
  environment.config.sourceIdentity ? sourceIdentityFor(origin) : undefined;

/**
 * A schedule respects snooze tags unless its request says `respectSnooze: false`; an on-demand
 * request only when it says `true` (handlers/core/resource-rules.ts). Only for a task that can
 * read them.
 */
function withSnoozeDefault(request: RunRequest, origin: RunOrigin, task: AnyTask): RunRequest {
  if (origin.kind !== 'schedule' || request.respectSnooze !== undefined || !task.factsOf) {
    return request;
  }
  return { ...request, respectSnooze: true };
}

/** The core's dependencies for one invocation, its calls attributed to the run's origin. */
function runDeps(task: AnyTask, context: Context, origin: RunOrigin): RunDeps {
  currentRequestId = context.awsRequestId;
  const sourceIdentity = sourceIdentityOf(origin);
  return {
    clientFor: (target) => clients.clientFor(task, target, sourceIdentity),
    config: environment.config,
    requestId: context.awsRequestId,
    remainingMillis: () => context.getRemainingTimeInMillis(),
    now: Date.now,
    waiter: environment.waiter,
    logger,
    homeRegion: environment.homeRegion,
    // serverless.yml names the execution role <service>-<stage>-<region>-exec.
    executionRoleName: `${environment.serviceName}-${environment.stage}-${environment.homeRegion}-exec`,
  };
}

/**
 * Runs a validated request against the target accounts, handing each finished target to `sink`,
 * then reports the run (metrics, events) from what it gathered of each target on the way
 * (handlers/signals/run-collector.ts). A run the blast-radius guard refuses is reported as refused
 * (when this call is the whole run), then the refusal is thrown on.
 */
export async function executeInto(
  request: RunRequest,
  context: Context,
  origin: RunOrigin = { kind: 'invoke' },
  options: ExecuteOptions = { signals: 'run' },
  sink: TargetSink = () => {},
): Promise<RunOutline & { signals: SignalsReport }> {
  requireConfiguredSchedule(origin);
  const startedAt = Date.now();
  const task = taskNamed(request.task);
  // A whole scheduled run on an excluded date or holiday: nothing is called, not even the pause switch.
  const skipped =
    options.signals === 'run'
      ? scheduledRunSkip(origin, environment.config.schedules, startedAt)
      : undefined;
  if (skipped) {
    logger.info('scheduled run skipped', { skipped });
    const result = skippedRunResult({
      task: task.name,
      action: request.action,
      dryRun: request.dryRun,
      requestId: options.runId ?? context.awsRequestId,
      startedAt,
      skipped,
    });
    return { ...result, signals: await publishRunSignals(result, origin, signalDeps(), options) };
  }
  const budget = waitBudgetSeconds(environment.config, context.getRemainingTimeInMillis());
  const waitProblems = waitBeyondBudget(task, request, budget);
  if (waitProblems.length > 0) throw new InvalidRequestError(waitProblems);
  await refuseWhenPaused(context.invokedFunctionArn);
  const deps = runDeps(task, context, origin);
  const runId = options.runId ?? context.awsRequestId;
  const signals = startRunSignals(
    { task: task.name, action: request.action, dryRun: request.dryRun, runId },
    origin,
    signalDeps(),
    options.signals,
  );
  let outline: RunOutline;
  try {
    outline = await streamRequest(
      task,
      withSnoozeDefault(request, origin, task),
      {
        ...deps,
        ...(options.approvedChanges !== undefined
          ? { approvedChanges: options.approvedChanges }
          : {}),
      },
      (run, index) => {
        sink(run, index);
        // The fan-out waits while the events' calls are all in flight: they keep pace with the run.
        return signals.add(run.result, index);
      },
    );
  } catch (err) {
    const refusedRun = err instanceof ResourceLimitError && options.signals === 'run';
    const sent = await signals.abandon({ recordFollows: refusedRun });
    if (refusedRun) {
      const { reason, resources, limit } = err.blastRadius;
      const refusal = recordOfRefusal({
        runId,
        task: task.name,
        action: request.action,
        dryRun: request.dryRun,
        startedAt: new Date(startedAt).toISOString(),
        durationMs: Date.now() - startedAt,
        targets: request.targets.length,
        refused: { reason: reason ?? 'refused by the blast-radius guard', resources, limit },
      });
      await publishRunRecord(refusal, origin, signalDeps(), sent);
    }
    throw err;
  }
  // The container's sessions outlive the invocation: name only those of this run's accounts.
  const accounts = new Set(request.targets.map((t) => t.accountId));
  const sessionNames = Object.entries(clients.sessionNames(sourceIdentityOf(origin)));
  return {
    ...outline,
    roleSessionNames: Object.fromEntries(sessionNames.filter(([account]) => accounts.has(account))),
    signals: await signals.finish(outline),
  };
}

/** executeInto with every target kept: the result whole, targets in request order. */
export async function execute(
  request: RunRequest,
  context: Context,
  origin: RunOrigin = { kind: 'invoke' },
  options: ExecuteOptions = { signals: 'run' },
): Promise<RunResult & { signals: SignalsReport }> {
  const targets: TargetResult[] = [];
  const outline = await executeInto(request, context, origin, options, ({ result }, index) => {
    targets[index] = result;
  });
  return withTargets(outline, targets);
}

/** Counts what a validated start or stop would change, describing only; publishes nothing. */
export async function survey(
  request: RunRequest,
  context: Context,
  origin: RunOrigin = { kind: 'invoke' },
): Promise<ChangeSurvey> {
  requireConfiguredSchedule(origin);
  await refuseWhenPaused(context.invokedFunctionArn);
  const task = taskNamed(request.task);
  return surveyChanges(
    task,
    withSnoozeDefault(request, origin, task),
    runDeps(task, context, origin),
  );
}
