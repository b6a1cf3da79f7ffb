/**
 * createPolicyAuthorizer against the `test` stage as `sls package` generates it (packaged once
 * for the slow set, tests/helpers/packaged.ts) and target roles rendered from resources/target-account-role.yml.
 */
import type { AssumeRoleCheck, Ec2Check } from '../../scripts/shared/authorization';
import type { PackagedStage } from '../../scripts/shared/stack/package-stage';
import { type ResolvedStage, resolveStage } from '../../scripts/verify/execution-role';
import {
  createPolicyAuthorizer,
  type PolicyAuthorizer,
  PolicyEvaluationError,
  type PolicyWorld,
} from '../../scripts/verify/policy-authorizer';
import { packaged as packagedDocuments } from '../helpers/packaged';

const HOME = '111111111111';
const A = '222222222222';
const B = '333333333333';
const ORG = 'o-abcdefghij';
const EXTERNAL_ID = 'xacct-ec2-test-222222222222';
const TARGET_A = `arn:aws:iam::${A}:role/xacct-ec2-test-target`;
const TARGET_B = `arn:aws:iam::${B}:role/xacct-ec2-test-target`;
const INSTANCE = `arn:aws:ec2:eu-west-1:${A}:instance/i-0123456789abcdef0`;
const TAGGED = { 'xacct-ec2:managed': 'test' };
const ALLOW_ASSUME_ANY = {
  name: 'allow-assume-any',
  policy: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow' as const, Action: 'sts:AssumeRole', Resource: '*' }],
  },
};

let packaged: PackagedStage;
let stage: ResolvedStage;

beforeAll(async () => {
  packaged = await packagedDocuments({ stage: 'test' });
  stage = resolveStage(packaged, { accountId: HOME });
}, 120_000);

/** A: ExternalId and Organization required; B: neither (as the test stage configures B). */
function world(overrides: Partial<PolicyWorld> = {}): PolicyWorld {
  const common = {
    HomeAccountId: HOME,
    ExecutionRoleName: stage.executionRole.roleName,
    RoleName: stage.config.targetRoleName,
    ControlTagValue: stage.config.controlTagValue,
  };
  const regions = (account: string) =>
    stage.config.targets.find((t) => t.accountId === account)?.regions ?? [];
  return {
    stage: 'test',
    homeAccountId: HOME,
    targets: [
      {
        accountId: A,
        roleParameters: {
          ...common,
          Regions: regions(A),
          ExternalId: EXTERNAL_ID,
          OrganizationId: ORG,
        },
      },
      { accountId: B, roleParameters: { ...common, Regions: regions(B) } },
    ],
    organizations: { [HOME]: ORG },
    principals: [{ arn: `arn:aws:iam::${HOME}:role/ci`, identityPolicies: [ALLOW_ASSUME_ANY] }],
    ...overrides,
  };
}

function authorizer(overrides: Partial<PolicyWorld> = {}): PolicyAuthorizer {
  return createPolicyAuthorizer(world(overrides), { packaged });
}

function fromFunction(overrides: Partial<AssumeRoleCheck> = {}): AssumeRoleCheck {
  const fn = stage.functions[0];
  return {
    callerSessionArn: `arn:aws:sts::${HOME}:assumed-role/${stage.executionRole.roleName}/${fn?.name}`,
    callerRoleArn: stage.executionRole.roleArn,
    callerAccountId: HOME,
    ...(fn ? { sourceFunctionArn: fn.arn } : {}),
    targetRoleArn: TARGET_A,
    externalId: EXTERNAL_ID,
    ...overrides,
  };
}

function asTargetRole(overrides: Partial<Ec2Check> = {}): Ec2Check {
  return {
    callerSessionArn: `arn:aws:sts::${A}:assumed-role/xacct-ec2-test-target/xacct-ec2-test`,
    callerRoleArn: TARGET_A,
    accountId: A,
    region: 'eu-west-1',
    action: 'ec2:StartInstances',
    resourceArn: INSTANCE,
    resourceTags: TAGGED,
    ...overrides,
  };
}

