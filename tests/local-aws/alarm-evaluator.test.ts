import { alarmSpecs } from '../../resources/home-stack/signals/alarms';
import { signalsResources } from '../../resources/home-stack/signals/resources';
import {
  alarmsOfTemplate,
  alarmTimeline,
  type EvaluatedAlarm,
  evaluateAlarm,
  raisesAlarm,
} from '../../scripts/local-aws/alarm-evaluator';
import { type Datapoint, datapointsFromEmf } from '../../scripts/local-aws/emf';

const MINUTE = 60_000;
const AT = Date.UTC(2026, 11, 1, 18, 2); // 18:02 UTC, inside the 18:00-18:05 period
const DIMENSIONS = { service: 'xacct-ec2', stage: 'local', action: 'start' };

const FAILED_INSTANCES: EvaluatedAlarm = {
  name: 'resources-failed-start',
  namespace: 'xacct-ec2',
  metricName: 'ResourcesFailed',
  dimensions: DIMENSIONS,
  statistic: 'Sum',
  periodSeconds: 300,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 1,
  comparison: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'notBreaching',
};
const HEARTBEAT: EvaluatedAlarm = {
  ...FAILED_INSTANCES,
  name: 'heartbeat',
  metricName: 'ScheduledRunsCompleted',
  dimensions: { service: 'xacct-ec2', stage: 'local', schedule: 'weekday-evening-stop' },
  periodSeconds: 74 * 3600,
  comparison: 'LessThanThreshold',
  treatMissingData: 'missing',
  notifyInsufficientData: true,
};

const point = (alarm: EvaluatedAlarm, value: number, timestamp = AT, extra = {}): Datapoint => ({
  namespace: alarm.namespace,
  metricName: alarm.metricName,
  dimensions: { ...alarm.dimensions, ...extra },
  value,
  timestamp,
});

describe('Function: evaluateAlarm', () => {
  it('alarms on a failed instance in the period', () => {
    expect(evaluateAlarm(FAILED_INSTANCES, [point(FAILED_INSTANCES, 2)], AT).state).toBe('ALARM');
  });

  it('stays OK when the run had no failure, and when there was no run (missing, not breaching)', () => {
    expect(evaluateAlarm(FAILED_INSTANCES, [point(FAILED_INSTANCES, 0)], AT).state).toBe('OK');
    expect(evaluateAlarm(FAILED_INSTANCES, [], AT)).toMatchObject({ state: 'OK', missing: 1 });
  });

  it('leaves a heartbeat without a run in its period INSUFFICIENT_DATA, and OK with one', () => {
    expect(evaluateAlarm(HEARTBEAT, [], AT)).toMatchObject({
      state: 'INSUFFICIENT_DATA',
      missing: 1,
    });
    expect(evaluateAlarm(HEARTBEAT, [point(HEARTBEAT, 1)], AT).state).toBe('OK');
  });

  it('goes to INSUFFICIENT_DATA when every period is missing and missing data is left missing', () => {
    const alarm = { ...FAILED_INSTANCES, treatMissingData: 'missing' as const };
    expect(evaluateAlarm(alarm, [], AT).state).toBe('INSUFFICIENT_DATA');
  });

  it('needs DatapointsToAlarm breaching periods out of EvaluationPeriods', () => {
    // Prepare
    const alarm = { ...FAILED_INSTANCES, evaluationPeriods: 3, datapointsToAlarm: 2 };
    const once = [point(alarm, 1, AT - 5 * MINUTE)];
    const twice = [...once, point(alarm, 1, AT)];

    // Act
    const [one, two] = [evaluateAlarm(alarm, once, AT), evaluateAlarm(alarm, twice, AT)];

    // Assess
    expect(one).toMatchObject({ state: 'OK', breaching: 1, values: [undefined, 1, undefined] });
    expect(two).toMatchObject({ state: 'ALARM', breaching: 2 });
  });

  it('counts only datapoints with exactly the alarm dimensions, inside its range', () => {
    // Prepare
    const points = [
      point(FAILED_INSTANCES, 1, AT, { accountId: '222222222222' }),
      point(FAILED_INSTANCES, 1, AT - 10 * MINUTE),
      { ...point(FAILED_INSTANCES, 1), dimensions: { ...DIMENSIONS, action: 'stop' } },
    ];

    // Act
    const evaluation = evaluateAlarm(FAILED_INSTANCES, points, AT);

    // Assess
    expect(evaluation.state).toBe('OK');
  });
});

