/**
 * One request, end to end: for every selected (account, region) target, the request's task
 * selects, then acts, dry-runs or reports, and optionally waits for the final states. Every
 * resource found ends with a stated outcome; every target ends ok, failed (with a diagnosis) or
 * not-processed. Targets share nothing: each returns what it found, and the run merges them.
 */
import type { RuntimeConfig } from '../config/stage-config';
import { targetRoleArn } from '../formats/arn';
import { taskNamed } from '../tasks';
import type { AnyTask, CommonRequest, Destroyable, TaskContext } from '../tasks/task';
import { type DiagnoseContext, diagnoseTargetError } from './diagnose';
import { fanOut } from './fan-out';
import { mergeResults, type TargetRun } from './merge';
import {
  type InstanceResult,
  RESULT_FORMAT_VERSION,
  type ResourceOutcome,
  type ResourceResult,
  type RunResult,
  type TargetResult,
} from './results';
import type { CoreLogger, Target, WaiterDelays } from './types';

export interface RunDeps<Client extends Destroyable = Destroyable> {
  /** The task's client for a target; the handler layer memoises it. */
  clientFor: (target: Target) => Client;
  config: RuntimeConfig;
  requestId: string;
  /** Milliseconds left in the invocation (Lambda's context.getRemainingTimeInMillis). */
  remainingMillis: () => number;
  /** Epoch milliseconds. */
  now: () => number;
  waiter: WaiterDelays;
  logger?: CoreLogger;
  /** For diagnoses: the function's region (STS is called there) and execution role name. */
  homeRegion?: string;
  executionRoleName?: string;
}

/** A validated request of any registered task (its selector fields at the top level). */
export type TaskRequest = CommonRequest & object;

function diagnoseContext(target: Target, deps: RunDeps): DiagnoseContext {
  const configured = deps.config.targets.find((t) => t.accountId === target.accountId);
  return {
    ...target,
    roleArn: targetRoleArn(target.accountId, deps.config.targetRoleName),
    externalIdSent: configured?.externalId !== undefined,
    ...(deps.homeRegion ? { homeRegion: deps.homeRegion } : {}),
    ...(deps.executionRoleName ? { executionRoleName: deps.executionRoleName } : {}),
  };
}

/** Seconds a wait may take: the configured limit, cut to what the invocation has left. */
function waitBudgetSeconds(deps: RunDeps): number {
  const left = (deps.remainingMillis() - deps.config.reserveMillis) / 1000;
  return Math.max(0, Math.min(deps.config.waitTimeoutSeconds, left));
}

const byId = (a: ResourceResult, b: ResourceResult) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function typed(task: AnyTask, outcomes: readonly ResourceOutcome[]): ResourceResult[] {
  return outcomes
    .map((o) => ({
      type: task.resourceType,
      ...o,
      ...(task.writesVersion1Fields ? { instanceId: o.id } : {}),
    }))
    .sort(byId);
}

/** The deprecated `targets[].instances` copy (EC2 only). */
function version1Instances(resources: readonly ResourceResult[]): InstanceResult[] {
  return resources.map(({ type: _type, id, instanceId: _instanceId, ...rest }) => ({
    instanceId: id,
    ...rest,
  }));
}

function finish(
  task: AnyTask,
  fields: Omit<TargetResult, 'resources' | 'instances'>,
  outcomes: readonly ResourceOutcome[],
): TargetResult {
  const resources = typed(task, outcomes);
  return {
    ...fields,
    resources,
    instances: task.writesVersion1Fields ? version1Instances(resources) : [],
  };
}

function failedTarget(
  task: AnyTask,
  target: Target,
  err: unknown,
  deps: RunDeps,
  durationMs: number,
): TargetRun {
  const error = diagnoseTargetError(err, diagnoseContext(target, deps));
  // Not `message`: Powertools reserves that key for the log line itself.
  deps.logger?.warn('target failed', {
    ...target,
    error: { code: error.code, detail: error.message },
  });
  return {
    result: finish(task, { ...target, status: 'failed', error, durationMs }, []),
    foundIds: [],
  };
}

