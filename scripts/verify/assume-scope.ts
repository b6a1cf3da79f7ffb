/**
 * Which form the execution role's sts:AssumeRole statement takes
 * (resources/home-stack/roles/assume-statement.ts), read back from the packaged role, and what
 * verify needs to prove either form: the resource context (aws:ResourceOrgID,
 * aws:ResourceOrgPaths) of a role inside the allowed scope and just outside it, the size IAM
 * counts, and a deterministic sample of a large fleet's targets.
 */

import {
  IAM_ROLE_INLINE_POLICIES_LIMIT,
  iamPolicyCharacters,
} from '../../resources/home-stack/roles/assume-statement';
import {
  conditionOf,
  listOf,
  statementsOf,
} from '../../resources/home-stack/roles/policy-document';
import type { AssumeRoleCheck } from '../shared/authorization';
import type { ExecutionRole } from './execution-role';
import type { StaticFinding } from './static-checks';

export type AssumeScope =
  | { form: 'exact' }
  | {
      form: 'organization';
      organizationId: string;
      /** `o-…/r-…/ou-…/*` patterns when the stage names OUs; empty for the whole organization. */
      pathPatterns: string[];
    };

type OrgContext = Pick<AssumeRoleCheck, 'targetOrgId' | 'targetOrgPaths'>;

/** The form of the role's AssumeRole statement(s); `exact` unless one is org-scoped. */
export function assumeScopeOf(role: ExecutionRole): AssumeScope {
  for (const policy of role.policies) {
    for (const statement of statementsOf(policy.policy)) {
      const condition = conditionOf(statement);
      const orgId = listOf(condition.StringEquals?.['aws:ResourceOrgID'])[0];
      if (statement.Effect !== 'Allow' || !orgId) continue;
      return {
        form: 'organization',
        organizationId: orgId,
        pathPatterns: listOf(condition['ForAnyValue:StringLike']?.['aws:ResourceOrgPaths']),
      };
    }
  }
  return { form: 'exact' };
}

/** A path inside the first allowed OU (or the organization's root when no OU is named). */
function insidePath(scope: Extract<AssumeScope, { form: 'organization' }>): string {
  const pattern = scope.pathPatterns[0];
  return pattern ? pattern.replace(/\*$/, '') : `${scope.organizationId}/r-root/`;
}

/**
 * Resource context of a target role: inside the scope (a configured target), in another
 * organization, or in the same organization outside the allowed OUs. Nothing for the exact form:
 * a role's organization must not be what lets it in.
 */
export function orgContext(
  scope: AssumeScope,
  where: 'inside' | 'outside-organization' | 'outside-ou',
): OrgContext {
  if (scope.form === 'exact') return {};
  if (where === 'inside') {
    return { targetOrgId: scope.organizationId, targetOrgPaths: [insidePath(scope)] };
  }
  if (where === 'outside-organization') {
    return { targetOrgId: 'o-zzzzzzzzzz', targetOrgPaths: ['o-zzzzzzzzzz/r-zzzz/'] };
  }
  const root = insidePath(scope).split('/')[1] ?? 'r-root';
  return {
    targetOrgId: scope.organizationId,
    targetOrgPaths: [`${scope.organizationId}/${root}/ou-${root.slice(2)}-elsewhere/`],
  };
}

/**
 * At most `size` targets, spread evenly over the list with the first and last always in, so
 * the same stage always samples the same accounts.
 */
export function sampleTargets<T>(targets: readonly T[], size: number): T[] {
  if (targets.length <= size) return [...targets];
  if (size <= 1) return targets.slice(0, 1);
  const picked = new Set<number>();
  for (let i = 0; i < size; i += 1) {
    picked.add(Math.round((i * (targets.length - 1)) / (size - 1)));
  }
  return [...picked].sort((a, b) => a - b).flatMap((i) => (targets[i] ? [targets[i]] : []));
}

/**
 * Static checks that hold for every target, not only the sampled ones: the role's inline
 * policies fit IAM's limit, and the exact form names every configured target role.
 */
export function checkAssumeCoverage(
  role: ExecutionRole,
  targetRoleArns: readonly string[],
): StaticFinding[] {
  const findings: StaticFinding[] = [];
  const characters = role.policies.reduce((n, p) => n + iamPolicyCharacters(p.policy), 0);
  if (characters > IAM_ROLE_INLINE_POLICIES_LIMIT) {
    findings.push({
      policy: role.roleName,
      source: 'serverless.yml provider.iam.role',
      message: `its inline policies take ${characters} characters, more than IAM's ${IAM_ROLE_INLINE_POLICIES_LIMIT}`,
      hint: 'policyTooLarge',
    });
  }
  if (assumeScopeOf(role).form === 'exact') {
    const listed = new Set(
      role.policies.flatMap((p) =>
        statementsOf(p.policy)
          .filter((s) => s.Effect === 'Allow' && listOf(s.Action).includes('sts:AssumeRole'))
          .flatMap((s) => listOf(s.Resource)),
      ),
    );
    // A pattern covers what it matches (and is reported as too wide by the other checks).
    const patterns = [...listed]
      .filter((r) => /[*?]/.test(r))
      .map(
        (r) =>
          new RegExp(
            `^${r
              .replace(/[.+^${}()|[\]\\]/g, '\\$&')
              .replace(/\*/g, '.*')
              .replace(/\?/g, '.')}$`,
          ),
      );
    const missing = targetRoleArns.filter(
      (arn) => !listed.has(arn) && !patterns.some((p) => p.test(arn)),
    );
    if (missing.length > 0) {
      findings.push({
        policy: role.roleName,
        source: 'serverless.yml provider.iam.role',
        message: `does not list ${missing.length} configured target role(s), e.g. ${missing[0]}`,
        hint: 'executionRoleCannotAssume',
      });
    }
  }
  return findings;
}
