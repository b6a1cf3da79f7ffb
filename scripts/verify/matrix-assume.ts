/**
 * AssumeRole cases for one target: the functions get in; their credentials outside a function,
 * a wrong or missing ExternalId, a caller outside the Organization and every bystander do not.
 */
import type { AssumeRoleCheck } from '../shared/authorization';
import { orgContext } from './assume-scope';
import { type Bystanders, type MatrixCase, sessionArn, shortArn } from './matrix-case';
import type { LoadedWorld } from './policy-authorizer';
import type { RenderedTargetRole } from './target-role';

export function assumeCases(
  loaded: LoadedWorld,
  role: RenderedTargetRole,
  externalId: string | undefined,
  by: Bystanders,
  withOwnRoleFunctions = true,
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
  // A configured target sits inside the allowed organization/OU (the org-scoped form needs it).
  const inside = orgContext(by.assumeScope, 'inside');
  const execCheck = (functionName: string, functionArn?: string) => ({
    callerSessionArn: sessionArn(exec.roleArn, functionName),
    callerRoleArn: exec.roleArn,
    callerAccountId: home,
    ...(functionArn ? { sourceFunctionArn: functionArn } : {}),
    ...inside,
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
  // The function names the run's caller on the session (params.sourceIdentity): both the
  // execution role and the trust must allow sts:SetSourceIdentity beside the AssumeRole.
  if (fn) {
    cases.push({
      ...assume(
        {
          id: 'assume/with-source-identity',
          title: 'the function names its caller',
          principal: `exec via ${fn.name}`,
          expected: 'Allowed',
        },
        { ...execCheck(fn.name, fn.arn), ...ext, sourceIdentity: 'schedule.example' },
      ),
      action: 'sts:SetSourceIdentity',
    });
  }
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
  // The functions on roles of their own (the http function starts and reads engine runs): their
  // role reaches no target, and the execution role's condition does not name them either.
  for (const own of withOwnRoleFunctions ? (by.ownRoleFunctions ?? []) : []) {
    cases.push(
      assume(
        {
          id: 'assume/own-role-function',
          title: 'a function on its own role',
          principal: `${own.role} via ${own.functionName}`,
          expected: 'Denied',
          ifAllowed: 'trustTooWide',
        },
        {
          callerSessionArn: sessionArn(own.roleArn, own.functionName),
          callerRoleArn: own.roleArn,
          callerAccountId: home,
          sourceFunctionArn: own.functionArn,
          ...ext,
          ...inside,
        },
      ),
      assume(
        {
          id: 'assume/exec-via-own-role-function',
          title: 'exec credentials inside that function',
          principal: `exec via ${own.functionName}`,
          expected: 'Denied',
          ifAllowed: 'sourceFunctionNotEnforced',
        },
        { ...execCheck(own.functionName, own.functionArn), ...ext },
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
        ...inside,
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
