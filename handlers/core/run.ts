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
import { type DiagnoseContext, describeError, diagnoseTargetError, serviceOf } from './diagnose';
import { ResourceLimitError } from './errors';
import { fanOut } from './fan-out';
import { type HeldSelection, holdSelection, restoreSelection } from './held-selection';
import type { TargetRun } from './merge';
import { applyResourceRules, requireRuleSupport, withNotes } from './resource-rules';
import {
  type BlastRadius,
  RESULT_FORMAT_VERSION,
  type ResourceOutcome,
  type ResourceResult,
  type RunResult,
  type TargetResult,
} from './results';
import { createRunTally } from './run-tally';
import type { AnyTask, CommonRequest, Destroyable, Selection, TaskContext } from './task';
import type { CoreLogger, Target, WaiterDelays } from './types';
import { waitBudgetSeconds } from './wait-budget';

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
  maxResourcesPerRequest: number;
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

function diagnoseContext(task: AnyTask, target: Target, deps: RunDeps): DiagnoseContext {
  const configured = deps.config.targets.find((t) => t.accountId === target.accountId);
  return {
    ...target,
    service: serviceOf(task.resourceType),
    roleArn: targetRoleArn(target.accountId, deps.config.targetRoleName),
    externalIdSent: configured?.externalId !== undefined,
    ...(deps.homeRegion ? { homeRegion: deps.homeRegion } : {}),
    ...(deps.executionRoleName ? { executionRoleName: deps.executionRoleName } : {}),
  };
}

const byId = (a: ResourceResult, b: ResourceResult) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Each outcome with its resource type: its own (a task of several types), else the task's. */
function typed(task: AnyTask, outcomes: readonly ResourceOutcome[]): ResourceResult[] {
  return outcomes.map((o) => ({ type: task.resourceType, ...o })).sort(byId);
}

function finish(
  task: AnyTask,
  fields: Omit<TargetResult, 'resources'>,
  outcomes: readonly ResourceOutcome[],
): TargetResult {
  return { ...fields, resources: typed(task, outcomes) };
}

