/**
 * The verify matrix: for each configured target, who must and must not reach what. Each case
 * says which hint applies when it comes out the other way, so a mismatch names the document
 * and statement to fix.
 */

import { orgContext } from './assume-scope';
import { assumeCases } from './matrix-assume';
import { type Bystanders, INSTANCE_ID, type MatrixCase, sessionArn } from './matrix-case';
import { ec2Cases, kmsCases } from './matrix-target-role';
import { rdsCases } from './matrix-target-role-rds';
import type { LoadedWorld } from './policy-authorizer';

export type { Bystanders, Expected, MatrixCase } from './matrix-case';
export { shortArn } from './matrix-case';

export function buildMatrix(loaded: LoadedWorld, bystanders: Bystanders): MatrixCase[] {
  const { stage } = loaded;
  const exec = stage.executionRole;
  const home = stage.homeAccountId;
  const p = stage.partition;
  const cases: MatrixCase[] = [];

  for (const [index, target] of stage.config.targets.entries()) {
    const role = loaded.targetRoles.find(
      (r) => r.accountId === target.accountId && r.roleName === stage.config.targetRoleName,
    );
    if (!role) throw new Error(`no rendered target role for account ${target.accountId}`);
    // The own-role functions' cases once: their roles grant no sts: action at all, and every
    // target's trust is the same template, so one target proves it for all.
    cases.push(...assumeCases(loaded, role, target.externalId, bystanders, index === 0));
    target.regions.forEach((region, i) => {
      cases.push(...ec2Cases(loaded, role, region, i === 0));
      cases.push(...rdsCases(loaded, role, region, i === 0));
    });
    const key = bystanders.kmsKeyArns[target.accountId];
    if (key) cases.push(...kmsCases(role, key, target.regions[0] ?? stage.region));
  }

  const fn = stage.functions[0];
  const fnName = fn?.name ?? 'session';
  const scope = bystanders.assumeScope;
  for (const unlisted of bystanders.unlistedRoles) {
    const sameName = unlisted.roleArn.endsWith(`:role/${stage.config.targetRoleName}`);
    // In the org-scoped form a role of the target name inside the organization IS reachable
    // (the form's trade-off); what must stay out is that name outside the org or the OUs.
    const places: Array<'inside' | 'outside-organization' | 'outside-ou'> =
      scope.form === 'exact' || !sameName
        ? ['inside']
        : [
            'outside-organization',
            ...(scope.pathPatterns.length > 0 ? (['outside-ou'] as const) : []),
          ];
    for (const place of places) {
      cases.push({
        id:
          place === 'inside'
            ? 'assume/unlisted-role'
            : place === 'outside-organization'
              ? 'assume/same-name-outside-organization'
              : 'assume/same-name-outside-ou',
        title:
          place === 'inside'
            ? 'the function, a role not configured'
            : place === 'outside-organization'
              ? 'the function, the target role name in another Org'
              : 'the function, the target role name outside the OUs',
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
            ...orgContext(scope, place),
          }),
      });
    }
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
