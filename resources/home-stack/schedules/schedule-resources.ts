/**
 * EventBridge Scheduler schedules and their own invoke-only role.
 *
 * Declared here rather than as osls `schedule` events: in `method: scheduler` mode osls adds
 * scheduler.amazonaws.com to the execution role's trust, and a role that reaches other accounts
 * must not be assumable by another service.
 */
import type { ScheduleConfig, StageConfig } from '../../../handlers/config/stage-config';
import type { CfnResource, CfnValue, PolicyDocument } from '../cfn';
import { STARTER, starterInput } from '../engine/engine-schedules';
import { scheduleTargetSignals } from '../signals/resources';

/**
 * The function the schedules invoke, by `params.scheduledRuns` (logical IDs follow osls's
 * naming): the engine's starter by default, the instances function for a small fleet
 * (schedule-paths.ts says which, and refuses a fleet one invocation cannot hold).
 */
export const SCHEDULED_FUNCTIONS = {
  engine: STARTER,
  'single-invocation': { key: 'instances', logicalId: 'InstancesLambdaFunction' },
} as const;

export const SCHEDULER_ROLE_LOGICAL_ID = 'SchedulerInvokeRole';

export const SCHEDULE_GROUP_LOGICAL_ID = 'ScheduleGroup';

/** The stage's own schedule group: its schedules, and only they, may use the invoke role. */
export function scheduleGroupName({ service, stage }: ServiceNames): string {
  return `${service}-${stage}`;
}

/**
 * ARN of the stage's schedule group: what EventBridge Scheduler sends as aws:SourceArn when it
 * assumes a schedule's execution role. AWS documents the group, never a schedule, as the value to
 * scope to (Scheduler User Guide, "Cross-service confused deputy prevention", changed 2023-09-07;
 * aws-cdk-lib aws-scheduler-targets writes the same `schedule-group/<name>`). A trust that names
 * `schedule/<group>/*` is refused by STS, so no schedule would ever invoke its target.
 */
export function scheduleGroupArn(group: string): CfnValue {
  // Fn::Join rather than Fn::Sub: osls would read `${AWS::Region}` in a returned string as a variable.
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':scheduler:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:schedule-group/${group}`,
      ],
    ],
  };
}

/**
 * Who may assume the scheduler's role: EventBridge Scheduler, for this account's schedules in
 * this stage's group (another group's schedules, or another service's, cannot borrow it). Both
 * keys are exact values (StringEquals), as aws-cdk-lib's scheduler targets write them.
 */
export function schedulerTrustPolicy(group: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'SchedulesOfThisStage',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: {
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
            'aws:SourceArn': scheduleGroupArn(group),
          },
        },
      },
    ],
  };
}

/** What the scheduler's role may do: invoke the scheduled function, nothing else. */
export function schedulerInvokePolicy(functionArn: CfnValue): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: functionArn }],
  };
}

export interface ServiceNames {
  service: string;
  stage: string;
}

/** EventBridge Scheduler's limit on a schedule's name (CreateSchedule, `Name`: 1-64). */
export const MAX_SCHEDULE_NAME_LENGTH = 64;

/**
 * A schedule's name in AWS, `<service>-<stage>-<name>`. Never cut: a cut name could equal
 * another's, so packaging refuses one over the limit instead (schedule-checks.ts).
 */
export function scheduleNameFor({ service, stage }: ServiceNames, name: string): string {
  return `${service}-${stage}-${name}`;
}

/**
 * `Schedule` and the name's letters and digits. Names that differ only in punctuation or case
 * would share it: packaging refuses them (schedule-checks.ts), so each ID is one schedule's.
 */
export function scheduleLogicalId(schedule: Pick<ScheduleConfig, 'name'>): string {
  return `Schedule${schedule.name.replace(/[^0-9A-Za-z]/g, '')}`;
}

export function scheduleResources(
  config: StageConfig,
  { service, stage }: ServiceNames,
): { Resources: Record<string, CfnResource> } {
  if (config.schedules.length === 0) return { Resources: {} };

  const scheduled = SCHEDULED_FUNCTIONS[config.scheduledRuns];
  const functionArn = { 'Fn::GetAtt': [scheduled.logicalId, 'Arn'] };
  const group = scheduleGroupName({ service, stage });
  const resources: Record<string, CfnResource> = {
    [SCHEDULE_GROUP_LOGICAL_ID]: {
      Type: 'AWS::Scheduler::ScheduleGroup',
      Properties: { Name: group },
    },
    [SCHEDULER_ROLE_LOGICAL_ID]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `Lets EventBridge Scheduler invoke ${service}-${stage}-${scheduled.key}, and nothing else`,
        AssumeRolePolicyDocument: schedulerTrustPolicy(group),
        Policies: [
          {
            PolicyName: 'invoke-scheduled-function',
            PolicyDocument: schedulerInvokePolicy(functionArn),
          },
        ],
      },
    },
  };

  for (const schedule of config.schedules) {
    const logicalId = scheduleLogicalId(schedule);
    const name = scheduleNameFor({ service, stage }, schedule.name);
    // schedule-checks.ts refuses both at package time; this keeps any other caller honest.
    if (resources[logicalId] || name.length > MAX_SCHEDULE_NAME_LENGTH) {
      throw new Error(
        `schedule "${schedule.name}": ${logicalId} is taken or "${name}" is too long`,
      );
    }
    resources[logicalId] = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: name,
        // Ref of a ScheduleGroup is its name; it also orders the group before its schedules.
        GroupName: { Ref: SCHEDULE_GROUP_LOGICAL_ID },
        Description: `${schedule.request.action} on ${schedule.expression} (${schedule.timezone})`,
        ScheduleExpression: schedule.expression,
        ScheduleExpressionTimezone: schedule.timezone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: schedule.enabled ? 'ENABLED' : 'DISABLED',
        Target: {
          Arn: functionArn,
          RoleArn: { 'Fn::GetAtt': [SCHEDULER_ROLE_LOGICAL_ID, 'Arn'] },
          // Input (the request wrapped with the schedule's name), RetryPolicy and dead-letter
          // queue: resources/home-stack/signals/resources.ts says why.
          ...scheduleTargetSignals(schedule),
          // The starter names the run after the schedule and its time (engine-schedules.ts).
          ...(config.scheduledRuns === 'engine' ? { Input: starterInput(schedule) } : {}),
        },
      },
    };
  }
  return { Resources: resources };
}
