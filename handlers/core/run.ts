/**
 * One request, end to end, in two phases. First every (account, region) target is selected by
 * the request's task; then, for start and stop, the blast-radius guard counts what the whole run
 * would change and may refuse it before any target is changed; then each target is acted on,
 * dry-run or reported, optionally waiting for the final states. Every resource found ends with a
 * stated outcome; every target ends ok, failed (with a diagnosis) or not-processed. Targets
 * share nothing: each phase returns values per target, and the run merges them.
 */
import { targetRoleArn } from '../formats/arn';
import { assessApprovedBatch, assessBlastRadius } from './blast-radius';
import { type DiagnoseContext, diagnoseTargetError } from './diagnose';
import { InstanceLimitError } from './errors';
import { fanOut } from './fan-out';
import { mergeResults, type TargetRun } from './merge';
import { applyResourceRules, requireRuleSupport, snoozeCounts, withNotes } from './resource-rules';
import {
  type BlastRadius,
  type InstanceResult,
  RESULT_FORMAT_VERSION,
  type ResourceOutcome,
  type ResourceResult,
  type RunResult,
  type TargetResult,
} from './results';
import type { AnyTask, CommonRequest, Destroyable, Selection, TaskContext } from './task';
import type { CoreLogger, Target, WaiterDelays } from './types';

/**
 * What a run reads of its stage's settings: the core's own type, which the stage configuration
 * (config/stage-config.ts `RuntimeConfig`, a layer above) satisfies, so the core imports no config.
 */
export interface RunSettings {
  /** The configured accounts: whether an ExternalId is sent shapes a refused AssumeRole's diagnosis. */
  targets: readonly { accountId: string; externalId?: string }[];
  targetRoleName: string;
  controlTagKey: string;
  controlTagValue: string;
  concurrency: number;
  reserveMillis: number;
  waitTimeoutSeconds: number;
  maxInstancesPerRequest: number;
}

