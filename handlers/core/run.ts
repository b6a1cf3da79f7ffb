/**
 * One request, end to end: for every selected (account, region) target, describe and select,
 * then act, dry-run or report, and optionally wait for the final states. Every instance found
 * ends with a stated outcome; every target ends ok, failed (with a diagnosis) or not-processed.
 */
import { type RuntimeConfig, targetRoleArn } from '../config/stage-config';
import type { InstanceRequest } from '../contract/request';
import { actOnInstances } from './act';
import { type DiagnoseContext, diagnoseTargetError } from './diagnose';
import { dryRunAction } from './dry-run';
import { fanOut } from './fan-out';
import type { InstanceResult, RunResult, RunSummary, TargetResult } from './results';
import { type SelectedInstance, selectInstances } from './select';
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

interface TargetRun {
  result: Omit<TargetResult, 'durationMs'>;
  foundIds: string[];
}

async function runTarget(
  request: InstanceRequest,
  target: Target,
  deps: RunDeps,
): Promise<TargetRun> {
  let client: ReturnType<Ec2For>;
  let selection: Awaited<ReturnType<typeof selectInstances>>;
  try {
    client = deps.ec2For(target);
    selection = await selectInstances(client, {
      action: request.action,
      ...(request.instanceIds ? { instanceIds: request.instanceIds } : {}),
      ...(request.tags ? { tags: request.tags } : {}),
      controlTag: { key: deps.config.controlTagKey, value: deps.config.controlTagValue },
    });
  } catch (err) {
    return failedTarget(target, err, deps);
  }

  const base = { ...target, status: 'ok' as const };
  if (request.action === 'status') {
    return {
      result: { ...base, instances: [...selection.skipped, ...statusReport(selection.instances)] },
      foundIds: selection.foundIds,
    };
  }
  const options = { action: request.action, hibernate: request.hibernate };
  if (request.dryRun) {
    const dry = await dryRunAction(client, selection.instances, options);
    return {
      result: { ...base, dryRun: dry.report, instances: [...selection.skipped, ...dry.instances] },
      foundIds: selection.foundIds,
    };
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
  return {
    result: { ...base, instances: [...selection.skipped, ...instances] },
    foundIds: selection.foundIds,
  };
}

function failedTarget(target: Target, err: unknown, deps: RunDeps): TargetRun {
  const error = diagnoseTargetError(err, diagnoseContext(target, deps));
  // Not `message`: Powertools reserves that key for the log line itself.
  deps.logger?.warn('target failed', {
    ...target,
    error: { code: error.code, detail: error.message },
  });
  return { result: { ...target, status: 'failed', error, instances: [] }, foundIds: [] };
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

export async function runRequest(request: InstanceRequest, deps: RunDeps): Promise<RunResult> {
  const startedAt = deps.now();
  const found = new Set<string>();

  const targets = await fanOut<Target, TargetResult>(
    request.targets,
    {
      concurrency: deps.config.concurrency,
      reserveMillis: deps.config.reserveMillis,
      remainingMillis: deps.remainingMillis,
    },
    {
      run: async (target) => {
        const started = deps.now();
        const { result, foundIds } = await runTarget(request, target, deps).catch((err: unknown) =>
          failedTarget(target, err, deps),
        );
        for (const id of foundIds) found.add(id);
        return {
          ...result,
          instances: [...result.instances].sort(byInstanceId),
          durationMs: deps.now() - started,
        };
      },
      onError: (target, err) => ({ ...failedTarget(target, err, deps).result, durationMs: 0 }),
      notStarted: (target, remaining) => ({
        ...target,
        status: 'not-processed',
        reason: `not started: the invocation had ${remaining} ms left, not more than the ${deps.config.reserveMillis} ms reserve (reserveMillis); run again, narrow the request, or raise the function timeout`,
        instances: [],
        durationMs: 0,
      }),
    },
  );

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
  };
}
