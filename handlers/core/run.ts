/**
 * One request, end to end: every (account, region) target is described and selected first;
 * then, for start and stop, the blast-radius guard counts what the whole run would change and
 * may refuse it before any Start/Stop call; then each target is acted on, dry-run or reported,
 * optionally waiting for the final states. Every instance found ends with a stated outcome;
 * every target ends ok, failed (with a diagnosis) or not-processed.
 */
import { type RuntimeConfig, targetRoleArn } from '../config/stage-config';
import type { InstanceRequest } from '../contract/request';
import { actOnInstances } from './act';
import { assessBlastRadius, countToChange } from './blast-radius';
import { type DiagnoseContext, diagnoseTargetError } from './diagnose';
import { dryRunAction } from './dry-run';
import { InstanceLimitError } from './errors';
import { fanOut } from './fan-out';
import type { BlastRadius, InstanceResult, RunResult, RunSummary, TargetResult } from './results';
import { type SelectedInstance, type Selection, selectInstances } from './select';
import type { CoreLogger, Ec2For, Target, WaiterDelays } from './types';
import { USER_STOP, waitForFinalStates } from './wait';

export interface RunDeps {
  ec2For: Ec2For;
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

function statusReport(instances: readonly SelectedInstance[]): InstanceResult[] {
  return instances.map((i) => ({
    instanceId: i.instanceId,
    ...(i.name !== undefined ? { name: i.name } : {}),
    currentState: i.state,
    outcome: 'unchanged',
    // An unusual stop reason explains itself (e.g. a start that fell back); a user stop does not.
    ...(i.state === 'stopped' && i.stateReason && i.stateReason.code !== USER_STOP
      ? { reason: `last state change: ${i.stateReason.message ?? i.stateReason.code}` }
      : {}),
  }));
}

/** Seconds a wait may take: the configured limit, cut to what the invocation has left. */
function waitBudgetSeconds(deps: RunDeps): number {
  const left = (deps.remainingMillis() - deps.config.reserveMillis) / 1000;
  return Math.max(0, Math.min(deps.config.waitTimeoutSeconds, left));
}

type TargetRun = Omit<TargetResult, 'durationMs'>;

/** A target after the selection pass: selected (with its client), or already finished. */
type SelectedTarget =
  | {
      target: Target;
      client: ReturnType<Ec2For>;
      selection: Selection;
      selectMillis: number;
    }
  | { target: Target; done: TargetResult };

async function selectTarget(
  request: InstanceRequest,
  target: Target,
  deps: RunDeps,
): Promise<SelectedTarget> {
  const started = deps.now();
  try {
    const client = deps.ec2For(target);
    const selection = await selectInstances(client, {
      action: request.action,
      ...(request.instanceIds ? { instanceIds: request.instanceIds } : {}),
      ...(request.tags ? { tags: request.tags } : {}),
      controlTag: { key: deps.config.controlTagKey, value: deps.config.controlTagValue },
    });
    return { target, client, selection, selectMillis: deps.now() - started };
  } catch (err) {
    return {
      target,
      done: { ...failedTarget(target, err, deps), durationMs: deps.now() - started },
    };
  }
}

async function actOnTarget(
  request: InstanceRequest,
  target: Target,
  client: ReturnType<Ec2For>,
  selection: Selection,
  deps: RunDeps,
): Promise<TargetRun> {
  const base = { ...target, status: 'ok' as const };
  if (request.action === 'status') {
    return { ...base, instances: [...selection.skipped, ...statusReport(selection.instances)] };
  }
  const options = { action: request.action, hibernate: request.hibernate };
  if (request.dryRun) {
    const dry = await dryRunAction(client, selection.instances, options);
    return { ...base, dryRun: dry.report, instances: [...selection.skipped, ...dry.instances] };
  }
  let instances = await actOnInstances(client, selection.instances, {
    ...options,
    // Waiting for EC2's instance bucket may use the invocation's time, but not its reserve.
    timeLeftMillis: () => deps.remainingMillis() - deps.config.reserveMillis,
  });
  if (request.wait) {
    const before = new Map(selection.instances.map((i) => [i.instanceId, i]));
    instances = await waitForFinalStates(client, request.action, instances, before, {
      ...deps.waiter,
      maxWaitSeconds: waitBudgetSeconds(deps),
    });
  }
  return { ...base, instances: [...selection.skipped, ...instances] };
}

function failedTarget(target: Target, err: unknown, deps: RunDeps): TargetRun {
  const error = diagnoseTargetError(err, diagnoseContext(target, deps));
  // Not `message`: Powertools reserves that key for the log line itself.
  deps.logger?.warn('target failed', {
    ...target,
    error: { code: error.code, detail: error.message },
  });
  return { ...target, status: 'failed', error, instances: [] };
}

function notStartedTarget(target: Target, remaining: number, deps: RunDeps): TargetResult {
  return {
    ...target,
    status: 'not-processed',
    reason: `not started: the invocation had ${remaining} ms left, not more than the ${deps.config.reserveMillis} ms reserve (reserveMillis); run again, narrow the request, or raise the function timeout`,
    instances: [],
    durationMs: 0,
  };
}

function summarise(targets: readonly TargetResult[]): RunSummary {
  const summary: RunSummary = {
    targets: targets.length,
    targetsFailed: 0,
    targetsNotProcessed: 0,
    instances: 0,
    changed: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    notProcessed: 0,
  };
  for (const target of targets) {
    if (target.status === 'failed') summary.targetsFailed += 1;
    if (target.status === 'not-processed') summary.targetsNotProcessed += 1;
    for (const instance of target.instances) {
      summary.instances += 1;
      if (instance.outcome === 'not-processed') summary.notProcessed += 1;
      else summary[instance.outcome] += 1;
    }
  }
  return summary;
}

const byInstanceId = (a: InstanceResult, b: InstanceResult) =>
  a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;

/**
 * Start and stop: the guard's verdict over everything selected. Refused (and not a dry run):
 * throws InstanceLimitError, so no Start/Stop call is ever sent.
 */
function guard(request: InstanceRequest, selected: readonly SelectedTarget[], deps: RunDeps) {
  if (request.action === 'status') return undefined;
  const selections = selected.flatMap((s) => ('selection' in s ? [s.selection.instances] : []));
  const blastRadius: BlastRadius = assessBlastRadius({
    action: request.action,
    instances: countToChange(selections, request.action),
    targets: selections.length,
    limit: deps.config.maxInstancesPerRequest,
    ...(request.confirmCount !== undefined ? { confirmCount: request.confirmCount } : {}),
  });
  if (blastRadius.verdict === 'refused' && !request.dryRun) {
    deps.logger?.warn('refused by the blast-radius guard', { ...blastRadius });
    throw new InstanceLimitError(blastRadius);
  }
  return blastRadius;
}

export async function runRequest(request: InstanceRequest, deps: RunDeps): Promise<RunResult> {
  const startedAt = deps.now();
  const fanOutOptions = {
    concurrency: deps.config.concurrency,
    reserveMillis: deps.config.reserveMillis,
    remainingMillis: deps.remainingMillis,
  };

  const selected = await fanOut<Target, SelectedTarget>(request.targets, fanOutOptions, {
    run: (target) => selectTarget(request, target, deps),
    onError: (target, err) => ({
      target,
      done: { ...failedTarget(target, err, deps), durationMs: 0 },
    }),
    notStarted: (target, remaining) => ({
      target,
      done: notStartedTarget(target, remaining, deps),
    }),
  });
  const found = new Set(selected.flatMap((s) => ('selection' in s ? s.selection.foundIds : [])));
  const blastRadius = guard(request, selected, deps);

  // A status report sends nothing more, so it is not cut off between the two passes.
  const actOptions =
    request.action === 'status'
      ? { ...fanOutOptions, remainingMillis: () => Infinity }
      : fanOutOptions;
  const targets = await fanOut<SelectedTarget, TargetResult>(selected, actOptions, {
    run: async (item) => {
      if ('done' in item) return item.done;
      const started = deps.now();
      const result = await actOnTarget(
        request,
        item.target,
        item.client,
        item.selection,
        deps,
      ).catch((err: unknown) => failedTarget(item.target, err, deps));
      return {
        ...result,
        instances: [...result.instances].sort(byInstanceId),
        durationMs: item.selectMillis + deps.now() - started,
      };
    },
    onError: (item, err) => ({ ...failedTarget(item.target, err, deps), durationMs: 0 }),
    notStarted: (item, remaining) =>
      'done' in item ? item.done : notStartedTarget(item.target, remaining, deps),
  });

  const summary = summarise(targets);
  deps.logger?.debug('run summary', { ...summary });
  const unmatchedInstanceIds = (request.instanceIds ?? []).filter((id) => !found.has(id));
  if (unmatchedInstanceIds.length > 0) {
    deps.logger?.info('instance IDs not found in any searched target', { unmatchedInstanceIds });
  }
  return {
    action: request.action,
    dryRun: request.dryRun,
    requestId: deps.requestId,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: deps.now() - startedAt,
    summary,
    targets,
    unmatchedInstanceIds,
    ...(blastRadius ? { blastRadius } : {}),
  };
}
