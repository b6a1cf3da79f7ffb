/**
 * The CloudFormation that makes a failed night heard, per stage: a customer-managed KMS key and
 * the SNS topic it encrypts, the alarms (alarms.ts) that publish to it, an example EventBridge
 * rule that forwards failed runs to it, the schedules' dead-letter queue and retry policy, and a
 * dashboard. Wired into serverless.yml `resources:` by resources/home-stack/stage-config.cjs (signalsResources).
 * Nothing here calls AWS.
 */
import {
  DETAIL_TYPES,
  eventSource,
  METRICS,
  metricsNamespace,
} from '../../../handlers/signals/contract';
import { scheduledInput } from '../../../handlers/signals/schedule-input';
import {
  ACCOUNT,
  type CfnResources,
  type CfnValue,
  getAtt,
  join,
  PARTITION,
  REGION,
  ref,
} from '../cfn';
import { STARTER } from '../engine/engine-schedules';
import { type AlarmSpec, alarmSpecs } from './alarms';

export interface SignalsInputs {
  service: string;
  stage: string;
  functions: Array<{ key: string; name: string }>;
  schedules: Array<{ name: string; expression: string; enabled: boolean; request: unknown }>;
  /** Subscribes this address to the topic (it must confirm); none when empty. */
  alarmEmail?: string;
  /** The engine's state machine, alarmed on failed, timed-out and stopped executions. */
  stateMachineLogicalId?: string;
  /** The stage's schedule group (resources/home-stack/schedules/schedule-resources.ts), alarmed on undelivered runs. */
  scheduleGroupName: string;
}

export const LOGICAL_IDS = {
  key: 'SignalsKey',
  keyAlias: 'SignalsKeyAlias',
  topic: 'SignalsTopic',
  topicPolicy: 'SignalsTopicPolicy',
  emailSubscription: 'SignalsEmailSubscription',
  failedRunsRule: 'SignalsFailedRunsRule',
  deadLetterQueue: 'ScheduleDeadLetterQueue',
  deadLetterPolicy: 'SchedulerDeadLetterPolicy',
  deadLetterQueuePolicy: 'ScheduleDeadLetterQueuePolicy',
  asyncInvokeConfig: 'InstancesAsyncInvokeConfig',
  starterAsyncInvokeConfig: 'EngineStartAsyncInvokeConfig',
  dashboard: 'SignalsDashboard',
  /** Declared by scheduleResources in resources/home-stack/stage-config.cjs. */
  schedulerRole: 'SchedulerInvokeRole',
  /** osls's logical ID of the scheduled function. */
  scheduledFunction: 'InstancesLambdaFunction',
} as const;

/**
 * Retries of a schedule that could not invoke the function (Lambda throttled or unavailable).
 * Bounded by age, not only count: a replay an hour late could start instances outside their
 * window, so after 15 minutes the run goes to the dead-letter queue (and its alarm) instead.
 */
export const SCHEDULE_RETRY_POLICY = { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 900 };

/**
 * The function itself is invoked asynchronously by the Scheduler; Lambda would retry a run that
 * threw twice, up to six hours later. A run that threw is reported by the Errors alarm instead.
 */
export const ASYNC_INVOKE = { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 900 };

/**
 * The engine's starter may be retried (Lambda's two retries come within minutes): a retry of a
 * run already started finds its name taken. But not after 15 minutes, for the same reason.
 */
export const STARTER_ASYNC_INVOKE = { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 };

/** 14 days, SQS's longest: time to read what was not delivered. */
const DEAD_LETTER_RETENTION_SECONDS = 1_209_600;

const deadLetterQueueName = (service: string, stage: string) =>
  `${service}-${stage}-schedule-dlq`.slice(0, 80);

const failedRunsRuleName = (service: string, stage: string) =>
  `${service}-${stage}-failed-runs`.slice(0, 64);

/** What each schedule's Target gets beside Arn and RoleArn (resources/home-stack/stage-config.cjs). */
export function scheduleTargetSignals(schedule: { name: string; request: unknown }) {
  return {
    Input: JSON.stringify(scheduledInput(schedule.name, schedule.request)),
    RetryPolicy: SCHEDULE_RETRY_POLICY,
    DeadLetterConfig: { Arn: getAtt(LOGICAL_IDS.deadLetterQueue, 'Arn') },
  };
}

