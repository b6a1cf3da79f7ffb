import { stageNames } from '../../handlers/formats/names';
import type { ResolvedStage } from '../../scripts/verify/execution-role';
import { checkStageIsolation } from '../../scripts/verify/stage-isolation';

const SHARED = '222222222222';

/** A resolved stage as verify sees it, with the names serverless.yml derives for it by default. */
function aStage(
  stage: string,
  targets: Array<{ accountId: string; externalId?: string }>,
  overrides: Partial<ResolvedStage['config']> = {},
): ResolvedStage {
  const { targetRoleName, controlTagKey, controlTagValue } = stageNames('xacct-ec2', stage);
  return {
    stage,
    executionRole: { roleArn: `arn:aws:iam::111111111111:role/xacct-ec2-${stage}-eu-west-1-exec` },
    config: {
      targetRoleName,
      controlTagKey,
      controlTagValue,
      targets: targets.map((t) => ({ ...t, regions: ['eu-west-1'] })),
      ...overrides,
    },
  } as unknown as ResolvedStage;
}

describe('Function: checkStageIsolation', () => {
  it('finds nothing when every stage keeps its derived names in a shared account', () => {
    // Prepare
    const stages = ['dev', 'test', 'prod', 'local'].map((s) =>
      aStage(s, [{ accountId: SHARED, externalId: `xacct-ec2-${s}-${SHARED}` }]),
    );

    // Act
    const findings = checkStageIsolation(stages);

    // Assess
    expect(findings).toEqual([]);
  });

  it('names both stages when they share a role with different execution roles', () => {
    // Prepare: dev set to prod's role name (the old fixed xacct-ec2-target has the same effect)
    const prod = aStage('prod', [{ accountId: SHARED, externalId: 'p' }], {
      controlTagValue: 'prod',
    });
    const dev = aStage('dev', [{ accountId: SHARED, externalId: 'p' }], {
      targetRoleName: 'xacct-ec2-prod-target',
    });

    // Act
    const findings = checkStageIsolation([prod, dev]);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        stages: ['prod', 'dev'],
        statement: 'TrustOnlyTheExecutionRole',
        hint: 'stagesShareTargetRole',
        message: expect.stringMatching(
          /^stages prod and dev both use role xacct-ec2-prod-target in account 222222222222 with different execution roles/,
        ),
      }),
    ]);
  });

  it('names both stages when they share a role with the same execution role but other ExternalIds', () => {
    // Prepare
    const a = aStage('a', [{ accountId: SHARED, externalId: 'one' }]);
    const b = {
      ...aStage('b', [{ accountId: SHARED, externalId: 'two' }], {
        targetRoleName: 'xacct-ec2-a-target',
      }),
      executionRole: a.executionRole,
    } as ResolvedStage;

    // Act
    const [finding] = checkStageIsolation([a, b]);

    // Assess
    expect(finding?.message).toMatch(/^stages a and b both use role .* with different ExternalIds/);
  });

  it('names both stages when their control tags overlap in a shared account', () => {
    // Prepare: test kept the tag of the old defaults, and so did prod
    const old = { controlTagValue: 'true' };
    const prod = aStage('prod', [{ accountId: SHARED }], old);
    const test = aStage('test', [{ accountId: '333333333333' }, { accountId: SHARED }], old);

    // Act
    const findings = checkStageIsolation([prod, test]);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        stages: ['prod', 'test'],
        statement: 'StartStopControlTaggedInstances',
        hint: 'stagesShareControlTag',
        message:
          "stages prod and test both act on instances tagged xacct-ec2:managed=true in account 222222222222; either stage starts and stops the other's instances",
      }),
    ]);
  });

  it('allows the same names in accounts no two stages share', () => {
    // Prepare
    const same = { targetRoleName: 'xacct-ec2-target', controlTagValue: 'true' };
    const stages = [
      aStage('prod', [{ accountId: '222222222222' }], same),
      aStage('dev', [{ accountId: '333333333333' }], same),
    ];

    // Act
    const findings = checkStageIsolation(stages);

    // Assess
    expect(findings).toEqual([]);
  });
});
