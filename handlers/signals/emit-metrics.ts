/**
 * The run's metrics as one Embedded Metric Format line (CloudWatch extracts them from the log;
 * nothing calls PutMetricData), plus the heartbeat of a scheduled run as its own line, since it
 * carries another dimension. Dimensions stay bounded (service, stage, action; schedule for the
 * heartbeat); the run ID, task, caller and failed accounts go in the EMF properties, searchable in
 * Logs Insights but never a metric of their own.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Action } from '../core/types';
import { METRICS, type RunOrigin, type SignalsReport } from './contract';
import type { RunRecord } from './run-record';

export interface RunMetricsInput {
  record: RunRecord;
  origin: RunOrigin;
  signals: SignalsReport;
}

/**
 * Metric values of a run, by metric name (exported for tests). A refused run changed nothing: it
 * counts as refused, not as a completed run.
 */
export function runMetricValues(record: RunRecord, signals: SignalsReport): Record<string, number> {
  const events = {
    [METRICS.eventsSent]: signals.eventsSent,
    [METRICS.eventsFailed]: signals.eventsFailed,
  };
  if (record.outcome === 'refused') return { [METRICS.runsRefused]: 1, ...events };
  if (record.outcome === 'skipped') return { [METRICS.runsSkipped]: 1, ...events };
  const c = record.counts;
  return {
    [METRICS.resourcesChanged]: c.changed,
    [METRICS.resourcesUnchanged]: c.unchanged,
    [METRICS.resourcesSkipped]: c.skipped,
    [METRICS.resourcesFailed]: c.failed,
    [METRICS.resourcesNotProcessed]: c.notProcessed,
    [METRICS.targetsFailed]: c.targetsFailed,
    [METRICS.targetsNotProcessed]: c.targetsNotProcessed,
    [METRICS.runsCompleted]: 1,
    ...(record.snoozes
      ? {
          [METRICS.snoozesHonoured]: record.snoozes.honoured,
          [METRICS.snoozesIgnored]: record.snoozes.ignored,
          [METRICS.snoozesExpired]: record.snoozes.expired,
        }
      : {}),
    ...events,
  };
}

function originProperty(origin: RunOrigin): string {
  if (origin.kind === 'schedule') return `schedule:${origin.schedule}`;
  if (origin.kind === 'http') return origin.callerArn;
  return 'invoke';
}

export function emitRunMetrics(
  metrics: Metrics,
  { record, origin, signals }: RunMetricsInput,
): void {
  metrics.addDimension('action', record.action);
  for (const [name, value] of Object.entries(runMetricValues(record, signals))) {
    metrics.addMetric(name, MetricUnit.Count, value);
  }
  metrics.addMetric(METRICS.runDuration, MetricUnit.Milliseconds, record.durationMs);
  metrics.addMetadata('runId', record.runId);
  metrics.addMetadata('task', record.task);
  metrics.addMetadata('outcome', record.outcome);
  metrics.addMetadata('dryRun', String(record.dryRun));
  metrics.addMetadata('origin', originProperty(origin));
  if (record.skipped)
    metrics.addMetadata('skipped', `${record.skipped.reason} ${record.skipped.date}`);
  const failedAccounts = [
    ...new Set([
      ...record.failedTargets.map((t) => t.account),
      ...(record.failedResources ?? []).map((r) => r.account),
    ]),
  ];
  if (failedAccounts.length > 0) metrics.addMetadata('failedAccounts', failedAccounts.join(','));
  metrics.publishStoredMetrics();

  // The heartbeat counts completed runs: one per run, from its run-level summary only. A run
  // skipped on an excluded date or holiday counts: the schedule fired as planned.
  if (origin.kind === 'schedule' && record.outcome !== 'refused') {
    const heartbeat = metrics.singleMetric();
    heartbeat.addDimension('schedule', origin.schedule);
    heartbeat.addMetadata('runId', record.runId);
    heartbeat.addMetric(METRICS.scheduledRunsCompleted, MetricUnit.Count, 1);
  }
}

/**
 * Part of a run that sends events but is not the run (an engine worker, a re-check round's
 * findings): only the events it sent and failed, so the events alarm still sees them.
 */
export function emitEventMetrics(
  metrics: Metrics,
  {
    task,
    action,
    runId,
    signals,
  }: { task: string; action: Action; runId: string; signals: SignalsReport },
): void {
  metrics.addDimension('action', action);
  metrics.addMetric(METRICS.eventsSent, MetricUnit.Count, signals.eventsSent);
  metrics.addMetric(METRICS.eventsFailed, MetricUnit.Count, signals.eventsFailed);
  metrics.addMetadata('runId', runId);
  metrics.addMetadata('task', task);
  metrics.publishStoredMetrics();
}
