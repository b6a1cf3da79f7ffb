/**
 * The least permissions `npm run switch` needs for one stage, as an identity policy for the
 * operator's role (scripts/switch/README.md shows it rendered). sts:GetCallerIdentity needs
 * no permission (IAM cannot deny it), so it is not listed.
 */
import { pauseTagKeys } from '../../../handlers/formats/stage-pause';
import { engineStateMachineName } from '../engine/state-machine';
import { SCHEDULER_ROLE_LOGICAL_ID, scheduleGroupName } from '../schedules/schedule-resources';
import type { PolicyDocument } from './policy-document';

export interface OperatorScope {
  partition?: string;
  accountId: string;
  region: string;
  service: string;
  stage: string;
}

/**
 * The scheduler's invoke role has no RoleName, so CloudFormation names it
 * `<stack>-SchedulerInvokeRole-<suffix>`, the stack being osls's `<service>-<stage>`.
 */
export function schedulerRoleArnPattern(scope: OperatorScope): string {
  const partition = scope.partition ?? 'aws';
  return `arn:${partition}:iam::${scope.accountId}:role/${scope.service}-${scope.stage}-${SCHEDULER_ROLE_LOGICAL_ID}-*`;
}

export function switchOperatorPolicy(scope: OperatorScope): PolicyDocument {
  const partition = scope.partition ?? 'aws';
  const { accountId, region } = scope;
  const group = scheduleGroupName(scope);
  const engine = engineStateMachineName(scope.service, scope.stage);
  return {
    Version: '2012-10-17',
    Statement: [
      {
        // ListSchedules has no resource type: it can only be granted on "*".
        Sid: 'ListSchedules',
        Effect: 'Allow',
        Action: 'scheduler:ListSchedules',
        Resource: '*',
      },
      {
        Sid: 'ReadAndSwitchTheStageSchedules',
        Effect: 'Allow',
        Action: ['scheduler:GetSchedule', 'scheduler:UpdateSchedule'],
        Resource: `arn:${partition}:scheduler:${region}:${accountId}:schedule/${group}/*`,
      },
      {
        // UpdateSchedule passes the schedule's role again, unchanged.
        Sid: 'PassTheSchedulesRoleBack',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: schedulerRoleArnPattern(scope),
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
      {
        // The pause tags every run reads (handlers/formats/stage-pause.ts), and no other tag:
        // TagResource and UntagResource both take aws:TagKeys (Service Authorization Reference).
        Sid: 'SetTheStagePauseSwitch',
        Effect: 'Allow',
        Action: ['states:TagResource', 'states:UntagResource'],
        Resource: `arn:${partition}:states:${region}:${accountId}:stateMachine:${engine}`,
        Condition: {
          'ForAllValues:StringEquals': {
            'aws:TagKeys': Object.values(pauseTagKeys(scope.service)),
          },
        },
      },
      {
        Sid: 'FindRunningEngineRuns',
        Effect: 'Allow',
        Action: 'states:ListExecutions',
        Resource: `arn:${partition}:states:${region}:${accountId}:stateMachine:${engine}`,
      },
      {
        Sid: 'StopEngineRuns',
        Effect: 'Allow',
        Action: 'states:StopExecution',
        Resource: `arn:${partition}:states:${region}:${accountId}:execution:${engine}:*`,
      },
    ],
  };
}