describe('Function: alarmTimeline', () => {
  it('shows an alarm that fired during the flow even if its period has passed since', () => {
    // Prepare
    const points = [point(FAILED_INSTANCES, 1, AT)];

    // Act
    const timeline = alarmTimeline(FAILED_INSTANCES, points, AT - MINUTE, AT + 10 * MINUTE);

    // Assess
    expect(timeline.map((t) => t.state)).toEqual(['OK', 'ALARM', 'OK']);
  });

  it('does not page for a heartbeat right after a deploy: INSUFFICIENT_DATA until the first run, then OK', () => {
    // Prepare: the stage deployed 3 minutes before the schedule's first run.
    const points = [point(HEARTBEAT, 1, AT)];

    // Act
    const timeline = alarmTimeline(HEARTBEAT, points, AT - 3 * MINUTE, AT + MINUTE);

    // Assess
    expect(timeline).toEqual([
      { at: AT - 3 * MINUTE, state: 'INSUFFICIENT_DATA' },
      { at: AT, state: 'OK' },
    ]);
    expect(raisesAlarm(HEARTBEAT, timeline)).toBe(false);
  });

  it('pages a heartbeat whose schedule falls silent after a run: OK to INSUFFICIENT_DATA', () => {
    // Prepare: one run, then no run for longer than the period.
    const period = HEARTBEAT.periodSeconds * 1000;
    const points = [point(HEARTBEAT, 1, AT)];

    // Act
    const timeline = alarmTimeline(HEARTBEAT, points, AT, AT + 2 * period);

    // Assess
    expect(timeline.map((t) => t.state)).toEqual(['OK', 'INSUFFICIENT_DATA']);
    expect(raisesAlarm(HEARTBEAT, timeline)).toBe(true);
    // The same silence with no notification on INSUFFICIENT_DATA would page nobody.
    expect(raisesAlarm({ ...HEARTBEAT, notifyInsufficientData: false }, timeline)).toBe(false);
  });
});

describe('Function: datapointsFromEmf', () => {
  it('reads every metric of a Powertools EMF line with its dimension set and timestamp', () => {
    // Prepare
    const line = {
      _aws: {
        Timestamp: AT,
        CloudWatchMetrics: [
          {
            Namespace: 'xacct-ec2',
            Dimensions: [['service', 'stage', 'action']],
            Metrics: [
              { Name: 'ResourcesFailed', Unit: 'Count' },
              { Name: 'RunDuration', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      ...DIMENSIONS,
      ResourcesFailed: 1,
      RunDuration: 1234,
      runId: 'req-1',
    };

    // Act
    const points = datapointsFromEmf([{ level: 'INFO', message: 'not emf' }, line]);

    // Assess
    expect(points).toEqual([
      {
        namespace: 'xacct-ec2',
        metricName: 'ResourcesFailed',
        dimensions: DIMENSIONS,
        value: 1,
        timestamp: AT,
      },
      {
        namespace: 'xacct-ec2',
        metricName: 'RunDuration',
        dimensions: DIMENSIONS,
        value: 1234,
        timestamp: AT,
      },
    ]);
  });
});

describe('Function: alarmsOfTemplate', () => {
  it('reads back the alarms the builders write, as the specs that made them', () => {
    // Prepare
    const inputs = {
      service: 'xacct-ec2',
      stage: 'local',
      functions: [{ key: 'instances', name: 'xacct-ec2-local-instances' }],
      schedules: [
        {
          name: 'weekday-evening-stop',
          expression: 'cron(0 19 ? * MON-FRI *)',
          enabled: true,
          request: {},
        },
      ],
      scheduleGroupName: 'xacct-ec2-local',
    };
    const template = signalsResources(inputs);

    // Act
    const alarms = alarmsOfTemplate(template);

    // Assess
    const specs = alarmSpecs({
      ...inputs,
      deadLetterQueueName: 'xacct-ec2-local-schedule-dlq',
      ruleNames: ['xacct-ec2-local-failed-runs'],
    });
    expect(alarms).toEqual(specs.map(({ description: _d, ...spec }) => spec));
  });
});