async function work(
  task: AnyTask,
  request: TaskRequest,
  target: Target,
  deps: RunDeps,
): Promise<{
  fields: Pick<TargetResult, 'dryRun'>;
  outcomes: ResourceOutcome[];
  foundIds: string[];
}> {
  const client = deps.clientFor(target);
  const context: TaskContext = {
    controlTag: { key: deps.config.controlTagKey, value: deps.config.controlTagValue },
    timeLeftMillis: () => deps.remainingMillis() - deps.config.reserveMillis,
  };
  const selection = await task.select(client, request, context);
  const { skipped, selected, foundIds } = selection;
  if (request.action === 'status') {
    return { fields: {}, outcomes: [...skipped, ...task.status(selected)], foundIds };
  }
  if (request.dryRun) {
    if (!task.dryRun) {
      // The contract refuses such a request; a direct caller of the core hears it here too.
      const report = {
        verdict: 'not-supported' as const,
        detail: `dry run not supported by task ${task.name}`,
      };
      return {
        fields: { dryRun: report },
        outcomes: [...skipped, ...task.status(selected)],
        foundIds,
      };
    }
    const dry = await task.dryRun(client, selected, request);
    return { fields: { dryRun: dry.report }, outcomes: [...skipped, ...dry.resources], foundIds };
  }
  let acted = await task.act(client, selected, request, context);
  if (request.wait && task.wait) {
    acted = await task.wait(client, request, acted, selected, {
      ...deps.waiter,
      maxWaitSeconds: waitBudgetSeconds(deps),
    });
  }
  return { fields: {}, outcomes: [...skipped, ...acted], foundIds };
}

/**
 * Runs one task on one target. Never throws: whatever fails (credentials, select, act, wait)
 * is caught here, once, and becomes a failed target with a diagnosis.
 */
export async function runTarget(
  task: AnyTask,
  request: TaskRequest,
  target: Target,
  deps: RunDeps,
): Promise<TargetRun> {
  const started = deps.now();
  try {
    const { fields, outcomes, foundIds } = await work(task, request, target, deps);
    const durationMs = deps.now() - started;
    return {
      result: finish(task, { ...target, status: 'ok', ...fields, durationMs }, outcomes),
      foundIds,
    };
  } catch (err) {
    return failedTarget(task, target, err, deps, deps.now() - started);
  }
}

function notStarted(task: AnyTask, target: Target, remaining: number, deps: RunDeps): TargetRun {
  return {
    result: finish(
      task,
      {
        ...target,
        status: 'not-processed',
        reason: `not started: the invocation had ${remaining} ms left, not more than the ${deps.config.reserveMillis} ms reserve (reserveMillis); run again, narrow the request, or raise the function timeout`,
        durationMs: 0,
      },
      [],
    ),
    foundIds: [],
  };
}

export async function runRequest(request: TaskRequest, deps: RunDeps): Promise<RunResult> {
  const task = taskNamed(request.task);
  const startedAt = deps.now();

  const runs = await fanOut<Target, TargetRun>(
    request.targets,
    {
      concurrency: deps.config.concurrency,
      reserveMillis: deps.config.reserveMillis,
      remainingMillis: deps.remainingMillis,
    },
    {
      run: (target) => runTarget(task, request, target, deps),
      // runTarget catches its own errors; this only guards against a bug in the diagnosis itself.
      onError: (target, err) => failedTarget(task, target, err, deps, 0),
      notStarted: (target, remaining) => notStarted(task, target, remaining, deps),
    },
  );

  const requestedIds = task.requestedIds ? task.requestedIds(request) : [];
  const { targets, summary, unmatchedIds } = mergeResults(runs, requestedIds);
  deps.logger?.debug('run summary', { ...summary });
  if (unmatchedIds.length > 0) {
    deps.logger?.info('IDs not found in any searched target', { unmatchedIds });
  }
  return {
    version: RESULT_FORMAT_VERSION,
    task: task.name,
    action: request.action,
    dryRun: request.dryRun,
    requestId: deps.requestId,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: deps.now() - startedAt,
    summary,
    targets,
    unmatchedIds,
    unmatchedInstanceIds: task.writesVersion1Fields ? unmatchedIds : [],
  };
}
