/**
 * What `npm start` shows after the flow: the metrics each run emitted (its EMF lines), the events
 * the local EventBridge accepted, and which packaged alarm those datapoints would set off,
 * evaluated with the alarms' own periods, datapoints-to-alarm and missing-data handling.
 */

import {
  alarmsOfTemplate,
  alarmTimeline,
  datapointsFromEmf,
  isEmf,
  type RecordedEvent,
  raisesAlarm,
} from '../local-aws';
import { jsonValuesIn } from './invoke-output';

export interface SignalsReportInput {
  runs: Array<{ title: string; stdout: string }>;
  events: readonly RecordedEvent[];
  template: Parameters<typeof alarmsOfTemplate>[0];
  /** The flow's start and end (epoch ms): the alarms are evaluated minute by minute in between. */
  from: number;
  to: number;
}

/** Metrics worth a glance; zero values are left out. */
const SHOWN = [
  'ResourcesChanged',
  'ResourcesFailed',
  'ResourcesSkipped',
  'ResourcesNotProcessed',
  'TargetsFailed',
  'TargetsNotProcessed',
  'EventsSent',
  'EventsFailed',
  'RunsRefused',
  'HttpInternalErrors',
  'ScheduledRunsCompleted',
];

function metricsLines(runs: SignalsReportInput['runs']): string[] {
  return runs.flatMap(({ title, stdout }) => {
    const emf = jsonValuesIn(stdout).filter(isEmf);
    if (emf.length === 0) return [`  ${title.padEnd(44)} (no EMF line)`];
    const values = emf.flatMap((line) =>
      SHOWN.filter((name) => typeof line[name] === 'number' && line[name] !== 0).map(
        (name) => `${name} ${line[name]}`,
      ),
    );
    const action = emf.find((line) => typeof line.action === 'string')?.action;
    const schedule = emf.find((line) => typeof line.schedule === 'string')?.schedule;
    const dims = [
      `action=${String(action)}`,
      ...(schedule ? [`schedule=${String(schedule)}`] : []),
    ];
    return [`  ${title.padEnd(44)} ${dims.join(' ').padEnd(38)} ${values.join(', ')}`];
  });
}

function eventsLines(events: readonly RecordedEvent[]): string[] {
  const byType = new Map<string, Map<string, number>>();
  for (const event of events) {
    const outcome = String((event.detail as { outcome?: unknown }).outcome ?? '?');
    const outcomes = byType.get(event.detailType) ?? new Map<string, number>();
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    byType.set(event.detailType, outcomes);
  }
  return [...byType.entries()].map(([type, outcomes]) => {
    const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
    const detail = [...outcomes.entries()].map(([o, n]) => `${n} ${o}`).join(', ');
    return `  ${type.padEnd(20)} ${String(total).padStart(4)}  (${detail})`;
  });
}

const MISSING_WORDS = {
  breaching: 'missing = breaching',
  notBreaching: 'missing = OK',
  ignore: 'missing ignored',
  missing: 'missing = missing',
};

export function signalsReport(input: SignalsReportInput): string[] {
  const objects = input.runs.flatMap((run) => jsonValuesIn(run.stdout));
  const datapoints = datapointsFromEmf(objects);
  const alarms = alarmsOfTemplate(input.template);
  const evaluated = alarms.map((alarm) => ({
    alarm,
    timeline: alarmTimeline(alarm, datapoints, input.from, input.to),
    local: datapoints.some((d) => d.namespace === alarm.namespace),
  }));
  const fired = evaluated.filter((e) => raisesAlarm(e.alarm, e.timeline));
  const quiet = evaluated.filter((e) => !fired.includes(e));
  const alarmLines = fired.map(({ alarm, timeline }) => {
    const states = timeline.map((t) => t.state).join(' -> ');
    const rule = `${alarm.metricName} ${alarm.comparison.replace('Threshold', '')} ${alarm.threshold} (${alarm.statistic}, ${alarm.periodSeconds} s, ${alarm.datapointsToAlarm} of ${alarm.evaluationPeriods}, ${MISSING_WORDS[alarm.treatMissingData]})`;
    return `  ${states.padEnd(14)} ${alarm.name.padEnd(46)} ${rule}`;
  });
  const noLocalData = quiet.filter((e) => !e.local).map((e) => e.alarm.namespace);
  return [
    'Metrics emitted (EMF lines in the function output; dimensions service, stage and the one shown)',
    ...metricsLines(input.runs),
    '',
    `Events the local EventBridge accepted on the default bus: ${input.events.length}`,
    ...eventsLines(input.events),
    '',
    `Alarms of the packaged template that these datapoints set off: ${fired.length} of ${alarms.length}`,
    ...alarmLines,
    `  OK (or waiting for a first run) throughout: ${quiet.length}${noLocalData.length > 0 ? ` (${noLocalData.length} on ${[...new Set(noLocalData)].join(', ')}, which only AWS emits)` : ''}`,
  ];
}
