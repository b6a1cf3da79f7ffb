/**
 * The EventBridge events of one run: a summary, and one event per instance whose state the run
 * changed or failed to change. Built from the run result alone, so a future engine's workers can
 * build the same events from their merged results.
 */
import type { RunResult, TargetResult } from '../core/results';
import {
  DETAIL_TYPES,
  EVENT_SCHEMA_VERSION,
  type InstanceOutcomeDetail,
  MAX_LISTED_TARGETS,
  type RunOrigin,
  type RunSummaryDetail,
  type TargetFailure,
} from './contract';
import { runOutcome } from './run-outcome';

export interface SignalEvent {
  detailType: string;
  detail: RunSummaryDetail | InstanceOutcomeDetail;
}

export interface RunEventsContext {
  stage: string;
  origin: RunOrigin;
}

function targetFailure(target: TargetResult): TargetFailure | undefined {
  if (target.status === 'ok') return undefined;
  return {
    account: target.accountId,
    region: target.region,
    status: target.status,
    ...(target.error ? { code: target.error.code } : {}),
    reason: target.error?.message ?? target.reason ?? target.status,
  };
}

export function runSummaryEvent(result: RunResult, context: RunEventsContext): SignalEvent {
  const failures = result.targets.flatMap((t) => targetFailure(t) ?? []);
  const detail: RunSummaryDetail = {
    schemaVersion: EVENT_SCHEMA_VERSION,
    stage: context.stage,
    runId: result.requestId,
    requestedAction: result.action,
    dryRun: result.dryRun,
    outcome: runOutcome(result.summary),
    origin: context.origin,
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    counts: { ...result.summary },
    failedTargets: failures.slice(0, MAX_LISTED_TARGETS),
    failedTargetsOmitted: Math.max(0, failures.length - MAX_LISTED_TARGETS),
  };
  return { detailType: DETAIL_TYPES.runSummary, detail };
}

/** Instances a start or stop changed, failed to change, or did not reach; a dry run or a status changes none. */
export function instanceOutcomeEvents(result: RunResult, context: RunEventsContext): SignalEvent[] {
  if (result.action === 'status' || result.dryRun) return [];
  return result.targets.flatMap((target) =>
    target.instances.flatMap((instance): SignalEvent[] => {
      const { outcome } = instance;
      if (outcome !== 'changed' && outcome !== 'failed' && outcome !== 'not-processed') return [];
      const detail: InstanceOutcomeDetail = {
        schemaVersion: EVENT_SCHEMA_VERSION,
        stage: context.stage,
        runId: result.requestId,
        requestedAction: result.action,
        account: target.accountId,
        region: target.region,
        instanceId: instance.instanceId,
        ...(instance.name !== undefined ? { name: instance.name } : {}),
        outcome,
        ...(instance.previousState !== undefined ? { previousState: instance.previousState } : {}),
        ...(instance.currentState !== undefined ? { currentState: instance.currentState } : {}),
        ...(instance.reason !== undefined ? { reason: instance.reason } : {}),
        ...(instance.code !== undefined ? { code: instance.code } : {}),
        origin: context.origin,
      };
      return [{ detailType: DETAIL_TYPES.instanceOutcome, detail }];
    }),
  );
}

export function runEvents(result: RunResult, context: RunEventsContext): SignalEvent[] {
  return [runSummaryEvent(result, context), ...instanceOutcomeEvents(result, context)];
}
