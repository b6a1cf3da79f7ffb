/**
 * What CloudWatch would decide for an alarm, given datapoints: the evaluation range is the
 * alarm's last EvaluationPeriods periods (aligned to the epoch, the one holding `at` included);
 * each period's datapoints are reduced by the statistic and compared with the threshold; a period
 * without datapoints counts as TreatMissingData says; ALARM when at least DatapointsToAlarm
 * periods breach. An approximation of CloudWatch (no ingestion delay, no state history for
 * `ignore`), close enough to say which alarm a local run would set off.
 */
import type {
  AlarmSpec,
  ComparisonOperator,
  Statistic,
  TreatMissingData,
} from '../../resources/home-stack/signals/alarms';
import type { Datapoint } from './emf';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** What the evaluator needs of an alarm (AlarmSpec, or an alarm read back from a template). */
export type EvaluatedAlarm = Pick<
  AlarmSpec,
  | 'name'
  | 'namespace'
  | 'metricName'
  | 'dimensions'
  | 'statistic'
  | 'periodSeconds'
  | 'evaluationPeriods'
  | 'datapointsToAlarm'
  | 'threshold'
  | 'comparison'
  | 'treatMissingData'
  | 'notifyInsufficientData'
>;

export interface AlarmEvaluation {
  state: AlarmState;
  /** Periods that breached, of the range. */
  breaching: number;
  /** Periods without datapoints, of the range. */
  missing: number;
  /** Each period's statistic, oldest first; undefined where data is missing. */
  values: Array<number | undefined>;
}

const sameDimensions = (a: Record<string, string>, b: Record<string, string>) => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};

function reduce(statistic: Statistic, values: number[]): number {
  switch (statistic) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'SampleCount':
      return values.length;
  }
}

function breaches(value: number, comparison: ComparisonOperator, threshold: number): boolean {
  switch (comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

function missingCounts(policy: TreatMissingData): 'breaching' | 'notBreaching' | 'skip' {
  if (policy === 'breaching') return 'breaching';
  if (policy === 'notBreaching') return 'notBreaching';
  return 'skip';
}

export function evaluateAlarm(
  alarm: EvaluatedAlarm,
  datapoints: readonly Datapoint[],
  at: number,
): AlarmEvaluation {
  const periodMs = alarm.periodSeconds * 1000;
  const last = Math.floor(at / periodMs);
  const first = last - alarm.evaluationPeriods + 1;
  const buckets = new Map<number, number[]>();
  for (const point of datapoints) {
    if (point.namespace !== alarm.namespace || point.metricName !== alarm.metricName) continue;
    if (!sameDimensions(point.dimensions, alarm.dimensions)) continue;
    // What has not happened yet at `at` cannot count.
    if (point.timestamp > at) continue;
    const bucket = Math.floor(point.timestamp / periodMs);
    if (bucket < first || bucket > last) continue;
    buckets.set(bucket, [...(buckets.get(bucket) ?? []), point.value]);
  }
  const values: Array<number | undefined> = [];
  let breaching = 0;
  let missing = 0;
  for (let bucket = first; bucket <= last; bucket += 1) {
    const inBucket = buckets.get(bucket);
    if (!inBucket) {
      values.push(undefined);
      missing += 1;
      if (missingCounts(alarm.treatMissingData) === 'breaching') breaching += 1;
      continue;
    }
    const value = reduce(alarm.statistic, inBucket);
    values.push(value);
    if (breaches(value, alarm.comparison, alarm.threshold)) breaching += 1;
  }
  let state: AlarmState;
  if (breaching >= alarm.datapointsToAlarm) state = 'ALARM';
  else if (
    missing === alarm.evaluationPeriods &&
    missingCounts(alarm.treatMissingData) === 'skip'
  ) {
    state = 'INSUFFICIENT_DATA';
  } else state = 'OK';
  return { state, breaching, missing, values };
}

export interface AlarmTransition {
  at: number;
  state: AlarmState;
}

/**
 * The alarm's states from `from` to `to`, evaluated every minute as CloudWatch does: the first
 * state, then each change. A failure alarm whose period has passed since it fired shows
 * ALARM then OK; a heartbeat shows INSUFFICIENT_DATA until the scheduled run, then OK.
 */
export function alarmTimeline(
  alarm: EvaluatedAlarm,
  datapoints: readonly Datapoint[],
  from: number,
  to: number,
): AlarmTransition[] {
  const timeline: AlarmTransition[] = [];
  for (let at = from; ; at = Math.min(at + 60_000, to)) {
    const { state } = evaluateAlarm(alarm, datapoints, at);
    if (timeline.at(-1)?.state !== state) timeline.push({ at, state });
    if (at >= to) break;
  }
  return timeline;
}

/**
 * Whether the timeline notifies someone of trouble: it reaches ALARM, or, for an alarm that
 * notifies on INSUFFICIENT_DATA, changes into it (CloudWatch acts on state changes only, so the
 * INSUFFICIENT_DATA a new alarm starts in notifies nobody).
 */
export function raisesAlarm(alarm: EvaluatedAlarm, timeline: readonly AlarmTransition[]): boolean {
  return timeline.some(
    (t, i) =>
      t.state === 'ALARM' ||
      (alarm.notifyInsufficientData === true && i > 0 && t.state === 'INSUFFICIENT_DATA'),
  );
}

const asString = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The alarms of a packaged template, with the properties the evaluator needs (literal values only). */
export function alarmsOfTemplate(template: {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}): Array<EvaluatedAlarm & { logicalId: string }> {
  return Object.entries(template.Resources).flatMap(([logicalId, resource]) => {
    if (resource.Type !== 'AWS::CloudWatch::Alarm' || !resource.Properties) return [];
    const p = resource.Properties;
    const dims = (p.Dimensions as Array<{ Name: unknown; Value: unknown }> | undefined) ?? [];
    const dimensions = Object.fromEntries(
      dims.map((d) => [String(d.Name), asString(d.Value) ?? '?']),
    );
    return [
      {
        logicalId,
        name: asString(p.AlarmName) ?? logicalId,
        namespace: String(p.Namespace),
        metricName: String(p.MetricName),
        dimensions,
        statistic: p.Statistic as Statistic,
        periodSeconds: Number(p.Period),
        evaluationPeriods: Number(p.EvaluationPeriods),
        datapointsToAlarm: Number(p.DatapointsToAlarm ?? p.EvaluationPeriods),
        threshold: Number(p.Threshold),
        comparison: p.ComparisonOperator as ComparisonOperator,
        treatMissingData: (p.TreatMissingData as TreatMissingData | undefined) ?? 'missing',
        ...(Array.isArray(p.InsufficientDataActions) && p.InsufficientDataActions.length > 0
          ? { notifyInsufficientData: true }
          : {}),
      },
    ];
  });
}
