/**
 * The EventBridge events of one run: a summary (from its run record), and one event per resource
 * whose state the run changed or failed to change (from the run result: an engine worker sends
 * these for its batch, and the engine's summary step sends the one summary of the run).
 */
import type { ResourceResult } from '../core/results';
import type { Action } from '../core/types';
import {
  DETAIL_TYPES,
  EVENT_SCHEMA_VERSION,
  type ResourceOutcomeDetail,
  type RunOrigin,
  type RunSummaryDetail,
  resourceOutcomeEventId,
  runSummaryEventId,
} from './contract';
import type { RunRecord } from './run-record';

export interface SignalEvent {
  detailType: string;
  detail: RunSummaryDetail | ResourceOutcomeDetail;
}

export interface RunEventsContext {
  stage: string;
  origin: RunOrigin;
}

/** The run summary of any path (handlers/signals/run-record.ts). */
export function runSummaryEvent(record: RunRecord, context: RunEventsContext): SignalEvent {
  const detail: RunSummaryDetail = {
    schemaVersion: EVENT_SCHEMA_VERSION,
    eventId: runSummaryEventId(record.runId, record.outcome),
    stage: context.stage,
    runId: record.runId,
    task: record.task,
    requestedAction: record.action,
    dryRun: record.dryRun,
    outcome: record.outcome,
    origin: context.origin,
    startedAt: record.startedAt,
    durationMs: record.durationMs,
    counts: record.counts,
    failedTargets: record.failedTargets,
    failedTargetsOmitted: record.failedTargetsOmitted,
    ...(record.failedResources ? { failedResources: record.failedResources } : {}),
    ...(record.failedResourcesOmitted !== undefined
      ? { failedResourcesOmitted: record.failedResourcesOmitted }
      : {}),
    ...(record.refused ? { refused: record.refused } : {}),
    ...(record.skipped ? { skipped: record.skipped } : {}),
    ...(record.snoozes ? { snoozes: record.snoozes } : {}),
    ...(record.engine ? { engine: record.engine } : {}),
  };
  return { detailType: DETAIL_TYPES.runSummary, detail };
}

/** What a Resource Outcome event reads of one resource. */
export type ResourceEventFields = Pick<
  ResourceResult,
  'type' | 'id' | 'name' | 'previousState' | 'currentState' | 'outcome' | 'reason' | 'code'
>;

/** The run a resource event belongs to. */
export interface ResourceEventRun {
  task: string;
  action: Action;
  runId: string;
}

/** A resource with an event: a start or stop changed it, failed on it or did not reach it. */
export type EventfulResource = ResourceEventFields & { outcome: ResourceOutcomeDetail['outcome'] };

export function hasResourceEvent(resource: ResourceEventFields): resource is EventfulResource {
  const { outcome } = resource;
  return outcome === 'changed' || outcome === 'failed' || outcome === 'not-processed';
}

/** The Resource Outcome event of one resource that has one (hasResourceEvent). */
export function resourceOutcomeEvent(
  run: ResourceEventRun,
  target: { accountId: string; region: string },
  resource: EventfulResource,
  context: RunEventsContext,
): SignalEvent {
  const { outcome } = resource;
  const place = {
    account: target.accountId,
    region: target.region,
    resourceType: resource.type,
    resourceId: resource.id,
  };
  const detail: ResourceOutcomeDetail = {
    schemaVersion: EVENT_SCHEMA_VERSION,
    eventId: resourceOutcomeEventId(run.runId, { ...place, outcome }),
    stage: context.stage,
    runId: run.runId,
    task: run.task,
    requestedAction: run.action,
    ...place,
    ...(resource.name !== undefined ? { name: resource.name } : {}),
    outcome,
    ...(resource.previousState !== undefined ? { previousState: resource.previousState } : {}),
    ...(resource.currentState !== undefined ? { currentState: resource.currentState } : {}),
    ...(resource.reason !== undefined ? { reason: resource.reason } : {}),
    ...(resource.code !== undefined ? { code: resource.code } : {}),
    origin: context.origin,
  };
  return { detailType: DETAIL_TYPES.resourceOutcome, detail };
}
