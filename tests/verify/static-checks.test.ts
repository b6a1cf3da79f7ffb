import { statementsOf } from '../../resources/home-stack/roles/policy-document';
import type { ExecutionRole } from '../../scripts/verify/execution-role';
import {
  checkExecutionRole,
  checkGuardrail,
  checkTargetRole,
} from '../../scripts/verify/static-checks';
import { renderTargetRole } from '../../scripts/verify/target-role';
import { dropPermissionCondition, dropTrustCondition, targetTemplate } from './documents';

const PARAMS = {
  HomeAccountId: '111111111111',
  ExecutionRoleName: 'xacct-ec2-test-eu-west-1-exec',
  ExternalId: 'ext-123',
  RoleName: 'xacct-ec2-test-target',
  ControlTagValue: 'test',
  Regions: ['eu-west-1'],
  OrganizationId: 'o-abcdefghij',
  KmsKeyArns: ['arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
};

function render(template = targetTemplate()) {
  return renderTargetRole(PARAMS, { accountId: '222222222222', template });
}

describe('Function: checkTargetRole', () => {
  it('finds nothing wrong with the template as it deploys, every option on', () => {
    // Prepare
    const role = render();

    // Act
    const findings = checkTargetRole(role);

    // Assess
    expect(findings).toEqual([]);
  });

  it('flags a trust of the account root without the aws:PrincipalArn condition', () => {
    // Prepare
    const role = render(dropTrustCondition(targetTemplate(), 'TrustOnlyTheExecutionRole'));

    // Act
    const findings = checkTargetRole(role);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        source: 'resources/target-account-role.yml TargetRole.AssumeRolePolicyDocument',
        statement: 'TrustOnlyTheExecutionRole',
        hint: 'trustTooWide',
      }),
    ]);
  });

  it('flags a "*" principal in the trust policy', () => {
    // Prepare
    const role = render();
    const [trust] = statementsOf(role.trustPolicy.policy);
    if (trust) trust.Principal = { AWS: '*' };

    // Act
    const findings = checkTargetRole(role);

    // Assess
    expect(findings.map((f) => f.hint)).toContain('wildcardPrincipal');
  });

  it('flags start/stop without the tag condition', () => {
    // Prepare
    const role = render(
      dropPermissionCondition(targetTemplate(), 'StartStopControlTaggedInstances'),
    );

    // Act
    const findings = checkTargetRole(role);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'StartStopControlTaggedInstances',
        hint: 'controlTagNotEnforced',
      }),
    ]);
  });

  it('flags an action outside describe/start/stop/CreateGrant, and a wildcard action that starts untagged', () => {
    // Prepare
    const role = render();
    const [policy] = role.permissionPolicies;
    const statements = statementsOf(policy?.policy ?? { Statement: [] });
    statements.push({
      Sid: 'Extra',
      Effect: 'Allow',
      Action: ['ec2:CreateTags', 'ec2:Start*'],
      Resource: '*',
    });

    // Act
    const findings = checkTargetRole(role);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'Extra',
        message: 'allows actions outside the intended set: ec2:CreateTags, ec2:Start*',
        hint: 'targetRoleTooPowerful',
      }),
      // ec2:Start* matches ec2:StartInstances: a pattern is held to the tag condition too.
      expect.objectContaining({
        statement: 'Extra',
        message: 'allows start/stop without a resource-tag condition',
        hint: 'controlTagNotEnforced',
      }),
    ]);
  });

  it('flags a CreateGrant that is not limited to AWS resources', () => {
    // Prepare
    const role = render();
    const kms = role.permissionPolicies.find(
      (p) => p.name === 'create-grants-for-encrypted-volumes',
    );
    const [grant] = statementsOf(kms?.policy ?? { Statement: [] });
    if (grant) delete grant.Condition;

    // Act
    const findings = checkTargetRole(role);

    // Assess: one finding per missing condition, each naming the statement
    expect(findings.map((f) => f.message)).toEqual([
      'allows kms:CreateGrant without kms:GrantIsForAWSResource',
      'allows kms:CreateGrant without kms:ViaService',
      'allows kms:CreateGrant without kms:GrantOperations',
      'allows kms:CreateGrant without kms:EncryptionContextKeys',
    ]);
    expect(findings).toEqual(
      findings.map(() =>
        expect.objectContaining({ statement: 'CreateGrantForEc2Only', hint: 'kmsGrantTooWide' }),
      ),
    );
  });

  it.each([
    [
      'kms:GrantOperations',
      'ForAllValues:StringEquals',
      'allows kms:CreateGrant without kms:GrantOperations',
    ],
    [
      'kms:EncryptionContextKeys',
      'ForAllValues:StringEquals',
      'allows kms:CreateGrant without kms:EncryptionContextKeys',
    ],
    [
      'kms:GrantOperations',
      'Null',
      'conditions kms:CreateGrant on kms:grantoperations without a Null check, so a grant without it passes',
    ],
    [
      'kms:EncryptionContextKeys',
      'Null',
      'conditions kms:CreateGrant on kms:encryptioncontextkeys without a Null check, so a grant without it passes',
    ],
  ])('names CreateGrantForEc2Only when %s is dropped from its %s block', (key, block, message) => {
    // Prepare
    const role = render();
    const kms = role.permissionPolicies.find(
      (p) => p.name === 'create-grants-for-encrypted-volumes',
    );
    const [grant] = statementsOf(kms?.policy ?? { Statement: [] });
    const condition = grant?.Condition as Record<string, Record<string, unknown>>;
    delete condition[block]?.[key];

    // Act
    const findings = checkTargetRole(role);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'CreateGrantForEc2Only',
        message,
        hint: 'kmsGrantTooWide',
      }),
    ]);
  });

  it('names CreateGrantForEc2Only when kms:ViaService is widened to every region', () => {
    // Prepare
    const role = render();
    const kms = role.permissionPolicies.find(
      (p) => p.name === 'create-grants-for-encrypted-volumes',
    );
    const [grant] = statementsOf(kms?.policy ?? { Statement: [] });
    const condition = grant?.Condition as Record<string, Record<string, unknown>>;
    delete condition.StringEquals;
    condition.StringLike = { 'kms:ViaService': 'ec2.*.amazonaws.com' };

    // Act
    const findings = checkTargetRole(role);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'CreateGrantForEc2Only',
        message:
          "allows kms:CreateGrant through ec2.*.amazonaws.com: name each region's EC2 endpoint",
      }),
    ]);
  });

  it('names DenyOutsideTheStageRegions when the region condition is dropped', () => {
    // Prepare
    const role = render();
    const regions = role.permissionPolicies.find((p) => p.name === 'only-in-the-stage-regions');
    const [deny] = statementsOf(regions?.policy ?? { Statement: [] });
    if (deny) delete deny.Condition;

    // Act
    const findings = checkTargetRole(role);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'DenyOutsideTheStageRegions',
        hint: 'regionsNotEnforced',
        message:
          'ec2:DescribeInstances, ec2:StartInstances, ec2:StopInstances are not limited to the stage regions by aws:RequestedRegion',
      }),
    ]);
  });
});