function failedTarget(
  task: AnyTask,
  target: Target,
  err: unknown,
  deps: RunDeps,
  durationMs: number,
): TargetRun {
  const error = diagnoseTargetError(err, diagnoseContext(task, target, deps), task);
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

/** What the selection phase learned of one target, besides the selection itself. */
interface SelectionFacts {
  target: Target;
  /** Start and stop: what the guard counts of this target (changeCountByType). */
  changes?: Record<string, number>;
  /** Milliseconds the selection took, counted into the target's duration. */
  selectMillis: number;
  /** The resource rules' notes by resource ID (core/resource-rules.ts). */
  notes?: ReadonlyMap<string, Partial<ResourceOutcome>>;
}

/** A target the selection phase could not read: already finished, failed. */
type FinishedTarget = { target: Target; done: TargetRun };

/**
 * A target after the selection phase: its selection as the run holds it (core/held-selection.ts)
 * and what it would change, or already finished. Not its client: a run selects every target
 * before it acts, and holding one client per target of the fleet until then made memory grow
 * with the fleet; the act asks `clientFor` again (a bounded cache).
 */
export type SelectedTarget = (SelectionFacts & { held: HeldSelection }) | FinishedTarget;

/** The same before the run holds it: the selection itself (what the survey counts). */
export type SelectedResources =
  | (SelectionFacts & { selection: Selection<unknown> })
  | FinishedTarget;

function taskContext(deps: RunDeps): TaskContext {
  return {
    controlTag: { key: deps.config.controlTagKey, value: deps.config.controlTagValue },
    timeLeftMillis: () => deps.remainingMillis() - deps.config.reserveMillis,
  };
}

/**
 * The found IDs a run reads after the selection: only a request that names IDs reads them, to
 * report a named ID no target holds (a task describes such a request by those IDs). A request by
 * tag names none, and at 10,000 targets of 10 instances a copy of every found ID was 2.2 MB the
 * run never read.
 */
function foundIdsToKeep(task: AnyTask, request: TaskRequest, foundIds: string[]): string[] {
  const named = task.requestedIds ? task.requestedIds(request) : [];
  return named.length === 0 ? [] : foundIds;
}

/**
 * Phase one on one target: its client and the task's selection, with what a start or stop would
 * change. Never throws: a failure (credentials, describe) is caught here, once, and becomes a
 * failed target with a diagnosis. The survey reads only the counts; a run holds the rest
 * (selectTarget).
 */
export async function selectResources(
  task: AnyTask,
  request: TaskRequest,
  target: Target,
  deps: RunDeps,
): Promise<SelectedResources> {
  const started = deps.now();
  try {
    const client = deps.clientFor(target);
    const found = await task.select(client, request, taskContext(deps));
    const { selection, notes } = applyResourceRules(task, request, found, {
      controlTagKey: deps.config.controlTagKey,
      now: deps.now(),
    });
    return {
      target,
      selection,
      ...(request.action !== 'status'
        ? { changes: changeCountByType(task, request, selection.selected) }
        : {}),
      ...(notes.size > 0 ? { notes } : {}),
      selectMillis: deps.now() - started,
    };
  } catch (err) {
    return { target, done: failedTarget(task, target, err, deps, deps.now() - started) };
  }
}

/** Phase one on one target, its selection held as the run holds it until the act. */
export async function selectTarget(
  task: AnyTask,
  request: TaskRequest,
  target: Target,
  deps: RunDeps,
): Promise<SelectedTarget> {
  const item = await selectResources(task, request, target, deps);
  if ('done' in item) return item;
  const { selection, ...rest } = item;
  return {
    ...rest,
    held: holdSelection(task, {
      ...selection,
      foundIds: foundIdsToKeep(task, request, selection.foundIds),
    }),
  };
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
      maxWaitSeconds: waitBudgetSeconds(deps.config, deps.remainingMillis()),
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
  const { target, selectMillis } = item;
  const selection = restoreSelection(item.held);
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
 * The same count per resource type. A task of several types (`resourceTypes`) names each
 * resource's type in its status entry (one per selected resource, in order); every other task's
 * resources are all of its `resourceType`.
 */
export function changeCountByType(
  task: AnyTask,
  request: TaskRequest,
  selected: readonly unknown[],
): Record<string, number> {
  if ((task.resourceTypes?.length ?? 0) <= 1) {
    return { [task.resourceType]: changeCount(task, request, selected) };
  }
  const statuses = task.status(selected);
  const byType = new Map<string, unknown[]>();
  selected.forEach((resource, index) => {
    const type = statuses[index]?.type ?? task.resourceType;
    byType.set(type, [...(byType.get(type) ?? []), resource]);
  });
  return Object.fromEntries(
    [...byType].map(([type, resources]) => [type, changeCount(task, request, resources)]),
  );
}

/** Per-type counts added together. */
export function addCounts(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): Record<string, number> {
  const sum = { ...a };
  for (const [type, n] of Object.entries(b)) sum[type] = (sum[type] ?? 0) + n;
  return sum;
}

const total = (byType: Readonly<Record<string, number>>) =>
  Object.values(byType).reduce((n, one) => n + one, 0);

/**
 * Start and stop: the guard's verdict over everything selected. Refused (and not a dry run):
 * throws ResourceLimitError, so no target is changed.
 */
function guard(
  task: AnyTask,
  request: TaskRequest,
  selected: readonly SelectedTarget[],
  deps: RunDeps,
): BlastRadius | undefined {
  if (request.action === 'status') return undefined;
  const counted = selected.flatMap((s) => ('held' in s ? [s.changes ?? {}] : []));
  const byType = counted.reduce<Record<string, number>>((sum, one) => addCounts(sum, one), {});
  const counts = {
    action: request.action,
    resources: total(byType),
    byType,
    resourceType: task.resourceType,
    targets: counted.length,
    limit: deps.config.maxResourcesPerRequest,
  };
  const blastRadius =
    deps.approvedChanges !== undefined
      ? assessApprovedBatch({ ...counts, approved: deps.approvedChanges })
      : assessBlastRadius({
          ...counts,
          ...(request.confirmCount !== undefined ? { confirmCount: request.confirmCount } : {}),
        });
  if (blastRadius.verdict === 'refused' && !request.dryRun) {
    deps.logger?.warn('refused by the blast-radius guard', { ...blastRadius });
    throw new ResourceLimitError(blastRadius);
  }
  return blastRadius;
}

const notStartedReason = (remaining: number, deps: RunDeps) =>
  `not started: the invocation had ${remaining} ms left, not more than the ${deps.config.reserveMillis} ms reserve (reserveMillis); run again, narrow the request, or raise the function timeout`;

function notStarted(task: AnyTask, target: Target, remaining: number, deps: RunDeps): TargetRun {
  return {
    result: finish(
      task,
      {
        ...target,
        status: 'not-processed',
        reason: notStartedReason(remaining, deps),
        durationMs: 0,
      },
      [],
    ),
    foundIds: [],
  };
}

/**
 * A target selected but not acted on (the invocation reached its reserve between the phases):
 * what it selected is not-processed, with the same reason, and what it skipped stays skipped, so
 * every resource found still ends with a stated outcome.
 */
function selectedNotActed(
  task: AnyTask,
  item: SelectionFacts & { held: HeldSelection },
  remaining: number,
  deps: RunDeps,
): TargetRun {
  const selection = restoreSelection(item.held);
  const reason = notStartedReason(remaining, deps);
  const untouched = task
    .status(selection.selected)
    .map((resource): ResourceOutcome => ({ ...resource, outcome: 'not-processed', reason }));
  return {
    result: finish(
      task,
      { ...item.target, status: 'not-processed', reason, durationMs: item.selectMillis },
      withNotes([...selection.skipped, ...untouched], item.notes),
    ),
    foundIds: selection.foundIds,
  };
}

/** A run without its targets: what a caller that took each target as it finished still needs. */
export type RunOutline = Omit<RunResult, 'targets'>;

/**
 * Takes each target's result as it finishes, in no particular order; `index` is the target's
 * place in the request. The run keeps none of them: the sink keeps what its caller needs. A sink
 * that returns a promise holds the target's place in the fan-out until it settles (it must not
 * reject): events sent as targets finish keep pace with the run that way.
 */
export type TargetSink = (run: TargetRun, index: number) => void | Promise<void>;

/**
 * The whole run of one request by its task, each finished target handed to `sink` (the caller
 * looks the task up: the core knows the port, never the registry). Memory follows the targets in
 * flight, not the fleet: after the guard, each target's selection is dropped as it is acted on,
 * and its result once the sink has it.
 */
export async function streamRequest(
  task: AnyTask,
  request: TaskRequest,
  deps: RunDeps,
  sink: TargetSink,
): Promise<RunOutline> {
  const startedAt = deps.now();
  requireRuleSupport(task, request);
  const fanOutOptions = {
    concurrency: deps.config.concurrency,
    reserveMillis: deps.config.reserveMillis,
    remainingMillis: deps.remainingMillis,
  };

  const selected: Array<SelectedTarget | undefined> = await fanOut<Target, SelectedTarget>(
    request.targets,
    fanOutOptions,
    {
      run: (target) => selectTarget(task, request, target, deps),
      // selectTarget catches its own errors; this only guards against a bug in the diagnosis itself.
      onError: (target, err) => ({ target, done: failedTarget(task, target, err, deps, 0) }),
      notStarted: (target, remaining) => ({
        target,
        done: notStarted(task, target, remaining, deps),
      }),
    },
  );
  const blastRadius = guard(task, request, selected as SelectedTarget[], deps);

  const tally = createRunTally(task.requestedIds ? task.requestedIds(request) : []);
  // The sink is called once per target, whatever it does: a sink that threw or rejected inside
  // the fan-out's run went on to onError, which handed the same target on (and counted it) again.
  const sinkFailed = (index: number, err: unknown) =>
    deps.logger?.error('target sink failed', { index, error: describeError(err) });
  const finished = (index: number, run: TargetRun): void | Promise<void> => {
    tally.add(run);
    try {
      const handed = sink(run, index);
      return handed ? handed.catch((err: unknown) => sinkFailed(index, err)) : undefined;
    } catch (err) {
      sinkFailed(index, err);
      return undefined;
    }
  };
  // Each selection is taken out as its target is acted on: what is left is what is still to do.
  const take = (index: number) => {
    const item = selected[index] as SelectedTarget;
    selected[index] = undefined;
    return item;
  };
  // A status report sends nothing more, so it is not cut off between the two phases.
  const actOptions =
    request.action === 'status'
      ? { ...fanOutOptions, remainingMillis: () => Number.POSITIVE_INFINITY }
      : fanOutOptions;
  // The most recently selected first: their clients are still in the bounded cache (aws/clients.ts).
  const latestFirst = [...selected.keys()].reverse();
  // The sink's promises of targets the fan-out does not wait for (failed or not started).
  const unwaited: Array<void | Promise<void>> = [];
  await fanOut<number, void>(latestFirst, actOptions, {
    run: async (index) => finished(index, await actOnTarget(task, request, take(index), deps)),
    onError: (index, err) => {
      const target = request.targets[index] as Target;
      unwaited.push(finished(index, failedTarget(task, target, err, deps, 0)));
    },
    // Selected but not acted on (the invocation reached its reserve): what it found still counts.
    notStarted: (index, remaining) => {
      const item = take(index);
      unwaited.push(
        finished(index, 'done' in item ? item.done : selectedNotActed(task, item, remaining, deps)),
      );
    },
  });
  await Promise.all(unwaited);

  const { summary, unmatchedIds, snoozes } = tally.totals();
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
    unmatchedIds,
    ...(blastRadius ? { blastRadius } : {}),
    ...(snoozes ? { snoozes } : {}),
  };
}

/** The whole run of one request, every target kept, in request order. */
export async function runRequest(
  task: AnyTask,
  request: TaskRequest,
  deps: RunDeps,
): Promise<RunResult> {
  const targets: TargetResult[] = new Array(request.targets.length);
  const outline = await streamRequest(task, request, deps, ({ result }, index) => {
    targets[index] = result;
  });
  return withTargets(outline, targets);
}

/**
 * The outline with its targets, placed right after `summary` as in a whole result
 * (handlers/contract/RESULTS.md); every other field keeps the outline's order. A list the outline
 * still carries (a skipped run's empty one) is replaced.
 */
export function withTargets<Outline extends RunOutline>(
  outline: Outline,
  targets: TargetResult[],
): Outline & { targets: TargetResult[] } {
  const fields: Array<[string, unknown]> = Object.entries(outline).filter(
    ([key]) => key !== 'targets',
  );
  fields.splice(fields.findIndex(([key]) => key === 'summary') + 1, 0, ['targets', targets]);
  return Object.fromEntries(fields) as Outline & { targets: TargetResult[] };
}