/** CloudWatch and EventBridge publish to the encrypted topic, so they must use its key. */
function keyPolicy(): CfnValue {
  const publisher = (sid: string, service: string) => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: service },
    Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    Resource: '*',
  });
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountAdministersTheKey',
        Effect: 'Allow',
        Principal: { AWS: join('arn:', PARTITION, ':iam::', ACCOUNT, ':root') },
        Action: 'kms:*',
        Resource: '*',
      },
      publisher('CloudWatchAlarmsPublish', 'cloudwatch.amazonaws.com'),
      publisher('EventBridgeRulesPublish', 'events.amazonaws.com'),
    ],
  };
}

function topicPolicy(ruleArn: CfnValue): CfnValue {
  const topic = ref(LOGICAL_IDS.topic);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountManagesTheTopic',
        Effect: 'Allow',
        Principal: { AWS: join('arn:', PARTITION, ':iam::', ACCOUNT, ':root') },
        Action: [
          'sns:GetTopicAttributes',
          'sns:SetTopicAttributes',
          'sns:Subscribe',
          'sns:ListSubscriptionsByTopic',
          'sns:Publish',
        ],
        Resource: topic,
      },
      {
        Sid: 'CloudWatchAlarmsOfThisAccountPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topic,
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
      },
      {
        Sid: 'TheFailedRunsRulePublishes',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topic,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      },
    ],
  };
}

/** Failed runs of this stage: one message per run, naming the failed targets. */
export function failedRunsPattern(service: string, stage: string) {
  return {
    source: [eventSource(service)],
    'detail-type': [DETAIL_TYPES.runSummary],
    detail: { stage: [stage], outcome: ['failed'] },
  };
}

function alarmResource(spec: AlarmSpec): CfnResources[string] {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: spec.name,
      AlarmDescription: spec.description,
      Namespace: spec.namespace,
      MetricName: spec.metricName,
      Dimensions: [
        ...Object.entries(spec.dimensions).map(([Name, Value]) => ({ Name, Value })),
        ...Object.entries(spec.dimensionRefs ?? {}).map(([Name, id]) => ({ Name, Value: ref(id) })),
      ],
      Statistic: spec.statistic,
      Period: spec.periodSeconds,
      EvaluationPeriods: spec.evaluationPeriods,
      DatapointsToAlarm: spec.datapointsToAlarm,
      Threshold: spec.threshold,
      ComparisonOperator: spec.comparison,
      TreatMissingData: spec.treatMissingData,
      AlarmActions: [ref(LOGICAL_IDS.topic)],
      OKActions: [ref(LOGICAL_IDS.topic)],
      ...(spec.notifyInsufficientData ? { InsufficientDataActions: [ref(LOGICAL_IDS.topic)] } : {}),
    },
  };
}

const REGION_MARK = '@@REGION@@';

/** The dashboard body as JSON, with the region left to CloudFormation. */
function dashboardBody(service: string, stage: string): CfnValue {
  const namespace = metricsNamespace(service);
  const actions = ['start', 'stop', 'status'];
  // One dashboard metric line: the run metric of one action, with the run dimensions.
  const metricLine = (metric: string, action: string, stat: string, label: string) => [
    namespace,
    metric,
    'service',
    service,
    'stage',
    stage,
    'action',
    action,
    { stat, label },
  ];
  const byAction = (metric: string, stat = 'Sum') =>
    actions.map((action) => metricLine(metric, action, stat, action));
  const widget = (
    title: string,
    metrics: unknown[],
    x: number,
    y: number,
    view = 'timeSeries',
  ) => ({
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, view, region: REGION_MARK, period: 300, stacked: false, metrics },
  });
  const outcomes = ['start', 'stop'].flatMap((action) =>
    [
      METRICS.resourcesChanged,
      METRICS.resourcesFailed,
      METRICS.resourcesSkipped,
      METRICS.resourcesNotProcessed,
    ].map((metric) =>
      metricLine(metric, action, 'Sum', `${action} ${metric.replace('Resources', '')}`),
    ),
  );
  const refusedRuns = ['start', 'stop'].map((action) =>
    metricLine(METRICS.runsRefused, action, 'Sum', `${action} refused`),
  );
  const body = JSON.stringify({
    widgets: [
      widget('Runs by action', [...byAction(METRICS.runsCompleted), ...refusedRuns], 0, 0),
      widget('Resource outcomes by action', outcomes, 12, 0),
      widget('Failed targets by action', byAction(METRICS.targetsFailed), 0, 6),
      widget('Run duration (ms, max)', byAction(METRICS.runDuration, 'Maximum'), 12, 6),
    ],
  });
  const [before = '', ...rest] = body.split(REGION_MARK);
  return join(before, ...rest.flatMap((part) => [REGION, part]));
}

