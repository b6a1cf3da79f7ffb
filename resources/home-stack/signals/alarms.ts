/**
 * The alarms of a stage, as data: rendered into CloudFormation (resources.ts) and evaluated
 * locally against emitted EMF metrics by `npm start` (alarm-evaluator.ts). One definition, so
 * what the local run says would alarm is what deploys.
 */
import { METRICS, metricsNamespace } from '../../../handlers/signals/contract';
import { heartbeatPeriodSeconds } from './heartbeat-period';

export type ComparisonOperator =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';
export type TreatMissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';
export type Statistic = 'Sum' | 'Maximum' | 'Average' | 'Minimum' | 'SampleCount';

export interface AlarmSpec {
  logicalId: string;
  /** The alarm's name in CloudWatch: `<service>-<stage>-<suffix>`. */
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  /** Dimension name to value; a value may be a CloudFormation reference (resources.ts resolves it). */
  dimensions: Record<string, string>;
  /** Dimensions whose value is a resource of the stack: name to the logical ID to `Ref`. */
  dimensionRefs?: Record<string, string>;
  statistic: Statistic;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparison: ComparisonOperator;
  treatMissingData: TreatMissingData;
  /** Notify the topic when the alarm goes to INSUFFICIENT_DATA too (the heartbeat's silence). */
  notifyInsufficientData?: boolean;
}

export interface AlarmInputs {
  service: string;
  stage: string;
  /** The functions: serverless.yml key and deployed name (`<service>-<stage>-<key>`). */
  functions: Array<{ key: string; name: string }>;
  schedules: Array<{ name: string; expression: string; enabled: boolean }>;
  /** Name of the schedules' dead-letter queue, when there are schedules. */
  deadLetterQueueName?: string;
  /** The engine's state machine (handlers/engine), when the stack has one: its logical ID. */
  stateMachineLogicalId?: string;
  /** The stage's EventBridge Scheduler schedule group, when it has schedules. */
  scheduleGroupName?: string;
  /** Names of the stack's EventBridge rules on the default bus (each forwards to the topic). */
  ruleNames?: string[];
}

/**
 * EventBridge Scheduler's own metrics that mean a scheduled run did not reach its target: namespace
 * `AWS/Scheduler`, dimension `ScheduleGroup`, unit Count (Scheduler User Guide, "Monitoring
 * Amazon EventBridge Scheduler with Amazon CloudWatch", list of metrics; the same names as
 * aws-cdk-lib aws-scheduler ScheduleGroup's metricTargetErrors, metricDropped, metricSentToDLQ and
 * metricFailedToBeSentToDLQ). A trust Scheduler cannot assume fails every delivery and its
 * dead-letter write (same role), so it shows here on its first night, not after the heartbeat's
 * 74 hours. Left out: InvocationAttemptCount (every run counts), InvocationThrottleCount and
 * TargetErrorThrottledCount (retried; what the retries cannot save is dropped or dead-lettered).
 */
export const SCHEDULER_DELIVERY_METRICS = [
  [
    'TargetErrorCount',
    'schedule-target-errors',
    "The scheduled function refused EventBridge Scheduler's invoke (a role it cannot assume or that may not invoke, a missing function)",
  ],
  [
    'InvocationDroppedCount',
    'schedule-dropped',
    'EventBridge Scheduler gave up a scheduled run after its retry policy',
  ],
  [
    'InvocationsSentToDeadLetterCount',
    'schedule-sent-to-dlq',
    "A scheduled run was not delivered and went to the schedules' dead-letter queue",
  ],
  [
    'InvocationsFailedToBeSentToDeadLetterCount',
    'schedule-dlq-failed',
    'A scheduled run was not delivered, nor written to the dead-letter queue: it is lost (the invoke role refused, or the queue)',
  ],
] as const;

/** Five minutes: a run's metrics land in one period; one datapoint is enough to alarm. */
export const FAILURE_PERIOD_SECONDS = 300;

