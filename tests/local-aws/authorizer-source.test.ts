import path from 'node:path';
import {
  AuthorizerUnavailableError,
  loadAuthorizer,
  loadSeedFile,
  policyWorldFromSeed,
} from '../../scripts/local-aws';
import { REPO_ROOT } from '../../scripts/shared/repo-root';

describe('loadAuthorizer', () => {
  const context = { seed: loadSeedFile(), repoRoot: REPO_ROOT };

  it('builds the Authorizer from a module exporting createAuthorizer', async () => {
    // Act
    const authorizer = await loadAuthorizer(
      path.join(__dirname, 'fake-authorizer-module.ts'),
      context,
    );

    // Assess
    const decision = await authorizer.authorizeEc2({
      callerSessionArn: 'arn:aws:sts::222222222222:assumed-role/xacct-ec2-local-target/s',
      callerRoleArn: 'arn:aws:iam::222222222222:role/xacct-ec2-local-target',
      accountId: '222222222222',
      region: 'eu-west-1',
      action: 'ec2:DescribeInstances',
      resourceArn: '*',
      resourceTags: {},
    });
    expect(decision.allowed).toBe(true);
  });

  it('says clearly when the module does not exist', async () => {
    // Act
    const failure = loadAuthorizer(path.join(__dirname, 'no-such-authorizer.ts'), context);

    // Assess
    await expect(failure).rejects.toThrow(AuthorizerUnavailableError);
    await expect(failure).rejects.toThrow(/No authorizer module at .*no-such-authorizer\.ts/);
  });

  it('refuses a module without a factory', async () => {
    // Act
    const failure = loadAuthorizer(path.join(__dirname, 'local-aws-fixture.ts'), context);

    // Assess
    await expect(failure).rejects.toThrow(
      /exports no createPolicyAuthorizer, createAuthorizer or default factory/,
    );
  });
});

describe('policyWorldFromSeed', () => {
  it('gives the policy authorizer the stage, home account and each deployed target role', () => {
    // Act
    const world = policyWorldFromSeed(loadSeedFile());

    // Assess
    expect(world).toMatchObject({
      stage: 'local',
      homeAccountId: '111111111111',
      region: 'eu-west-1',
    });
    expect(world.targets.map((target) => target.accountId)).toEqual([
      '222222222222',
      '333333333333',
      '444444444444',
    ]);
    expect(world.targets[1]?.roleParameters).toEqual({
      HomeAccountId: '111111111111',
      ExecutionRoleName: 'xacct-ec2-local-eu-west-1-exec',
      OrganizationId: 'o-a1b2c3d4e5',
      ControlTagKey: 'xacct-ec2:managed',
      ControlTagValue: 'local',
      Regions: ['eu-central-1'],
      RoleName: 'xacct-ec2-local-target',
    });
    expect(world.organizations['111111111111']).toBe('o-a1b2c3d4e5');
  });
});