describe('Function: checkGuardrail', () => {
  it('accepts a well-formed SCP and reports a malformed one', () => {
    // Prepare
    const good = {
      name: 'deny.json',
      source: '--scp',
      policy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny' as const, Action: 'ec2:*', Resource: '*' }],
      },
    };
    const bad = {
      ...good,
      name: 'bad.json',
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Deny' as const }] },
    };

    // Act
    const findings = [...checkGuardrail(good, 'scp'), ...checkGuardrail(bad, 'scp')];

    // Assess
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.policy === 'bad.json' && f.hint === 'malformedPolicy')).toBe(
      true,
    );
  });
});

describe('Function: checkExecutionRole, run events', () => {
  const DEFAULT_BUS = 'arn:aws:events:eu-west-1:111111111111:event-bus/default';

  function executionRole(eventsResource: string | string[]): ExecutionRole {
    const statement = (sid: string, action: string, resource: string | string[]) => ({
      Sid: sid,
      Effect: 'Allow' as const,
      Action: action,
      Resource: resource,
    });
    return {
      logicalId: 'IamRoleLambdaExecution',
      roleName: 'xacct-ec2-test-eu-west-1-exec',
      roleArn: 'arn:aws:iam::111111111111:role/xacct-ec2-test-eu-west-1-exec',
      trustPolicy: {
        name: 'trust',
        source: 'serverless.yml',
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'lambda.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        },
      },
      policies: [
        {
          name: 'xacct-ec2-test-lambda',
          source: 'serverless.yml provider.iam.role',
          policy: {
            Version: '2012-10-17',
            Statement: [statement('PutRunEventsOnDefaultBus', 'events:PutEvents', eventsResource)],
          },
        },
      ],
      managedPolicyArns: [],
    };
  }

  it("accepts events:PutEvents on the role's own default bus", () => {
    // Prepare
    const role = executionRole(DEFAULT_BUS);

    // Act
    const findings = checkExecutionRole(role);

    // Assess
    expect(findings).toEqual([]);
  });

  it.each([
    ['every bus', '*'],
    ['a pattern of buses', 'arn:aws:events:eu-west-1:111111111111:event-bus/*'],
    ['another bus', 'arn:aws:events:eu-west-1:111111111111:event-bus/orders'],
    ["another account's default bus", 'arn:aws:events:eu-west-1:999999999999:event-bus/default'],
  ])('flags events:PutEvents widened to %s', (_what, resource) => {
    // Prepare
    const role = executionRole([DEFAULT_BUS, resource]);

    // Act
    const findings = checkExecutionRole(role);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'PutRunEventsOnDefaultBus',
        message: `allows events:PutEvents on ${resource}, not only this account's default event bus`,
        hint: 'executionRoleTooPowerful',
      }),
    ]);
  });

  it('flags events:* as an action outside the intended set', () => {
    // Prepare
    const role = executionRole(DEFAULT_BUS);
    const [policy] = role.policies;
    const [statement] = policy ? statementsOf(policy.policy) : [];
    if (statement) statement.Action = 'events:*';

    // Act
    const findings = checkExecutionRole(role);

    // Assess
    expect(findings.map((f) => f.message)).toEqual([
      'allows actions outside the intended set: events:*',
    ]);
  });
});