describe('Function: createPolicyAuthorizer', () => {
  describe('authorizeAssumeRole', () => {
    it('allows the function with the ExternalId, naming both sides that allow it', async () => {
      // Prepare
      const subject = authorizer();

      // Act
      const decision = await subject.authorizeAssumeRole(fromFunction());

      // Assess
      expect(decision).toMatchObject({ allowed: true, result: 'Allowed' });
      expect(decision.explanation).toBe(
        `Allowed by identity policy "xacct-ec2-test-lambda" statement AssumeConfiguredTargetRoles and trust policy of ${TARGET_A} statement TrustOnlyTheExecutionRole`,
      );
    });

    it('denies on the identity side when the trust side allows: credentials used outside the function', async () => {
      // Prepare
      const { sourceFunctionArn: _fn, ...outside } = fromFunction();

      // Act
      const decision = await authorizer().authorizeAssumeRole(outside);

      // Assess
      expect(decision.result).toBe('ImplicitlyDenied');
      expect(decision.explanation).toContain(
        'AssumeConfiguredTargetRoles: condition lambda:SourceFunctionArn did not match',
      );
    });

    it('denies on the trust side when the identity side allows: another role with sts:AssumeRole on *', async () => {
      // Prepare
      const other = fromFunction({
        callerSessionArn: `arn:aws:sts::${HOME}:assumed-role/ci/build`,
        callerRoleArn: `arn:aws:iam::${HOME}:role/ci`,
      });

      // Act
      const decision = await authorizer().authorizeAssumeRole(other);

      // Assess
      expect(decision.result).toBe('ImplicitlyDenied');
      expect(decision.deciding).toEqual([
        expect.objectContaining({
          kind: 'trust',
          sid: 'TrustOnlyTheExecutionRole',
          effect: 'None',
        }),
      ]);
      expect(decision.explanation).toContain('condition aws:PrincipalArn did not match');
    });

    it.each([
      ['a wrong ExternalId', { externalId: 'guessed' }],
      ['no ExternalId', { externalId: undefined }],
    ])('denies %s by the RequireExternalId statement', async (_what, change) => {
      // Prepare
      const check = fromFunction(change);

      // Act
      const decision = await authorizer().authorizeAssumeRole(check);

      // Assess
      expect(decision.result).toBe('ExplicitlyDenied');
      expect(decision.explanation).toBe(
        `Explicitly denied by trust policy of ${TARGET_A} statement RequireExternalId`,
      );
    });

    it('denies a caller in another Organization by the RequireOrganization statement', async () => {
      // Prepare
      const check = fromFunction({ callerOrgId: 'o-zzzzzzzzzz' });

      // Act
      const decision = await authorizer().authorizeAssumeRole(check);

      // Assess
      expect(decision.result).toBe('ExplicitlyDenied');
      expect(decision.deciding).toEqual([expect.objectContaining({ sid: 'RequireOrganization' })]);
    });

    it('denies a caller whose account is in no Organization', async () => {
      // Prepare
      const subject = authorizer({ organizations: {} });

      // Act
      const decision = await subject.authorizeAssumeRole(fromFunction());

      // Assess
      expect(decision.result).toBe('ExplicitlyDenied');
      expect(decision.explanation).toContain('RequireOrganization');
    });

    it('allows a target without an ExternalId whatever the caller sends', async () => {
      // Prepare
      const check = fromFunction({ targetRoleArn: TARGET_B, externalId: 'anything' });

      // Act
      const decision = await authorizer().authorizeAssumeRole(check);

      // Assess
      expect(decision.allowed).toBe(true);
    });

    it('denies a role that does not exist in the world, as STS does', async () => {
      // Prepare
      const check = fromFunction({ targetRoleArn: `arn:aws:iam::${A}:role/missing` });

      // Act
      const decision = await authorizer().authorizeAssumeRole(check);

      // Assess
      expect(decision).toMatchObject({ allowed: false, result: 'ImplicitlyDenied' });
      expect(decision.explanation).toContain('no role');
    });

    it('denies through an SCP of the home account, naming the SCP and its statement', async () => {
      // Prepare
      const scp = {
        name: 'deny-cross-account.json',
        policy: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'NoAssumeRole',
              Effect: 'Deny' as const,
              Action: 'sts:AssumeRole',
              Resource: '*',
            },
          ],
        },
      };
      const subject = authorizer({ serviceControlPolicies: { [HOME]: [scp] } });

      // Act
      const decision = await subject.authorizeAssumeRole(fromFunction());

      // Assess
      expect(decision.result).toBe('ExplicitlyDenied');
      expect(decision.explanation).toBe(
        'Explicitly denied by SCP "deny-cross-account.json" statement NoAssumeRole',
      );
    });

    it('denies through a permission boundary that does not allow sts:AssumeRole', async () => {
      // Prepare
      const boundary = {
        name: 'logs-only.json',
        policy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow' as const, Action: 'logs:*', Resource: '*' }],
        },
      };
      const subject = authorizer({
        permissionBoundaries: { [stage.executionRole.roleArn]: boundary },
      });

      // Act
      const decision = await subject.authorizeAssumeRole(fromFunction());

      // Assess
      expect(decision.result).toBe('ImplicitlyDenied');
      expect(decision.deciding).toEqual([expect.objectContaining({ kind: 'boundary' })]);
    });
  });

  describe('authorizeEc2', () => {
    it.each([
      ['starts a control-tagged instance', {}, true],
      ['stops a control-tagged instance', { action: 'ec2:StopInstances' }, true],
      [
        'describes instances (resource *)',
        { action: 'ec2:DescribeInstances', resourceArn: '*' },
        true,
      ],
      ['does not start an untagged instance', { resourceTags: {} }, false],
      [
        'does not stop a wrongly tagged instance',
        { action: 'ec2:StopInstances', resourceTags: { 'xacct-ec2:managed': 'no' } },
        false,
      ],
      ['does not terminate', { action: 'ec2:TerminateInstances' }, false],
      ['does not create tags', { action: 'ec2:CreateTags' }, false],
    ])('%s', async (_what, change, allowed) => {
      // Prepare
      const check = asTargetRole(change);

      // Act
      const decision = await authorizer().authorizeEc2(check);

      // Assess
      expect(decision.allowed).toBe(allowed);
    });

    it('names the statement and the tag condition that did not match', async () => {
      // Prepare
      const check = asTargetRole({ resourceTags: {} });

      // Act
      const decision = await authorizer().authorizeEc2(check);

      // Assess
      expect(decision.explanation).toContain(
        'closest Allow StartStopControlTaggedInstances: condition aws:ResourceTag/xacct-ec2:managed did not match',
      );
    });

    it("does not let the execution role's own policies reach EC2", async () => {
      // Prepare
      const check = asTargetRole({
        callerSessionArn: `arn:aws:sts::${HOME}:assumed-role/${stage.executionRole.roleName}/fn`,
        callerRoleArn: stage.executionRole.roleArn,
      });

      // Act
      const decision = await authorizer().authorizeEc2(check);

      // Assess
      expect(decision.allowed).toBe(false);
    });
  });

  describe('evaluation problems surface', () => {
    it('throws when the simulator drops a context key that does not apply', async () => {
      // Prepare
      const check = {
        ...asTargetRole(),
        resourceAccountId: A,
        context: { 's3:prefix': 'home/' },
      };

      // Act
      const attempt = authorizer().authorizeRequest(check);

      // Assess
      await expect(attempt).rejects.toThrow(PolicyEvaluationError);
      await expect(authorizer().authorizeRequest(check)).rejects.toThrow(/dropped \(s3:prefix\)/);
    });

    it('throws on an action the simulator does not know', async () => {
      // Prepare
      const check = asTargetRole({ action: 'ec2:StartInstance' });

      // Act
      const attempt = authorizer().authorizeEc2(check);

      // Assess
      await expect(attempt).rejects.toThrow(/the simulator rejected ec2:StartInstance/);
    });

    it('refuses an execution role with a managed policy it cannot read', async () => {
      // Prepare
      const modified = structuredClone(packaged);
      const role = modified.template.Resources[stage.executionRole.logicalId];
      if (role?.Properties)
        role.Properties.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AdministratorAccess'];
      const subject = createPolicyAuthorizer(world(), { packaged: modified });

      // Act
      const attempt = subject.authorizeAssumeRole(fromFunction());

      // Assess
      await expect(attempt).rejects.toThrow(/cannot be evaluated offline/);
    });

    it('accepts a permission boundary by ARN once the world supplies its document', async () => {
      // Prepare
      const modified = structuredClone(packaged);
      const role = modified.template.Resources[stage.executionRole.logicalId];
      if (role?.Properties)
        role.Properties.PermissionsBoundary = 'arn:aws:iam::111111111111:policy/guard';
      const boundary = {
        name: 'guard.json',
        policy: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow' as const, Action: ['sts:AssumeRole', 'logs:*'], Resource: '*' },
          ],
        },
      };
      const without = createPolicyAuthorizer(world(), { packaged: modified });
      const withDocument = createPolicyAuthorizer(
        world({ permissionBoundaries: { [stage.executionRole.roleArn]: boundary } }),
        { packaged: modified },
      );

      // Act
      const refused = without.authorizeAssumeRole(fromFunction());
      const decision = await withDocument.authorizeAssumeRole(fromFunction());

      // Assess
      await expect(refused).rejects.toThrow(
        /attaches arn:aws:iam::111111111111:policy\/guard by ARN/,
      );
      expect(decision.allowed).toBe(true);
    });
  });
});

