/**
 * Cases for the assumed target role: describe and tagged start/stop are allowed, untagged or
 * wrongly tagged instances and every other action are not; kms:CreateGrant only for EC2.
 */
import type { LoadedWorld } from '../policy-authorizer';
import type { HintId } from './hints';
import { type Expected, INSTANCE_ID, type MatrixCase, otherValue, sessionArn } from './matrix-case';
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

export function kmsCases(role: RenderedTargetRole, keyArn: string, region: string): MatrixCase[] {
  const account = role.accountId;
  const session = sessionArn(role.roleArn, 'kms');
  const grant = (
    id: string,
    title: string,
    expected: Expected,
    resource: string,
    context: Record<string, string>,
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
      'kms:GrantIsForAWSResource': 'true',
      'kms:ViaService': ec2,
    }),
    grant(
      'kms/grant-not-for-aws-resource',
      'grant for direct use (not an AWS resource)',
      'Denied',
      keyArn,
      {
        'kms:GrantIsForAWSResource': 'false',
        'kms:ViaService': ec2,
      },
    ),
    grant('kms/grant-via-other-service', 'grant through another service (RDS)', 'Denied', keyArn, {
      'kms:GrantIsForAWSResource': 'true',
      'kms:ViaService': `rds.${region}.amazonaws.com`,
    }),
    grant('kms/grant-other-key', 'grant on a key that is not configured', 'Denied', otherKey, {
      'kms:GrantIsForAWSResource': 'true',
      'kms:ViaService': ec2,
    }),
  ];
}