export function signalsResources(inputs: SignalsInputs): { Resources: CfnResources } {
  const { service, stage } = inputs;
  const hasSchedules = inputs.schedules.length > 0;
  const queueName = deadLetterQueueName(service, stage);
  const topic = ref(LOGICAL_IDS.topic);
  const resources: CfnResources = {
    [LOGICAL_IDS.key]: {
      Type: 'AWS::KMS::Key',
      Properties: {
        Description: `Encrypts the ${service}-${stage} signals topic; CloudWatch and EventBridge may use it to publish`,
        EnableKeyRotation: true,
        KeyPolicy: keyPolicy(),
      },
    },
    [LOGICAL_IDS.keyAlias]: {
      Type: 'AWS::KMS::Alias',
      Properties: {
        AliasName: `alias/${service}-${stage}-signals`,
        TargetKeyId: ref(LOGICAL_IDS.key),
      },
    },
    [LOGICAL_IDS.topic]: {
      Type: 'AWS::SNS::Topic',
      Properties: {
        TopicName: `${service}-${stage}-signals`,
        DisplayName: `${service} ${stage} alarms`,
        KmsMasterKeyId: ref(LOGICAL_IDS.key),
      },
    },
    [LOGICAL_IDS.topicPolicy]: {
      Type: 'AWS::SNS::TopicPolicy',
      Properties: {
        Topics: [topic],
        PolicyDocument: topicPolicy(getAtt(LOGICAL_IDS.failedRunsRule, 'Arn')),
      },
    },
    [LOGICAL_IDS.failedRunsRule]: {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: failedRunsRuleName(service, stage),
        Description: `Example: forwards ${service} ${stage} runs with failures to the signals topic`,
        EventBusName: 'default',
        State: 'ENABLED',
        EventPattern: failedRunsPattern(service, stage),
        Targets: [{ Id: 'signals-topic', Arn: topic }],
      },
    },
    [LOGICAL_IDS.asyncInvokeConfig]: {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: ref(LOGICAL_IDS.scheduledFunction),
        Qualifier: '$LATEST',
        ...ASYNC_INVOKE,
      },
    },
    [LOGICAL_IDS.starterAsyncInvokeConfig]: {
      Type: 'AWS::Lambda::EventInvokeConfig',
      Properties: {
        FunctionName: ref(STARTER.logicalId),
        Qualifier: '$LATEST',
        ...STARTER_ASYNC_INVOKE,
      },
    },
    [LOGICAL_IDS.dashboard]: {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        // Dashboard names are account-wide (IAM's dashboard/${DashboardName} ARN has no region):
        // the region in the name lets the same stage deploy to a second region.
        DashboardName: { 'Fn::Sub': `${service}-${stage}-\${AWS::Region}` },
        DashboardBody: dashboardBody(service, stage),
      },
    },
  };
  if (inputs.alarmEmail) {
    resources[LOGICAL_IDS.emailSubscription] = {
      Type: 'AWS::SNS::Subscription',
      Properties: { Protocol: 'email', Endpoint: inputs.alarmEmail, TopicArn: topic },
    };
  }
  if (hasSchedules) {
    resources[LOGICAL_IDS.deadLetterQueue] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: queueName,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: DEAD_LETTER_RETENTION_SECONDS,
      },
    };
    // Undelivered runs name instances and callers: nothing reads or writes them without TLS.
    resources[LOGICAL_IDS.deadLetterQueuePolicy] = {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [ref(LOGICAL_IDS.deadLetterQueue)],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyWithoutTls',
              Effect: 'Deny',
              Principal: '*',
              Action: 'sqs:*',
              Resource: getAtt(LOGICAL_IDS.deadLetterQueue, 'Arn'),
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            },
          ],
        },
      },
    };
    resources[LOGICAL_IDS.deadLetterPolicy] = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'send-undelivered-runs-to-dead-letter-queue',
        Roles: [ref(LOGICAL_IDS.schedulerRole)],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'sqs:SendMessage',
              Resource: getAtt(LOGICAL_IDS.deadLetterQueue, 'Arn'),
            },
          ],
        },
      },
    };
  }
  const specs = alarmSpecs({
    service,
    stage,
    functions: inputs.functions,
    schedules: inputs.schedules,
    ...(hasSchedules
      ? { deadLetterQueueName: queueName, scheduleGroupName: inputs.scheduleGroupName }
      : {}),
    ruleNames: [failedRunsRuleName(service, stage)],
    ...(inputs.stateMachineLogicalId
      ? { stateMachineLogicalId: inputs.stateMachineLogicalId }
      : {}),
  });
  for (const spec of specs) resources[spec.logicalId] = alarmResource(spec);
  return { Resources: resources };
}
