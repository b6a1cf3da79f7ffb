/**
 * The example guardrails in resources/: what they block, what they leave alone, decided by the
 * same evaluator verify uses (Strict mode: a context key the simulator ignores is an error).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NamedPolicy, PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { simulate } from '../../scripts/verify/simulate';

const TARGET = '222222222222';
const HOME = '111111111111';
const INSTANCE = `arn:aws:ec2:eu-west-1:${TARGET}:instance/i-0123456789abcdef0`;
const CONTROL_TAG = 'xacct-ec2:managed';

function scp(file: string): NamedPolicy {
  const policy = JSON.parse(readFileSync(path.join(REPO_ROOT, 'resources', file), 'utf8'));
  return { name: file, source: `resources/${file}`, policy: policy as PolicyDocument };
}

/** A principal whose own policy allows everything: only the SCP can stop it. */
const allowAll: NamedPolicy = {
  name: 'AdministratorAccess',
  source: 'test',
  policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
};

/** AWS attaches FullAWSAccess beside every SCP unless removed; the SCP only subtracts. */
const fullAwsAccess: NamedPolicy = { ...allowAll, name: 'FullAWSAccess' };

const session = (account: string, role: string) => `arn:aws:sts::${account}:assumed-role/${role}/s`;

function tagRequest(
  principalRole: string,
  action: 'ec2:CreateTags' | 'ec2:DeleteTags',
  context: Record<string, string | string[]>,
) {
  return simulate({
    principal: session(TARGET, principalRole),
    action,
    resourceArn: INSTANCE,
    resourceAccountId: TARGET,
    context: {
      'aws:PrincipalArn': `arn:aws:iam::${TARGET}:role/${principalRole}`,
      'aws:RequestedRegion': 'eu-west-1',
      ...context,
    },
    identityPolicies: [allowAll],
    serviceControlPolicies: [fullAwsAccess, scp('scp-target-control-tag.json')],
  });
}

describe('Guardrail: resources/scp-target-control-tag.json', () => {
  it('denies a non-admin principal adding the control tag, naming the statement', async () => {
    // Act
    const decision = await tagRequest('developer', 'ec2:CreateTags', {
      'aws:TagKeys': [CONTROL_TAG],
      [`aws:RequestTag/${CONTROL_TAG}`]: 'prod',
    });

    // Assess
    expect(decision.result).toBe('ExplicitlyDenied');
    expect(decision.explanation).toContain('DenyControlTagChangesExceptTagAdmin');
  });

  it('denies a non-admin principal removing the control tag, or every tag at once', async () => {
    // Act
    const named = await tagRequest('developer', 'ec2:DeleteTags', { 'aws:TagKeys': [CONTROL_TAG] });
    const all = await tagRequest('developer', 'ec2:DeleteTags', {});

    // Assess
    expect(named.result).toBe('ExplicitlyDenied');
    expect(all.result).toBe('ExplicitlyDenied');
    expect(all.explanation).toContain('DenyDeletingAllTagsExceptTagAdmin');
  });

  it('denies a non-admin principal launching an instance with the control tag', async () => {
    // Act
    const decision = await tagRequest('developer', 'ec2:CreateTags', {
      'aws:TagKeys': [CONTROL_TAG, 'Name'],
      [`aws:RequestTag/${CONTROL_TAG}`]: 'prod',
      'ec2:CreateAction': 'RunInstances',
    });

    // Assess
    expect(decision.result).toBe('ExplicitlyDenied');
  });

  it('leaves the tag admin allowed, and other tags to everyone', async () => {
    // Act
    const admin = await tagRequest('xacct-ec2-tag-admin', 'ec2:CreateTags', {
      'aws:TagKeys': [CONTROL_TAG],
      [`aws:RequestTag/${CONTROL_TAG}`]: 'prod',
    });
    const otherTag = await tagRequest('developer', 'ec2:CreateTags', {
      'aws:TagKeys': ['Name'],
      'aws:RequestTag/Name': 'web',
    });

    // Assess
    expect(admin.result).toBe('Allowed');
    expect(otherTag.result).toBe('Allowed');
  });
});

