/**
 * EventBridge Scheduler schedules and their own invoke-only role.
 *
 * Declared here rather than as osls `schedule` events: in `method: scheduler` mode osls adds
 * scheduler.amazonaws.com to the execution role's trust, and a role that reaches other accounts
 * must not be assumable by another service.
 */
import type { ScheduleConfig, StageConfig } from '../../../handlers/config/stage-config';
import type { CfnResource, CfnValue, PolicyDocument } from './cfn';

/** The function that schedules invoke (its logical ID follows osls's naming). */
export const SCHEDULED_FUNCTION = { key: 'instances', logicalId: 'InstancesLambdaFunction' };

export const SCHEDULER_ROLE_LOGICAL_ID = 'SchedulerInvokeRole';

/** Who may assume the scheduler's role: EventBridge Scheduler, for this account's schedules. */
export const SCHEDULER_TRUST_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    },
  ],
};

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

export function scheduleLogicalId(schedule: ScheduleConfig): string {
  return `Schedule${schedule.name.replace(/[^0-9A-Za-z]/g, '')}`;
}

export function scheduleResources(
  config: StageConfig,
  { service, stage }: ServiceNames,
): { Resources: Record<string, CfnResource> } {
  if (config.schedules.length === 0) return { Resources: {} };

  const functionArn = { 'Fn::GetAtt': [SCHEDULED_FUNCTION.logicalId, 'Arn'] };
  const resources: Record<string, CfnResource> = {
    [SCHEDULER_ROLE_LOGICAL_ID]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: `Lets EventBridge Scheduler invoke ${service}-${stage}-${SCHEDULED_FUNCTION.key}, and nothing else`,
        AssumeRolePolicyDocument: SCHEDULER_TRUST_POLICY as unknown as CfnValue,
        Policies: [
          {
            PolicyName: 'invoke-scheduled-function',
            PolicyDocument: schedulerInvokePolicy(functionArn) as unknown as CfnValue,
          },
        ],
      },
    },
  };

  for (const schedule of config.schedules) {
    resources[scheduleLogicalId(schedule)] = {
      Type: 'AWS::Scheduler::Schedule',
      Properties: {
        Name: `${service}-${stage}-${schedule.name}`.slice(0, 64),
        Description: `${schedule.request.action} on ${schedule.expression} (${schedule.timezone})`,
        ScheduleExpression: schedule.expression,
        ScheduleExpressionTimezone: schedule.timezone,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: schedule.enabled ? 'ENABLED' : 'DISABLED',
        Target: {
          Arn: functionArn,
          RoleArn: { 'Fn::GetAtt': [SCHEDULER_ROLE_LOGICAL_ID, 'Arn'] },
          Input: JSON.stringify(schedule.request),
          // A scheduled run that failed is reported in its result; replaying it later could
          // start instances outside their window, so the schedule does not retry.
          RetryPolicy: { MaximumRetryAttempts: 0 },
        },
      },
    };
  }
  return { Resources: resources };
}
