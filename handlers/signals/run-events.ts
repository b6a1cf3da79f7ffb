/**
 * The EventBridge events of one run: a summary (from its run record), and one event per instance
 * whose state the run changed or failed to change (from the run result: an engine worker sends
 * these for its batch, and the engine's summary step sends the one summary of the run).
 */
import type { RunResult } from '../core/results';
import {
  DETAIL_TYPES,
  EVENT_SCHEMA_VERSION,
  type InstanceOutcomeDetail,
  instanceOutcomeEventId,
  type RunOrigin,
  type RunSummaryDetail,
  runSummaryEventId,
} from './contract';
import { type RunRecord, recordOfResult } from './run-record';

export interface SignalEvent {
  detailType: string;
  detail: RunSummaryDetail | InstanceOutcomeDetail;
}

export interface RunEventsContext {
  stage: string;
  origin: RunOrigin;
}

/** The run summary of any path (handlers/signals/run-record.ts). */
export function runSummaryEvent(record: RunRecord, context: RunEventsContext): SignalEvent {
  const detail: RunSummaryDetail = {
    schemaVersion: EVENT_SCHEMA_VERSION,
    eventId: runSummaryEventId(record.runId),
    stage: context.stage,
    runId: record.runId,
    requestedAction: record.action,
    dryRun: record.dryRun,
    outcome: record.outcome,
    origin: context.origin,
    startedAt: record.startedAt,
    durationMs: record.durationMs,
    counts: record.counts,
    failedTargets: record.failedTargets,
    failedTargetsOmitted: record.failedTargetsOmitted,
    ...(record.failedInstances ? { failedInstances: record.failedInstances } : {}),
    ...(record.failedInstancesOmitted !== undefined
      ? { failedInstancesOmitted: record.failedInstancesOmitted }
      : {}),
    ...(record.refused ? { refused: record.refused } : {}),
    ...(record.skipped ? { skipped: record.skipped } : {}),
    ...(record.snoozes ? { snoozes: record.snoozes } : {}),
    ...(record.engine ? { engine: record.engine } : {}),
  };
  return { detailType: DETAIL_TYPES.runSummary, detail };
}

/** Instances a start or stop changed, failed to change, or did not reach; a dry run or a status changes none. */
export function* instanceOutcomeEvents(
  result: RunResult,
  context: RunEventsContext & { runId?: string },
): Generator<SignalEvent> {
  if (result.action === 'status' || result.dryRun) return;
  for (const target of result.targets) {
    for (const instance of target.instances) {
      const { outcome } = instance;
      if (outcome !== 'changed' && outcome !== 'failed' && outcome !== 'not-processed') continue;
      const runId = context.runId ?? result.requestId;
      const place = {
        account: target.accountId,
        region: target.region,
        instanceId: instance.instanceId,
      };
      const detail: InstanceOutcomeDetail = {
        schemaVersion: EVENT_SCHEMA_VERSION,
        eventId: instanceOutcomeEventId(runId, { ...place, outcome }),
        stage: context.stage,
        runId,
        requestedAction: result.action,
        ...place,
        ...(instance.name !== undefined ? { name: instance.name } : {}),
        outcome,
        ...(instance.previousState !== undefined ? { previousState: instance.previousState } : {}),
        ...(instance.currentState !== undefined ? { currentState: instance.currentState } : {}),
        ...(instance.reason !== undefined ? { reason: instance.reason } : {}),
        ...(instance.code !== undefined ? { code: instance.code } : {}),
        origin: context.origin,
      };
      yield { detailType: DETAIL_TYPES.instanceOutcome, detail };
    }
  }
}

export function runEvents(result: RunResult, context: RunEventsContext): SignalEvent[] {
  return [
    runSummaryEvent(recordOfResult(result), context),
    ...instanceOutcomeEvents(result, context),
  ];
}