describe('Guardrail: resources/scp-target-control-tag.json against a control tag in another case', () => {
  // IAM matches the key of aws:ResourceTag/<key> (and ec2:ResourceTag/<key>) without regard to
  // case, so an instance tagged XACCT-EC2:MANAGED=prod satisfies the target role's condition on
  // xacct-ec2:managed: every case of the key must be kept from non-admins, not only the exact one.
  it.each(['XACCT-EC2:MANAGED', 'Xacct-Ec2:Managed', 'xacct-ec2:MANAGED'])(
    'denies a non-admin adding, removing or launching with %s',
    async (key) => {
      // Act
      const add = await tagRequest('developer', 'ec2:CreateTags', {
        'aws:TagKeys': [key],
        [`aws:RequestTag/${key}`]: 'prod',
      });
      const remove = await tagRequest('developer', 'ec2:DeleteTags', { 'aws:TagKeys': [key] });
      const launch = await tagRequest('developer', 'ec2:CreateTags', {
        'aws:TagKeys': ['Name', key],
        [`aws:RequestTag/${key}`]: 'prod',
        'ec2:CreateAction': 'RunInstances',
      });

      // Assess
      expect([add.result, remove.result, launch.result]).toEqual([
        'ExplicitlyDenied',
        'ExplicitlyDenied',
        'ExplicitlyDenied',
      ]);
    },
  );

  it('leaves owner-set tags under the same prefix (a snooze tag) to everyone', async () => {
    // Act
    const snooze = await tagRequest('developer', 'ec2:CreateTags', {
      'aws:TagKeys': ['xacct-ec2:snooze-until'],
      'aws:RequestTag/xacct-ec2:snooze-until': '2026-12-24T08:00:00Z',
    });
    const unsnooze = await tagRequest('developer', 'ec2:DeleteTags', {
      'aws:TagKeys': ['XACCT-EC2:SNOOZE-UNTIL'],
    });

    // Assess
    expect([snooze.result, unsnooze.result]).toEqual(['Allowed', 'Allowed']);
  });
});

describe('Guardrail: resources/scp-home-deployment.json', () => {
  const change = (principalRole: string, action: string, resourceArn: string) =>
    simulate({
      principal: session(HOME, principalRole),
      action,
      resourceArn,
      resourceAccountId: HOME,
      context: {
        'aws:PrincipalArn': `arn:aws:iam::${HOME}:role/${principalRole}`,
        'aws:RequestedRegion': 'eu-west-1',
      },
      identityPolicies: [allowAll],
      serviceControlPolicies: [fullAwsAccess, scp('scp-home-deployment.json')],
    });

  it('denies anyone but the deploy role changing the execution role or the functions', async () => {
    // Act
    const trust = await change(
      'developer',
      'iam:UpdateAssumeRolePolicy',
      `arn:aws:iam::${HOME}:role/xacct-ec2-prod-eu-west-1-exec`,
    );
    const code = await change(
      'developer',
      'lambda:UpdateFunctionConfiguration',
      `arn:aws:lambda:eu-west-1:${HOME}:function:xacct-ec2-prod-instances`,
    );

    // Assess
    expect(trust.result).toBe('ExplicitlyDenied');
    expect(trust.explanation).toContain('ProtectTheServiceRolesExceptDeployRole');
    expect(code.result).toBe('ExplicitlyDenied');
    expect(code.explanation).toContain('ProtectTheFunctionsExceptDeployRole');
  });

  it('leaves the deploy role allowed, and other functions to everyone', async () => {
    // Act
    const deployer = await change(
      'xacct-ec2-deployer',
      'lambda:UpdateFunctionCode',
      `arn:aws:lambda:eu-west-1:${HOME}:function:xacct-ec2-prod-instances`,
    );
    const other = await change(
      'developer',
      'lambda:UpdateFunctionCode',
      `arn:aws:lambda:eu-west-1:${HOME}:function:billing-report`,
    );

    // Assess
    expect(deployer.result).toBe('Allowed');
    expect(other.result).toBe('Allowed');
  });
});
