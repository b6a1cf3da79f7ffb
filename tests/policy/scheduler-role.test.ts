import type { ResolvedStage, SchedulerSide } from '../../scripts/lib/policies/execution-role';
import { checkSchedulerRole } from '../../scripts/lib/policies/static-checks';

const HOME = '111111111111';
const GROUP = 'xacct-ec2-prod';
const OWN_SCHEDULES = `arn:aws:scheduler:eu-west-1:${HOME}:schedule/${GROUP}/*`;

/** The scheduler side as verify reads it from the packaged stage (values evaluated). */
function aStage(condition: Record<string, Record<string, string>>, group = GROUP): ResolvedStage {
  const scheduler: SchedulerSide = {
    trustPolicy: {
      name: 'trust policy of SchedulerInvokeRole',
      source: 'scripts/lib/stage/schedule-resources.ts',
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
  StringEquals: { 'aws:SourceAccount': HOME },
  ArnLike: { 'aws:SourceArn': OWN_SCHEDULES },
};

describe('Function: checkSchedulerRole', () => {
  it('finds nothing when the role trusts only this account’s schedules of the stage group', () => {
    // Act
    const findings = checkSchedulerRole(aStage(AS_PACKAGED));

    // Assess
    expect(findings).toEqual([]);
  });

  it('names the statement when aws:SourceArn is dropped', () => {
    // Prepare
    const { ArnLike: _dropped, ...rest } = AS_PACKAGED;

    // Act
    const findings = checkSchedulerRole(aStage(rest));

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'SchedulesOfThisStage',
        hint: 'schedulerTrustTooWide',
        message: `trusts the scheduler for any schedule, not only the schedules of group ${GROUP}`,
      }),
    ]);
  });

  it('names the statement when aws:SourceArn admits every group', () => {
    // Act
    const findings = checkSchedulerRole(
      aStage({
        ...AS_PACKAGED,
        ArnLike: { 'aws:SourceArn': `arn:aws:scheduler:eu-west-1:${HOME}:schedule/*` },
      }),
    );

    // Assess
    expect(findings.map((f) => f.statement)).toEqual(['SchedulesOfThisStage']);
  });

  it('names the statement when aws:SourceAccount is dropped', () => {
    // Act
    const findings = checkSchedulerRole(aStage({ ArnLike: AS_PACKAGED.ArnLike }));

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'SchedulesOfThisStage',
        message: `trusts the scheduler without aws:SourceAccount = ${HOME}`,
      }),
    ]);
  });

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
