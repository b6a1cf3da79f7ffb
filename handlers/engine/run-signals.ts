/**
 * The signals of an engine run that no worker can send: the one run-level summary (the Run
 * Summary event and the run metrics, heartbeat included) when the run finishes, and an Instance
 * Outcome for each start a re-check found fallen back to stopped. Pure: summarise.ts publishes.
 */
import type { RunSummary } from '../core/results';
import {
  DETAIL_TYPES,
  EVENT_SCHEMA_VERSION,
  type InstanceFailure,
  type InstanceOutcomeDetail,
  instanceOutcomeEventId,
  MAX_LISTED_TARGETS,
  type TargetFailure,
} from '../signals/contract';
import type { SignalEvent } from '../signals/run-events';
import { runOutcome } from '../signals/run-outcome';
import type { RunRecord } from '../signals/run-record';
import type { EngineRun } from './plan';
import type { EngineReport, FailureEntry } from './report';

/**
 * Starts that fell back with no Instance Outcome of their own: past FELL_BACK_REPORTED per run,
 * or past the FAILURES_PER_BATCH a re-check lists. The Run Summary says how many.
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
  const failedInstances: InstanceFailure[] = [];
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
      failedInstances.push({
        account: f.accountId,
        region: f.region,
        instanceId: f.id,
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
    action: report.action,
    dryRun: run.dryRun,
    startedAt: run.startedAt,
    durationMs: Math.max(0, now - Date.parse(run.startedAt)),
    outcome,
    counts,
    failedTargets: listedTargets,
    failedTargetsOmitted: Math.max(0, summary.targetsFailed - listedTargets.length),
    failedInstances,
    failedInstancesOmitted: Math.max(0, summary.failed - failedInstances.length),
    ...(report.refused ? { refused: report.refused } : {}),
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

/** One Instance Outcome per start that fell back to stopped, under the run's ID. */
export function fellBackEvents(
  entries: readonly FailureEntry[],
  run: EngineRun,
  context: { stage: string; check: number },
): SignalEvent[] {
  return entries.flatMap((entry): SignalEvent[] => {
    if (entry.id === undefined) return [];
    const place = { account: entry.accountId, region: entry.region, instanceId: entry.id };
    const detail: InstanceOutcomeDetail = {
      schemaVersion: EVENT_SCHEMA_VERSION,
      eventId: instanceOutcomeEventId(run.id, { ...place, outcome: 'fell-back' }),
      stage: context.stage,
      runId: run.id,
      requestedAction: 'start',
      account: entry.accountId,
      region: entry.region,
      instanceId: entry.id,
      outcome: 'failed',
      currentState: 'stopped',
      reason: `start accepted, then the instance fell back to stopped (found by re-check ${context.check}; the engineRecheck log has EC2's state reason)`,
      code: entry.code,
      origin: run.origin,
    };
    return [{ detailType: DETAIL_TYPES.instanceOutcome, detail }];
  });
}
