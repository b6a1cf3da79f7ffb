/**
 * The signals of an engine run that no worker can send: the one run-level summary (the Run
 * Summary event and the run metrics, heartbeat included) when the run finishes, and a Resource
 * Outcome for each start a re-check found fallen back (the task's `startFellBack`). Pure: summarise.ts publishes.
 */
import type { RunSummary } from '../core/results';
import {
  DETAIL_TYPES,
  EVENT_SCHEMA_VERSION,
  MAX_LISTED_TARGETS,
  type ResourceFailure,
  type ResourceOutcomeDetail,
  resourceOutcomeEventId,
  type TargetFailure,
} from '../signals/contract';
import type { SignalEvent } from '../signals/run-events';
import { runOutcome } from '../signals/run-outcome';
import type { RunRecord } from '../signals/run-record';
import type { EngineRun } from './plan';
import type { EngineReport, FailureEntry } from './report';

/**
 * Starts that fell back with no Resource Outcome of their own: past FELL_BACK_REPORTED per run,
 * or past what a re-check lists per batch (report.ts, listedFailures). The Run Summary says how many.
 */
export function fellBackNotReported(report: EngineReport): number {
  const found = report.fellBackByBatch.reduce((n, b) => n + b.fellBack, 0);
  return Math.max(0, found - (report.fellBackReported?.length ?? 0));
}

/** The run-level record of a finished (or refused) engine run, at `now` (epoch ms). */
export function engineRunRecord(report: EngineReport, run: EngineRun, now: number): RunRecord {
  const { inTransit, itemsFailed, ...summary } = report.summary;
  const counts: RunSummary = { ...summary, targets: run.targets };
  // The report lists failures short (code only); the workers' logs have each reason.
  const failedTargets: TargetFailure[] = [];
  const failedResources: ResourceFailure[] = [];
  for (const f of report.failures) {
    if (f.id === undefined) {
      failedTargets.push({
        account: f.accountId,
        region: f.region,
        status: 'failed',
        code: f.code,
        reason: f.code,
      });
    } else {
      failedResources.push({
        account: f.accountId,
        region: f.region,
        resourceType: f.type ?? run.resourceType,
        resourceId: f.id,
        code: f.code,
      });
    }
  }
  const listedTargets = failedTargets.slice(0, MAX_LISTED_TARGETS);
  const outcome = report.failure
    ? 'failed'
    : report.refused
      ? 'refused'
      : itemsFailed > 0
        ? 'failed'
        : runOutcome(summary);
  return {
    runId: run.id,
    task: run.task,
    action: report.action,
    dryRun: run.dryRun,
    startedAt: run.startedAt,
    durationMs: Math.max(0, now - Date.parse(run.startedAt)),
    outcome,
    counts,
    failedTargets: listedTargets,
    failedTargetsOmitted: Math.max(0, summary.targetsFailed - listedTargets.length),
    failedResources,
    failedResourcesOmitted: Math.max(0, summary.failed - failedResources.length),
    ...(report.refused ? { refused: report.refused } : {}),
    ...(report.snoozes ? { snoozes: report.snoozes } : {}),
    engine: {
      batches: run.batches,
      checks: report.checks,
      itemsFailed,
      inTransit,
      fellBackNotReported: fellBackNotReported(report),
      ...(report.failure ? { failure: report.failure } : {}),
    },
  };
}

/** One Resource Outcome per start that fell back, under the run's ID. */
export function fellBackEvents(
  entries: readonly FailureEntry[],
  run: EngineRun,
  context: { stage: string; check: number },
): SignalEvent[] {
  return entries.flatMap((entry): SignalEvent[] => {
    if (entry.id === undefined) return [];
    const place = {
      account: entry.accountId,
      region: entry.region,
      resourceType: entry.type ?? run.resourceType,
      resourceId: entry.id,
    };
    const fellTo = entry.state ?? 'its stopped state';
    const detail: ResourceOutcomeDetail = {
      schemaVersion: EVENT_SCHEMA_VERSION,
      eventId: resourceOutcomeEventId(run.id, { ...place, outcome: 'fell-back' }),
      stage: context.stage,
      runId: run.id,
      task: run.task,
      requestedAction: 'start',
      ...place,
      outcome: 'failed',
      ...(entry.state !== undefined ? { currentState: entry.state } : {}),
      reason: `start accepted, then the resource fell back to ${fellTo} (found by re-check ${context.check}; the engineRecheck log has the service's state reason)`,
      code: entry.code,
      origin: run.origin,
    };
    return [{ detailType: DETAIL_TYPES.resourceOutcome, detail }];
  });
}
