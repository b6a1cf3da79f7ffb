/**
 * The run's metrics as one Embedded Metric Format line (CloudWatch extracts them from the log;
 * nothing calls PutMetricData), plus the heartbeat of a scheduled run as its own line, since it
 * carries another dimension. Dimensions stay bounded (service, stage, action; schedule for the
 * heartbeat); the run ID, caller and failed accounts go in the EMF properties, searchable in
 * Logs Insights but never a metric of their own.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RunResult } from '../core/results';
import { METRICS, type RunOrigin, type SignalsReport } from './contract';
import { runOutcome } from './run-outcome';

export interface RunMetricsInput {
  result: RunResult;
  origin: RunOrigin;
  signals: SignalsReport;
}

/** Metric values of a run, by metric name (exported for tests and the local alarm evaluator). */
export function runMetricValues(result: RunResult, signals: SignalsReport): Record<string, number> {
  const s = result.summary;
  return {
    [METRICS.instancesChanged]: s.changed,
    [METRICS.instancesUnchanged]: s.unchanged,
    [METRICS.instancesSkipped]: s.skipped,
    [METRICS.instancesFailed]: s.failed,
    [METRICS.instancesNotProcessed]: s.notProcessed,
    [METRICS.targetsFailed]: s.targetsFailed,
    [METRICS.targetsNotProcessed]: s.targetsNotProcessed,
    [METRICS.runsCompleted]: 1,
    [METRICS.eventsSent]: signals.eventsSent,
    [METRICS.eventsFailed]: signals.eventsFailed,
  };
}

function originProperty(origin: RunOrigin): string {
  if (origin.kind === 'schedule') return `schedule:${origin.schedule}`;
  if (origin.kind === 'http') return origin.callerArn;
  return 'invoke';
}

export function emitRunMetrics(
  metrics: Metrics,
  { result, origin, signals }: RunMetricsInput,
): void {
  metrics.addDimension('action', result.action);
  for (const [name, value] of Object.entries(runMetricValues(result, signals))) {
    metrics.addMetric(name, MetricUnit.Count, value);
  }
  metrics.addMetric(METRICS.runDuration, MetricUnit.Milliseconds, result.durationMs);
  metrics.addMetadata('runId', result.requestId);
  metrics.addMetadata('outcome', runOutcome(result.summary));
  metrics.addMetadata('dryRun', String(result.dryRun));
  metrics.addMetadata('origin', originProperty(origin));
  const failedAccounts = [
    ...new Set(result.targets.filter((t) => t.status !== 'ok').map((t) => t.accountId)),
  ];
  if (failedAccounts.length > 0) metrics.addMetadata('failedAccounts', failedAccounts.join(','));
  metrics.publishStoredMetrics();

  if (origin.kind === 'schedule') {
    const heartbeat = metrics.singleMetric();
    heartbeat.addDimension('schedule', origin.schedule);
    heartbeat.addMetadata('runId', result.requestId);
    heartbeat.addMetric(METRICS.scheduledRunsCompleted, MetricUnit.Count, 1);
  }
}
