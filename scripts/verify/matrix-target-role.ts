/**
 * Cases for the assumed target role: describe and tagged start/stop are allowed, untagged or
 * wrongly tagged instances and every other action are not; kms:CreateGrant only for EC2.
 */

import type { HintId } from './hints';
import { type Expected, INSTANCE_ID, type MatrixCase, otherValue, sessionArn } from './matrix-case';
import type { LoadedWorld } from './policy-authorizer';
import type { RenderedTargetRole } from './target-role';

export function ec2Cases(
  loaded: LoadedWorld,
  role: RenderedTargetRole,
  region: string,
  firstRegion: boolean,
): MatrixCase[] {
  const { stage } = loaded;
  const { controlTagKey: key, controlTagValue: value } = stage.config;
  const account = role.accountId;
  const instance = `arn:${stage.partition}:ec2:${region}:${account}:instance/${INSTANCE_ID}`;
  const session = sessionArn(role.roleArn, `${stage.service}-${stage.stage}`);
  const tagged = { [key]: value };
  const request = (
    id: string,
    title: string,
    action: string,
    expected: Expected,
    tags: Record<string, string> | undefined,
    ifAllowed: HintId,
    resource = instance,
  ): MatrixCase => ({
    id,
    title,
    target: account,
    principal: 'target role session',
    action,
    resource,
    expected,
    ifAllowed,
    ifDenied: 'ec2',
    run: (a) =>
      resource === '*'
        ? a.authorizeEc2({
            callerSessionArn: session,
            callerRoleArn: role.roleArn,
            accountId: account,
            region,
            action,
            resourceArn: resource,
            resourceTags: {},
          })
        : a.authorizeRequest({
            callerSessionArn: session,
            callerRoleArn: role.roleArn,
            action,
            resourceArn: resource,
            resourceAccountId: account,
            region,
            ...(tags ? { resourceTags: tags } : {}),
          }),
  });
  const cases: MatrixCase[] = [
    request(
      'ec2/describe',
      'describe instances',
      'ec2:DescribeInstances',
      'Allowed',
      undefined,
      'targetRoleTooPowerful',
      '*',
    ),
  ];
  for (const action of ['ec2:StartInstances', 'ec2:StopInstances']) {
    const verb = action === 'ec2:StartInstances' ? 'start' : 'stop';
    cases.push(
      request(
        `ec2/${verb}-tagged`,
        `${verb} a control-tagged instance`,
        action,
        'Allowed',
        tagged,
        'controlTagNotEnforced',
      ),
      request(
        `ec2/${verb}-untagged`,
        `${verb} an instance without the control tag`,
        action,
        'Denied',
        {},
        'controlTagNotEnforced',
      ),
      request(
        `ec2/${verb}-wrong-tag`,
        `${verb} an instance with another tag value`,
        action,
        'Denied',
        { [key]: otherValue(value) },
        'controlTagNotEnforced',
      ),
    );
  }
  if (!firstRegion) return cases;
  // A region the stage does not work in for this account: nothing may happen there.
  const regions = stage.config.targets.find((t) => t.accountId === account)?.regions ?? [region];
  const outside = OUTSIDE_REGIONS.find((r) => !regions.includes(r)) ?? 'ap-south-1';
  const outsideInstance = `arn:${stage.partition}:ec2:${outside}:${account}:instance/${INSTANCE_ID}`;
  for (const [action, verb] of [
    ['ec2:StartInstances', 'start'],
    ['ec2:StopInstances', 'stop'],
  ] as const) {
    cases.push({
      ...request(
        `ec2/${verb}-outside-regions`,
        `${verb} a control-tagged instance outside the stage regions (${outside})`,
        action,
        'Denied',
        tagged,
        'regionsNotEnforced',
        outsideInstance,
      ),
      run: (a) =>
        a.authorizeRequest({
          callerSessionArn: session,
          callerRoleArn: role.roleArn,
          action,
          resourceArn: outsideInstance,
          resourceAccountId: account,
          region: outside,
          resourceTags: tagged,
        }),
    });
  }
  cases.push({
    ...request(
      'ec2/describe-outside-regions',
      `describe instances outside the stage regions (${outside})`,
      'ec2:DescribeInstances',
      'Denied',
      undefined,
      'regionsNotEnforced',
      '*',
    ),
    run: (a) =>
      a.authorizeEc2({
        callerSessionArn: session,
        callerRoleArn: role.roleArn,
        accountId: account,
        region: outside,
        action: 'ec2:DescribeInstances',
        resourceArn: '*',
        resourceTags: {},
      }),
  });
  // Actions the role was never meant to have, on a control-tagged instance.
  const forbidden: [string, string][] = [
    ['ec2:TerminateInstances', 'terminate'],
    ['ec2:CreateTags', 'tag an instance into scope'],
    ['ec2:DeleteTags', 'remove tags'],
    ['ec2:RunInstances', 'launch an instance'],
    ['ec2:ModifyInstanceAttribute', 'modify an instance'],
  ];
  for (const [action, title] of forbidden) {
    cases.push(
      request(`forbidden/${action}`, title, action, 'Denied', tagged, 'targetRoleTooPowerful'),
    );
  }
  const iam = (action: string, title: string, resource: string): MatrixCase => ({
    ...request(
      `forbidden/${action}`,
      title,
      action,
      'Denied',
      undefined,
      'targetRoleTooPowerful',
      resource,
    ),
  });
  cases.push(
    iam('iam:PassRole', 'pass a role', `arn:${stage.partition}:iam::${account}:role/admin`),
    iam('iam:CreateUser', 'create a user', `arn:${stage.partition}:iam::${account}:user/intruder`),
  );
  return cases;
}

