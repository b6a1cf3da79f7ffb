import { parseStageConfig, type StageConfig } from '../../handlers/config/stage-config';
import { runtimeEnvironment } from '../../scripts/lib/stage/runtime-environment';
import {
  SCHEDULER_TRUST_POLICY,
  scheduleResources,
} from '../../scripts/lib/stage/schedule-resources';
import { targetRoleArns } from '../../scripts/lib/stage/target-role-arns';
import { TEST_CONFIG } from '../helpers/config';

function aStageConfig(schedules: unknown[]): StageConfig {
  const parsed = parseStageConfig({ ...TEST_CONFIG, schedules });
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

  it('gives the schedules their own invoke-only role, trusted by this account’s scheduler', () => {
    // Prepare
    const config = aStageConfig([
      {
        name: 'weekday-evening-stop',
        expression: 'cron(0 19 ? * MON-FRI *)',
        timezone: 'Europe/Berlin',
        enabled: false,
        request: { action: 'stop', hibernate: true },
      },
    ]);

    // Act
    const { Resources } = scheduleResources(config, NAMES);

    // Assess
    expect(Object.keys(Resources).sort()).toEqual([
      'SchedulerInvokeRole',
      'Scheduleweekdayeveningstop',
    ]);
    expect(Resources.SchedulerInvokeRole?.Properties.AssumeRolePolicyDocument).toEqual(
      SCHEDULER_TRUST_POLICY,
    );
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
        Input: JSON.stringify({ action: 'stop', hibernate: true }),
        RetryPolicy: { MaximumRetryAttempts: 0 },
      },
    });
  });
});

describe('Function: targetRoleArns and runtimeEnvironment', () => {
  it('lists exactly the configured roles and writes the config without schedules', () => {
    // Prepare
    const config = aStageConfig([]);

    // Act
    const arns = targetRoleArns(config);
    const environment = JSON.parse(runtimeEnvironment('test', config));

    // Assess
    expect(arns).toEqual(
      ['222222222222', '333333333333'].map((account) => ({
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:role/xacct-ec2-target`],
        ],
      })),
    );
    expect(environment).toEqual(TEST_CONFIG);
  });

  it('refuses a configuration too large for the Lambda environment, naming the field', () => {
    // Prepare
    const many = Array.from({ length: 60 }, (_, i) => ({
      accountId: String(100000000000 + i),
      externalId: 'x'.repeat(60),
      regions: ['eu-west-1'],
    }));
    const parsed = parseStageConfig({ ...TEST_CONFIG, targets: many });
    if (!parsed.ok) throw new Error('expected a valid config');

    // Act / Assess
    expect(() => runtimeEnvironment('test', parsed.value)).toThrow(/params\.targets: .*4 KB/);
  });
});
