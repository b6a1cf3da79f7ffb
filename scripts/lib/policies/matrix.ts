/**
 * The verify matrix: for each configured target, who must and must not reach what. Each case
 * says which hint applies when it comes out the other way, so a mismatch names the document
 * and statement to fix.
 */
import type { AssumeRoleCheck } from '../authorization';
import type { LoadedWorld, PolicyAuthorizer } from '../policy-authorizer';
import type { HintId } from './hints';
import type { PolicyDecision } from './simulate';
import type { RenderedTargetRole } from './target-role';

export type Expected = 'Allowed' | 'Denied';

export interface MatrixCase {
  /** Stable identifier, e.g. `assume/wrong-external-id` (tests select cases by it). */
  id: string;
  title: string;
  /** The target account the case is about. */
  target: string;
  principal: string;
  action: string;
  resource: string;
  expected: Expected;
  /** What to fix when the case is allowed but should not be. */
  ifAllowed?: HintId;
  /** Which side to look at when the case is denied but should not be. */
  ifDenied?: 'assume' | 'ec2' | 'kms';
  run(authorizer: PolicyAuthorizer): Promise<PolicyDecision>;
}

/** Who else exists in the world, to prove they are kept out. */
export interface Bystanders {
  otherHomeRoleArn: string;
  homeUserArn: string;
  outsiderRoleArn: string;
  /** Roles that trust the execution role but are not configured: it must not reach them. */
  unlistedRoles: { roleArn: string; externalId?: string }[];
  /** The organization the home account is in, when one is required. */
  organizationId?: string;
  /** Customer-managed key per target account (configured or example). */
  kmsKeyArns: Record<string, string>;
}

const INSTANCE_ID = 'i-0123456789abcdef0';

function sessionArn(roleArn: string, sessionName: string): string {
  const [, partition, , , account, resource] = roleArn.split(':');
  const roleName = resource?.split('/').pop();
  return `arn:${partition}:sts::${account}:assumed-role/${roleName}/${sessionName}`;
}

/** `arn:aws:ec2:eu-west-1:222222222222:instance/i-1` -> `instance/i-1 (222222222222 eu-west-1)`. */
export function shortArn(arn: string): string {
  const parts = arn.split(':');
  if (parts.length < 6) return arn;
  const [, , , region, account, ...rest] = parts;
  const where = [account, region].filter(Boolean).join(' ');
  return where ? `${rest.join(':')} (${where})` : rest.join(':');
}

function otherValue(value: string): string {
  return value === 'false' ? 'true' : 'false';
}

export function buildMatrix(loaded: LoadedWorld, bystanders: Bystanders): MatrixCase[] {
  const { stage } = loaded;
  const exec = stage.executionRole;
  const home = stage.homeAccountId;
  const p = stage.partition;
  const cases: MatrixCase[] = [];

  for (const target of stage.config.targets) {
    const role = loaded.targetRoles.find(
      (r) => r.accountId === target.accountId && r.roleName === stage.config.targetRoleName,
    );
    if (!role) throw new Error(`no rendered target role for account ${target.accountId}`);
    cases.push(...assumeCases(loaded, role, target.externalId, bystanders));
    target.regions.forEach((region, i) => {
      cases.push(...ec2Cases(loaded, role, region, i === 0));
    });
    const key = bystanders.kmsKeyArns[target.accountId];
    if (key) cases.push(...kmsCases(role, key, target.regions[0] ?? stage.region));
  }

  const fn = stage.functions[0];
  const fnName = fn?.name ?? 'session';
  for (const unlisted of bystanders.unlistedRoles) {
    cases.push({
      id: 'assume/unlisted-role',
      title: 'the function, a role not configured',
      target: unlisted.roleArn.split(':')[4] ?? '',
      principal: `exec via ${fnName}`,
      action: 'sts:AssumeRole',
      resource: unlisted.roleArn,
      expected: 'Denied',
      ifAllowed: 'assumeResourceTooWide',
      ifDenied: 'assume',
      run: (a) =>
        a.authorizeAssumeRole({
          callerSessionArn: sessionArn(exec.roleArn, fnName),
          callerRoleArn: exec.roleArn,
          callerAccountId: home,
          targetRoleArn: unlisted.roleArn,
          ...(fn ? { sourceFunctionArn: fn.arn } : {}),
          ...(unlisted.externalId ? { externalId: unlisted.externalId } : {}),
        }),
    });
  }

  // The execution role itself has no EC2 access: the target role is the only way in.
  const homeInstance = `arn:${p}:ec2:${stage.region}:${home}:instance/${INSTANCE_ID}`;
  cases.push({
    id: 'exec/ec2-direct',
    title: 'execution role starts an instance itself',
    target: home,
    principal: `exec via ${fnName}`,
    action: 'ec2:StartInstances',
    resource: homeInstance,
    expected: 'Denied',
    ifAllowed: 'executionRoleTooPowerful',
    run: (a) =>
      a.authorizeRequest({
        callerSessionArn: sessionArn(exec.roleArn, fnName),
        callerRoleArn: exec.roleArn,
        action: 'ec2:StartInstances',
        resourceArn: homeInstance,
        resourceAccountId: home,
        region: stage.region,
        resourceTags: { [stage.config.controlTagKey]: stage.config.controlTagValue },
        ...(fn ? { context: { 'lambda:SourceFunctionArn': fn.arn } } : {}),
      }),
  });
  return cases;
}