const pascal = (text: string) =>
  text
    .split(/[^0-9A-Za-z]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

export function alarmSpecs(inputs: AlarmInputs): AlarmSpec[] {
  const { service, stage } = inputs;
  const namespace = metricsNamespace(service);
  const failure = {
    statistic: 'Sum' as const,
    periodSeconds: FAILURE_PERIOD_SECONDS,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold' as const,
    // No run, no failure: silence is the heartbeat's business.
    treatMissingData: 'notBreaching' as const,
  };
  const runMetric = (
    metricName: string,
    action: string,
    what: string,
    suffix: string,
  ): AlarmSpec => ({
    ...failure,
    logicalId: `Alarm${pascal(metricName)}${pascal(action)}`,
    name: `${service}-${stage}-${suffix}-${action}`,
    description: `${what} in a ${action} run of ${service} (${stage}); the run's events and logs say which and why`,
    namespace,
    metricName,
    dimensions: { service, stage, action },
  });
  const specs: AlarmSpec[] = [
    ...['start', 'stop'].map((a) =>
      runMetric(METRICS.resourcesFailed, a, 'Resources failed to change state', 'resources-failed'),
    ),
    ...['start', 'stop', 'status'].map((a) =>
      runMetric(
        METRICS.targetsFailed,
        a,
        'Targets (account, region) could not be worked on',
        'targets-failed',
      ),
    ),
    ...['start', 'stop'].map((a) =>
      runMetric(
        METRICS.eventsFailed,
        a,
        'Run events could not be sent to EventBridge',
        'events-failed',
      ),
    ),
    ...['start', 'stop'].map((a) =>
      runMetric(
        METRICS.runsRefused,
        a,
        'The blast-radius guard refused the run (nothing changed; a schedule may need confirmCount or a narrower selection)',
        'runs-refused',
      ),
    ),
    {
      ...failure,
      logicalId: 'AlarmHttpInternalErrors',
      name: `${service}-${stage}-http-internal-errors`,
      description: `The HTTP API answered 500 (an internal error, not a refusal) in ${service} (${stage}); the http function's log has the error under the request ID`,
      namespace,
      metricName: METRICS.httpInternalErrors,
      dimensions: { service, stage },
    },
  ];
  for (const { key, name: functionName } of inputs.functions) {
    for (const [metricName, what] of [
      ['Errors', 'The function failed (an error or a timeout, not a failed target)'],
      ['Throttles', 'Lambda throttled the function: a scheduled run may not have happened'],
    ] as const) {
      specs.push({
        ...failure,
        logicalId: `Alarm${pascal(key)}${metricName}`,
        name: `${functionName}-${metricName.toLowerCase()}`,
        description: `${what} (${functionName})`,
        namespace: 'AWS/Lambda',
        metricName,
        dimensions: { FunctionName: functionName },
      });
    }
  }
  if (inputs.deadLetterQueueName) {
    specs.push({
      ...failure,
      statistic: 'Maximum',
      logicalId: 'AlarmScheduleDeadLetters',
      name: `${service}-${stage}-schedule-dead-letters`,
      description: `EventBridge Scheduler could not invoke the function for a scheduled run: read the messages in ${inputs.deadLetterQueueName}`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: inputs.deadLetterQueueName },
    });
  }
  if (inputs.stateMachineLogicalId) {
    for (const [metricName, suffix, what] of [
      ['ExecutionsFailed', 'engine-failed', 'A run of the engine failed'],
      ['ExecutionsTimedOut', 'engine-timed-out', 'A run of the engine timed out'],
      ['ExecutionsAborted', 'engine-aborted', 'A run of the engine was stopped'],
    ] as const) {
      specs.push({
        ...failure,
        logicalId: `AlarmEngine${metricName}`,
        name: `${service}-${stage}-${suffix}`,
        description: `${what} (${service}, ${stage}): its execution history says at which state`,
        namespace: 'AWS/States',
        metricName,
        dimensions: {},
        dimensionRefs: { StateMachineArn: inputs.stateMachineLogicalId },
      });
    }
  }
  if (inputs.scheduleGroupName) {
    for (const [metricName, suffix, what] of SCHEDULER_DELIVERY_METRICS) {
      specs.push({
        ...failure,
        logicalId: `AlarmScheduler${metricName}`,
        name: `${service}-${stage}-${suffix}`,
        description: `${what} (schedule group ${inputs.scheduleGroupName}): the Scheduler's dead-letter messages and the function's logs say why`,
        namespace: 'AWS/Scheduler',
        metricName,
        dimensions: { ScheduleGroup: inputs.scheduleGroupName },
      });
    }
  }
  // EventBridge publishes FailedInvocations (AWS/Events, RuleName on the default bus) only when
  // it is not zero (EventBridge User Guide, "Monitoring Amazon EventBridge"): no data is OK.
  for (const ruleName of inputs.ruleNames ?? []) {
    specs.push({
      ...failure,
      logicalId: `AlarmRuleFailedInvocations${pascal(ruleName.replace(`${service}-${stage}-`, ''))}`,
      name: `${ruleName}-failed-invocations`,
      description: `EventBridge could not deliver events of rule ${ruleName} to its target (the topic or its key refused): those notifications are lost`,
      namespace: 'AWS/Events',
      metricName: 'FailedInvocations',
      dimensions: { RuleName: ruleName },
    });
  }
  for (const schedule of inputs.schedules.filter((s) => s.enabled)) {
    const period = heartbeatPeriodSeconds(schedule.expression);
    if (period === undefined) continue;
    specs.push({
      logicalId: `AlarmHeartbeat${pascal(schedule.name)}`,
      name: `${service}-${stage}-heartbeat-${schedule.name}`,
      description: `No run of schedule ${schedule.name} (${schedule.expression}) completed in ${period / 3600} h: it did not fire, or its run never finished`,
      namespace,
      metricName: METRICS.scheduledRunsCompleted,
      dimensions: { service, stage, schedule: schedule.name },
      statistic: 'Sum',
      periodSeconds: period,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparison: 'LessThanThreshold',
      // No datapoint is the failure, but not before the schedule has run once. A new alarm starts
      // in INSUFFICIENT_DATA and CloudWatch acts only on state changes; with missing data left
      // missing, an alarm whose whole evaluation range is missing goes to INSUFFICIENT_DATA
      // (CloudWatch User Guide, "Configuring how CloudWatch alarms treat missing data"). So a
      // deploy pages nobody, the first run sets it OK, and a silence after that (OK to
      // INSUFFICIENT_DATA) notifies the topic. A schedule that never completes a first run is
      // paged by the delivery alarms above, the engine's, or its functions' Errors.
      treatMissingData: 'missing',
      notifyInsufficientData: true,
    });
  }
  return specs;
}
