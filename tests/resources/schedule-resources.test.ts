import { parseStageConfig, type StageConfig } from '../../handlers/config/stage-config';
import { scheduleResources } from '../../resources/home-stack/schedules/schedule-resources';
import { TEST_CONFIG } from '../helpers/config';

function aStageConfig(schedules: unknown[], scheduledRuns?: string): StageConfig {
  const parsed = parseStageConfig({
    ...TEST_CONFIG,
    schedules,
    ...(scheduledRuns ? { scheduledRuns } : {}),
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
}

const NAMES = { service: 'xacct-ec2', stage: 'test' };

describe('Function: scheduleResources', () => {
  it('declares nothing, not even the role, for a stage without schedules', () => {
    // Act
    const resources = scheduleResources(aStageConfig([]), NAMES);

    // Assess
    expect(resources).toEqual({ Resources: {} });
  });

  it('gives the schedules their own group and invoke-only role, trusted by this account’s scheduler for that group only', () => {
    // Prepare: a small fleet that chose the single invocation.
    const config = aStageConfig(
      [
        {
          name: 'weekday-evening-stop',
          expression: 'cron(0 19 ? * MON-FRI *)',
          timezone: 'Europe/Berlin',
          enabled: false,
          request: { action: 'stop', hibernate: true },
        },
      ],
      'single-invocation',
    );

    // Act
    const { Resources } = scheduleResources(config, NAMES);

    // Assess
    expect(Object.keys(Resources).sort()).toEqual([
      'ScheduleGroup',
      'SchedulerInvokeRole',
      'Scheduleweekdayeveningstop',
    ]);
    expect(Resources.ScheduleGroup).toEqual({
      Type: 'AWS::Scheduler::ScheduleGroup',
      Properties: { Name: 'xacct-ec2-test' },
    });
    expect(Resources.Scheduleweekdayeveningstop?.Properties.GroupName).toEqual({
      Ref: 'ScheduleGroup',
    });
    expect(Resources.SchedulerInvokeRole?.Properties.AssumeRolePolicyDocument).toEqual({
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
              // The schedule-group ARN, as EventBridge Scheduler sends it (Scheduler User Guide,
              // "Cross-service confused deputy prevention"; aws-cdk-lib aws-scheduler-targets).
              'aws:SourceArn': {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':scheduler:',
                    { Ref: 'AWS::Region' },
                    ':',
                    { Ref: 'AWS::AccountId' },
                    ':schedule-group/xacct-ec2-test',
                  ],
                ],
              },
            },
          },
        },
      ],
    });
    expect(Resources.SchedulerInvokeRole?.Properties.Policies).toEqual([
      {
        PolicyName: 'invoke-scheduled-function',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'lambda:InvokeFunction',
              Resource: { 'Fn::GetAtt': ['InstancesLambdaFunction', 'Arn'] },
            },
          ],
        },
      },
    ]);
    expect(Resources.Scheduleweekdayeveningstop?.Properties).toMatchObject({
      Name: 'xacct-ec2-test-weekday-evening-stop',
      State: 'DISABLED',
      Target: {
        // The request travels with the schedule's name and scheduled time (for the signals).
        Input: JSON.stringify({
          schedule: {
            name: 'weekday-evening-stop',
            scheduledTime: '<aws.scheduler.scheduled-time>',
          },
          request: { action: 'stop', hibernate: true },
        }),
        // Retried only while a replay is still inside the schedule's window, then dead-lettered.
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 900 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ScheduleDeadLetterQueue', 'Arn'] } },
      },
    });
  });
});