function assumeCases(
  loaded: LoadedWorld,
  role: RenderedTargetRole,
  externalId: string | undefined,
  by: Bystanders,
): MatrixCase[] {
  const { stage } = loaded;
  const exec = stage.executionRole;
  const home = stage.homeAccountId;
  const target = role.accountId;
  const ext = externalId === undefined ? {} : { externalId };
  const cases: MatrixCase[] = [];
  const assume = (
    c: Omit<MatrixCase, 'run' | 'action' | 'target' | 'resource'> & { resource?: string },
    check: Omit<AssumeRoleCheck, 'targetRoleArn'> & { targetRoleArn?: string },
  ): MatrixCase => ({
    ...c,
    target,
    action: 'sts:AssumeRole',
    resource: c.resource ?? role.roleArn,
    ifDenied: 'assume',
    run: (a) => a.authorizeAssumeRole({ targetRoleArn: role.roleArn, ...check }),
  });
  const execCheck = (functionName: string, functionArn?: string) => ({
    callerSessionArn: sessionArn(exec.roleArn, functionName),
    callerRoleArn: exec.roleArn,
    callerAccountId: home,
    ...(functionArn ? { sourceFunctionArn: functionArn } : {}),
  });

  for (const fn of stage.functions) {
    cases.push(
      assume(
        {
          id: 'assume/from-function',
          title: 'the function assumes the target role',
          principal: `exec via ${fn.name}`,
          expected: 'Allowed',
        },
        { ...execCheck(fn.name, fn.arn), ...ext },
      ),
    );
  }
  const fn = stage.functions[0];
  const fnName = fn?.name ?? 'session';
  cases.push(
    assume(
      {
        id: 'assume/outside-function',
        title: 'exec credentials used outside a function',
        principal: 'exec, no function',
        expected: 'Denied',
        ifAllowed: 'sourceFunctionNotEnforced',
      },
      { ...execCheck('leaked'), ...ext },
    ),
    assume(
      {
        id: 'assume/other-function',
        title: 'another function using the same role',
        principal: `exec via ${stage.service}-${stage.stage}-other`,
        expected: 'Denied',
        ifAllowed: 'sourceFunctionNotEnforced',
      },
      {
        ...execCheck(
          'other',
          `arn:${stage.partition}:lambda:${stage.region}:${home}:function:${stage.service}-${stage.stage}-other`,
        ),
        ...ext,
      },
    ),
  );
  if (externalId !== undefined) {
    cases.push(
      assume(
        {
          id: 'assume/wrong-external-id',
          title: 'the function with a wrong ExternalId',
          principal: `exec via ${fnName}`,
          expected: 'Denied',
          ifAllowed: 'externalIdNotEnforced',
        },
        { ...execCheck(fnName, fn?.arn), externalId: `${externalId}-wrong` },
      ),
      assume(
        {
          id: 'assume/missing-external-id',
          title: 'the function without an ExternalId',
          principal: `exec via ${fnName}`,
          expected: 'Denied',
          ifAllowed: 'externalIdNotEnforced',
        },
        execCheck(fnName, fn?.arn),
      ),
    );
  }
  if (by.organizationId) {
    cases.push(
      assume(
        {
          id: 'assume/outside-organization',
          title: 'the function, caller in another Org',
          principal: `exec via ${fnName}`,
          expected: 'Denied',
          ifAllowed: 'organizationNotEnforced',
        },
        { ...execCheck(fnName, fn?.arn), ...ext, callerOrgId: 'o-zzzzzzzzzz' },
      ),
    );
  }
  // Bystanders get everything the function has that is not a secret (ExternalId is not one).
  const bystander = (id: string, title: string, arn: string, sessionName: string): MatrixCase =>
    assume(
      { id, title, principal: shortArn(arn), expected: 'Denied', ifAllowed: 'trustTooWide' },
      {
        callerSessionArn: arn.includes(':role/') ? sessionArn(arn, sessionName) : arn,
        callerRoleArn: arn,
        callerAccountId: arn.split(':')[4] ?? '',
        ...ext,
      },
    );
  cases.push(
    bystander(
      'assume/other-home-role',
      'another home role (AssumeRole on *)',
      by.otherHomeRoleArn,
      'ci',
    ),
    bystander('assume/home-user', 'a home user (AssumeRole on *)', by.homeUserArn, ''),
    bystander(
      'assume/home-root',
      'the home account root',
      `arn:${stage.partition}:iam::${home}:root`,
      '',
    ),
    bystander(
      'assume/third-account',
      'a third-account role (AssumeRole on *)',
      by.outsiderRoleArn,
      'outsider',
    ),
  );
  return cases;
}

function ec2Cases(
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

function kmsCases(role: RenderedTargetRole, keyArn: string, region: string): MatrixCase[] {
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