export interface RunDeps<Client extends Destroyable = Destroyable> {
  /** The task's client for a target; the handler layer memoises it. */
  clientFor: (target: Target) => Client;
  config: RunSettings;
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
  /**
   * Set by the engine for one work item of a surveyed run: the most this batch may change (its
   * surveyed count). The guard then refuses only a batch that grew since the survey.
   */
  approvedChanges?: number;
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

/**
 * A target after the selection phase: its selection, or already finished. Not its client: a run
 * selects every target before it acts, and holding one client per target of the fleet until then
 * made memory grow with the fleet; the act asks `clientFor` again (a bounded cache).
 */
export type SelectedTarget =
  | {
      target: Target;
      selection: Selection<unknown>;
      /** Milliseconds the selection took, counted into the target's duration. */
      selectMillis: number;
      /** The resource rules' notes by resource ID (core/resource-rules.ts). */
      notes?: ReadonlyMap<string, Partial<ResourceOutcome>>;
    }
  | { target: Target; done: TargetRun };

function taskContext(deps: RunDeps): TaskContext {
  return {
    controlTag: { key: deps.config.controlTagKey, value: deps.config.controlTagValue },
    timeLeftMillis: () => deps.remainingMillis() - deps.config.reserveMillis,
  };
}

/**
 * Phase one on one target: its client and the task's selection. Never throws: a failure
 * (credentials, describe) is caught here, once, and becomes a failed target with a diagnosis.
 */
export async function selectTarget(
  task: AnyTask,
  request: TaskRequest,
  target: Target,
  deps: RunDeps,
): Promise<SelectedTarget> {
  const started = deps.now();
  try {
    const client = deps.clientFor(target);
    const found = await task.select(client, request, taskContext(deps));
    const ruled = applyResourceRules(task, request, found, {
      controlTagKey: deps.config.controlTagKey,
      now: deps.now(),
    });
    return { target, ...ruled, selectMillis: deps.now() - started };
  } catch (err) {
    return { target, done: failedTarget(task, target, err, deps, deps.now() - started) };
  }
}

async function work(
  task: AnyTask,
  request: TaskRequest,
  client: Destroyable,
  selection: Selection<unknown>,
  deps: RunDeps,
): Promise<{ fields: Pick<TargetResult, 'dryRun'>; outcomes: ResourceOutcome[] }> {
  const { skipped, selected } = selection;
  if (request.action === 'status') {
    return { fields: {}, outcomes: [...skipped, ...task.status(selected)] };
  }
  if (request.dryRun) {
    if (!task.dryRun) {
      // The contract refuses such a request; a direct caller of the core hears it here too.
      const report = {
        verdict: 'not-supported' as const,
        detail: `dry run not supported by task ${task.name}`,
      };
      return { fields: { dryRun: report }, outcomes: [...skipped, ...task.status(selected)] };
    }
    const dry = await task.dryRun(client, selected, request);
    return { fields: { dryRun: dry.report }, outcomes: [...skipped, ...dry.resources] };
  }
  let acted = await task.act(client, selected, request, taskContext(deps));
  if (request.wait && task.wait) {
    acted = await task.wait(client, request, acted, selected, {
      ...deps.waiter,
      maxWaitSeconds: waitBudgetSeconds(deps),
    });
  }
  return { fields: {}, outcomes: [...skipped, ...acted] };
}

/**
 * Phase two on one target: act, dry-run or report what phase one selected. Never throws: a
 * failure (act, wait) is caught here, once, and becomes a failed target with a diagnosis; the
 * IDs the selection found still count as found.
 */
export async function actOnTarget(
  task: AnyTask,
  request: TaskRequest,
  item: SelectedTarget,
  deps: RunDeps,
): Promise<TargetRun> {
  if ('done' in item) return item.done;
  const { target, selection, selectMillis } = item;
  const started = deps.now();
  const durationMs = () => selectMillis + deps.now() - started;
  try {
    const client = deps.clientFor(target);
    const { fields, outcomes } = await work(task, request, client, selection, deps);
    return {
      result: finish(
        task,
        { ...target, status: 'ok', ...fields, durationMs: durationMs() },
        withNotes(outcomes, item.notes),
      ),
      foundIds: selection.foundIds,
    };
  } catch (err) {
    const failed = failedTarget(task, target, err, deps, durationMs());
    return { ...failed, foundIds: selection.foundIds };
  }
}

/** Both phases on one target, without the run-wide guard (one target, or a worker's share). */
export async function runTarget(
  task: AnyTask,
  request: TaskRequest,
  target: Target,
  deps: RunDeps,
): Promise<TargetRun> {
  return actOnTarget(task, request, await selectTarget(task, request, target, deps), deps);
}

/** How many resources the task would change on this selection (all of them, if it cannot say). */
export function changeCount(
  task: AnyTask,
  request: TaskRequest,
  selected: readonly unknown[],
): number {
  return task.changeCount ? task.changeCount(selected, request) : selected.length;
}

/**
 * Start and stop: the guard's verdict over everything selected. Refused (and not a dry run):
 * throws InstanceLimitError, so no target is changed.
 */
function guard(
  task: AnyTask,
  request: TaskRequest,
  selected: readonly SelectedTarget[],
  deps: RunDeps,
): BlastRadius | undefined {
  if (request.action === 'status') return undefined;
  const selections = selected.flatMap((s) => ('selection' in s ? [s.selection.selected] : []));
  const counted = {
    action: request.action,
    resources: selections.reduce((n, one) => n + changeCount(task, request, one), 0),
    resourceType: task.resourceType,
    targets: selections.length,
    limit: deps.config.maxInstancesPerRequest,
  };
  const blastRadius =
    deps.approvedChanges !== undefined
      ? assessApprovedBatch({ ...counted, approved: deps.approvedChanges })
      : assessBlastRadius({
          ...counted,
          ...(request.confirmCount !== undefined ? { confirmCount: request.confirmCount } : {}),
        });
  if (blastRadius.verdict === 'refused' && !request.dryRun) {
    deps.logger?.warn('refused by the blast-radius guard', { ...blastRadius });
    throw new InstanceLimitError(blastRadius);
  }
  return blastRadius;
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

/**
 * The whole run of one request by its task (the caller looks the task up: the core knows the port,
 * never the registry).
 */
export async function runRequest(
  task: AnyTask,
  request: TaskRequest,
  deps: RunDeps,
): Promise<RunResult> {
  const startedAt = deps.now();
  requireRuleSupport(task, request);
  const fanOutOptions = {
    concurrency: deps.config.concurrency,
    reserveMillis: deps.config.reserveMillis,
    remainingMillis: deps.remainingMillis,
  };

  const selected = await fanOut<Target, SelectedTarget>(request.targets, fanOutOptions, {
    run: (target) => selectTarget(task, request, target, deps),
    // selectTarget catches its own errors; this only guards against a bug in the diagnosis itself.
    onError: (target, err) => ({ target, done: failedTarget(task, target, err, deps, 0) }),
    notStarted: (target, remaining) => ({
      target,
      done: notStarted(task, target, remaining, deps),
    }),
  });
  const blastRadius = guard(task, request, selected, deps);

  // A status report sends nothing more, so it is not cut off between the two phases.
  const actOptions =
    request.action === 'status'
      ? { ...fanOutOptions, remainingMillis: () => Number.POSITIVE_INFINITY }
      : fanOutOptions;
  // The most recently selected first: their clients are still in the bounded cache (aws/clients.ts).
  const latestFirst = [...selected].reverse();
  const actedLatestFirst = await fanOut<SelectedTarget, TargetRun>(latestFirst, actOptions, {
    run: (item) => actOnTarget(task, request, item, deps),
    onError: (item, err) => failedTarget(task, item.target, err, deps, 0),
    // Selected but not acted on (the invocation reached its reserve): what it found still counts.
    notStarted: (item, remaining) =>
      'done' in item
        ? item.done
        : { ...notStarted(task, item.target, remaining, deps), foundIds: item.selection.foundIds },
  });
  const runs = actedLatestFirst.reverse();

  const requestedIds = task.requestedIds ? task.requestedIds(request) : [];
  const { targets, summary, unmatchedIds } = mergeResults(runs, requestedIds);
  const snoozes = snoozeCounts(targets.flatMap((t) => t.resources));
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
    ...(blastRadius ? { blastRadius } : {}),
    ...(snoozes ? { snoozes } : {}),
  };
}