/** Regions to pick "a region the stage does not use" from. */
export const OUTSIDE_REGIONS = ['ap-south-1', 'sa-east-1', 'ca-central-1'];

/** The grant EC2 asks for when it starts an instance with encrypted volumes. */
const EC2_GRANT = {
  'kms:GrantIsForAWSResource': 'true',
  'kms:GrantOperations': ['Decrypt'],
  'kms:EncryptionContextKeys': ['aws:ebs:id'],
};

export function kmsCases(role: RenderedTargetRole, keyArn: string, region: string): MatrixCase[] {
  const account = role.accountId;
  const session = sessionArn(role.roleArn, 'kms');
  const grant = (
    id: string,
    title: string,
    expected: Expected,
    resource: string,
    context: Record<string, string | string[]>,
  ): MatrixCase => ({
    id,
    title,
    target: account,
    principal: 'target role session',
    action: 'kms:CreateGrant',
    resource,
    expected,
    ifAllowed: 'kmsGrantTooWide',
    ifDenied: 'kms',
    run: (a) =>
      a.authorizeRequest({
        callerSessionArn: session,
        callerRoleArn: role.roleArn,
        action: 'kms:CreateGrant',
        resourceArn: resource,
        resourceAccountId: account,
        region,
        context,
      }),
  });
  const ec2 = `ec2.${region}.amazonaws.com`;
  const otherKey = keyArn.replace(/key\/.*$/, 'key/ffffffff-ffff-4fff-bfff-ffffffffffff');
  return [
    grant('kms/grant-for-ec2', 'grant for EC2 to decrypt volumes', 'Allowed', keyArn, {
      ...EC2_GRANT,
      'kms:ViaService': ec2,
    }),
    grant('kms/grant-more-operations', 'grant for EC2 that also encrypts', 'Denied', keyArn, {
      ...EC2_GRANT,
      'kms:GrantOperations': ['Decrypt', 'Encrypt', 'CreateGrant'],
      'kms:ViaService': ec2,
    }),
    grant(
      'kms/grant-without-context',
      'grant for EC2 without an encryption context',
      'Denied',
      keyArn,
      {
        'kms:GrantIsForAWSResource': 'true',
        'kms:GrantOperations': ['Decrypt'],
        'kms:ViaService': ec2,
      },
    ),
    grant(
      'kms/grant-other-region',
      'grant through EC2 outside the stage regions',
      'Denied',
      keyArn,
      { ...EC2_GRANT, 'kms:ViaService': 'ec2.ap-south-1.amazonaws.com' },
    ),
    grant(
      'kms/grant-not-for-aws-resource',
      'grant for direct use (not an AWS resource)',
      'Denied',
      keyArn,
      { ...EC2_GRANT, 'kms:GrantIsForAWSResource': 'false', 'kms:ViaService': ec2 },
    ),
    grant('kms/grant-via-other-service', 'grant through another service (RDS)', 'Denied', keyArn, {
      ...EC2_GRANT,
      'kms:ViaService': `rds.${region}.amazonaws.com`,
    }),
    grant('kms/grant-other-key', 'grant on a key that is not configured', 'Denied', otherKey, {
      ...EC2_GRANT,
      'kms:ViaService': ec2,
    }),
  ];
}