describe('Function: createPolicyAuthorizer, SourceIdentity', () => {
  /** The packaged stage with AssumeConfiguredTargetRoles as it was before sts:SetSourceIdentity. */
  function packagedWithoutSetSourceIdentity(): PackagedStage {
    const copy = structuredClone(packaged);
    const role = copy.template.Resources.IamRoleLambdaExecution as unknown as {
      Properties: {
        Policies: { PolicyDocument: { Statement: { Sid?: string; Action: unknown }[] } }[];
      };
    };
    const statement = role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement).find(
      (s) => s.Sid === 'AssumeConfiguredTargetRoles',
    );
    if (!statement) throw new Error('AssumeConfiguredTargetRoles is no longer in the template');
    statement.Action = 'sts:AssumeRole';
    return copy;
  }

  it('allows the function to send a SourceIdentity: both sides allow sts:SetSourceIdentity', async () => {
    // Act
    const decision = await authorizer().authorizeAssumeRole(
      fromFunction({ sourceIdentity: 'ops@alice' }),
    );

    // Assess
    expect(decision).toMatchObject({ allowed: true });
  });

  it("denies a SourceIdentity the execution role's own policy does not allow to set", async () => {
    // Prepare
    const subject = createPolicyAuthorizer(world(), {
      packaged: packagedWithoutSetSourceIdentity(),
    });

    // Act
    const withIdentity = await subject.authorizeAssumeRole(
      fromFunction({ sourceIdentity: 'direct' }),
    );
    const without = await subject.authorizeAssumeRole(fromFunction());

    // Assess
    expect(withIdentity).toMatchObject({ allowed: false });
    expect(withIdentity.explanation).toMatch(
      /^sts:SetSourceIdentity: Implicitly denied: .*identity policies/,
    );
    expect(without).toMatchObject({ allowed: true });
  });
});
