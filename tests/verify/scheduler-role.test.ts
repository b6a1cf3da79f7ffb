import type { ResolvedStage, SchedulerSide } from '../../scripts/verify/execution-role';
import { checkSchedulerRole } from '../../scripts/verify/static-checks';

const HOME = '111111111111';
const GROUP = 'xacct-ec2-prod';
/**
 * What EventBridge Scheduler sends as aws:SourceArn when it assumes a schedule's role: the
 * schedule GROUP's ARN (Scheduler User Guide, "Cross-service confused deputy prevention", since
 * 2023-09-07; aws-cdk-lib aws-scheduler-targets writes `schedule-group/<name>` the same way).
 */
const AWS_DOCUMENTED_SOURCE_ARN = `arn:aws:scheduler:eu-west-1:${HOME}:schedule-group/${GROUP}`;

/** The scheduler side as verify reads it from the packaged stage (values evaluated). */
function aStage(condition: Record<string, Record<string, string>>, group = GROUP): ResolvedStage {
  const scheduler: SchedulerSide = {
    roleArn: `arn:aws:iam::${HOME}:role/xacct-ec2-prod-SchedulerInvokeRole-ABCDEFGHIJKL`,
    policies: [],
    trustPolicy: {
      name: 'trust policy of SchedulerInvokeRole',
      source: 'resources/home-stack/schedules/schedule-resources.ts',
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'SchedulesOfThisStage',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: condition,
          },
        ],
      },
    },
    groups: [GROUP],
    schedules: [{ name: 'xacct-ec2-prod-weekday-evening-stop', group }],
  };
  return {
    stage: 'prod',
    partition: 'aws',
    region: 'eu-west-1',
    homeAccountId: HOME,
    scheduler,
  } as unknown as ResolvedStage;
}

const AS_PACKAGED = {
  StringEquals: { 'aws:SourceAccount': HOME, 'aws:SourceArn': AWS_DOCUMENTED_SOURCE_ARN },
};

describe('Function: checkSchedulerRole', () => {
  it('finds nothing when the role trusts only this account’s schedules of the stage group', () => {
    // Act
    const findings = checkSchedulerRole(aStage(AS_PACKAGED));

    // Assess
    expect(findings).toEqual([]);
  });

  it('names the statement when aws:SourceArn is dropped', () => {
    // Act
    const findings = checkSchedulerRole(aStage({ StringEquals: { 'aws:SourceAccount': HOME } }));

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'SchedulesOfThisStage',
        hint: 'schedulerTrustTooWide',
        message: `trusts the scheduler for any schedule, not only the schedule group ${AWS_DOCUMENTED_SOURCE_ARN}`,
      }),
    ]);
  });

  it('names the statement when aws:SourceArn admits every group', () => {
    // Act
    const findings = checkSchedulerRole(
      aStage({
        StringEquals: { 'aws:SourceAccount': HOME },
        ArnLike: { 'aws:SourceArn': `arn:aws:scheduler:eu-west-1:${HOME}:schedule-group/*` },
      }),
    );

    // Assess
    expect(findings.map((f) => f.statement)).toEqual(['SchedulesOfThisStage']);
  });

  it('names the statement when aws:SourceAccount is dropped', () => {
    // Act
    const findings = checkSchedulerRole(
      aStage({ StringEquals: { 'aws:SourceArn': AWS_DOCUMENTED_SOURCE_ARN } }),
    );

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'SchedulesOfThisStage',
        message: `trusts the scheduler without aws:SourceAccount = ${HOME}`,
      }),
    ]);
  });

  it.each([
    ['the group’s schedules', `arn:aws:scheduler:eu-west-1:${HOME}:schedule/${GROUP}/*`],
    ['one schedule', `arn:aws:scheduler:eu-west-1:${HOME}:schedule/${GROUP}/xacct-ec2-prod-stop`],
  ])(
    'fails a trust that names %s: Scheduler sends the group ARN, so STS would refuse every run',
    (_, scheduleArn) => {
      // Act
      const findings = checkSchedulerRole(
        aStage({
          StringEquals: { 'aws:SourceAccount': HOME },
          ArnLike: { 'aws:SourceArn': scheduleArn },
        }),
      );

      // Assess
      expect(findings).toEqual([
        expect.objectContaining({
          statement: 'SchedulesOfThisStage',
          hint: 'schedulerTrustNeverMatches',
          message: `names schedules (${scheduleArn}) as aws:SourceArn, but EventBridge Scheduler sends the schedule-group ARN (${AWS_DOCUMENTED_SOURCE_ARN}): STS would refuse every scheduled run`,
        }),
      ]);
    },
  );

  it('names a schedule left in the default group', () => {
    // Act
    const findings = checkSchedulerRole(aStage(AS_PACKAGED, 'default'));

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'xacct-ec2-prod-weekday-evening-stop',
        hint: 'schedulerTrustTooWide',
      }),
    ]);
  });
});
