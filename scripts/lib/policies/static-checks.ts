/**
 * Checks that need no request: each rendered policy is well-formed for its kind
 * (@cloud-copilot/iam-policy), trusts no `*`, allows only the intended actions, and keeps the
 * conditions that make those actions safe. The behaviour matrix proves the same properties on
 * sample requests; these catch what a sample could miss (a pattern, an extra action).
 */
import {
  type ValidationError,
  validateIdentityPolicy,
  validateServiceControlPolicy,
  validateTrustPolicy,
} from '@cloud-copilot/iam-policy';
import { TASKS } from '../../../handlers/tasks';
import type { ExecutionRole } from './execution-role';
import type { HintId } from './hints';
import type { RenderedTargetRole } from './target-role';
import { listOf, type NamedPolicy, type PolicyStatement, statementsOf } from './types';

export interface StaticFinding {
  /** The policy's name (e.g. "trust policy of arn:…", "xacct-ec2-prod-lambda"). */
  policy: string;
  /** Where it is written. */
  source: string;
  /** The statement's Sid, or `#<n>`. */
  statement?: string;
  message: string;
  hint: HintId;
}

/** The execution role may assume roles and write its own logs (what osls adds), nothing else. */
export const EXECUTION_ROLE_ACTIONS = [
  'sts:AssumeRole',
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'logs:TagResource',
] as const;

/** The target role may do what the registered tasks need (their policy fragments), nothing more. */
export const TARGET_ROLE_ACTIONS: readonly string[] = [
  ...new Set(TASKS.flatMap((t) => t.policy.requiredActions)),
];

/** Actions that change resources and so must stay scoped by the control tag. */
export const TAG_SCOPED_ACTIONS: readonly string[] = [
  ...new Set(TASKS.flatMap((t) => t.policy.tagScopedActions)),
];

function label(statement: PolicyStatement, index: number): string {
  return statement.Sid ?? `#${index + 1}`;
}

const lower = (values: readonly string[]) => new Set(values.map((v) => v.toLowerCase()));

function wellFormed(
  policy: NamedPolicy,
  validate: (document: unknown) => ValidationError[],
): StaticFinding[] {
  return validate(policy.policy).map((e) => ({
    policy: policy.name,
    source: policy.source,
    message: `not well-formed at ${e.path}: ${e.message}`,
    hint: 'malformedPolicy' as const,
  }));
}

function principals(statement: PolicyStatement): string[] {
  const p = statement.Principal;
  if (p === '*') return ['*'];
  if (typeof p !== 'object' || p === null) return [];
  return Object.values(p as Record<string, unknown>).flatMap(listOf);
}

/** Condition keys a statement tests, lower-cased (`aws:ResourceTag/x` -> `aws:resourcetag/x`). */
function conditionKeys(statement: PolicyStatement): string[] {
  const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
  return Object.values(condition).flatMap((block) =>
    Object.keys(block).map((k) => k.toLowerCase()),
  );
}

/** Allow statements may only name intended actions, exactly: a wildcard could match more. */
function extraActions(policy: NamedPolicy, intended: Set<string>, hint: HintId): StaticFinding[] {
  return statementsOf(policy.policy).flatMap((s, i) => {
    if (s.Effect !== 'Allow') return [];
    if (s.NotAction !== undefined || s.NotResource !== undefined) {
      return [
        finding(policy, s, i, 'allows with NotAction/NotResource (grants everything else)', hint),
      ];
    }
    const extra = listOf(s.Action).filter((a) => !intended.has(a.toLowerCase()));
    return extra.length === 0
      ? []
      : [
          finding(
            policy,
            s,
            i,
            `allows actions outside the intended set: ${extra.join(', ')}`,
            hint,
          ),
        ];
  });
}

function finding(
  policy: NamedPolicy,
  statement: PolicyStatement,
  index: number,
  message: string,
  hint: HintId,
): StaticFinding {
  return {
    policy: policy.name,
    source: policy.source,
    statement: label(statement, index),
    message,
    hint,
  };
}

function noWildcardPrincipal(policy: NamedPolicy): StaticFinding[] {
  return statementsOf(policy.policy).flatMap((s, i) =>
    s.Effect === 'Allow' && principals(s).includes('*')
      ? [finding(policy, s, i, 'trusts the "*" principal', 'wildcardPrincipal')]
      : [],
  );
}

/** @param given.boundaryGiven the boundary's document was supplied (--boundary), so its ARN is fine */
export function checkExecutionRole(
  role: ExecutionRole,
  given: { boundaryGiven?: boolean } = {},
): StaticFinding[] {
  const findings: StaticFinding[] = [
    ...wellFormed(role.trustPolicy, validateTrustPolicy),
    ...noWildcardPrincipal(role.trustPolicy),
  ];
  statementsOf(role.trustPolicy.policy).forEach((s, i) => {
    const others = principals(s).filter((p) => p !== 'lambda.amazonaws.com');
    if (s.Effect === 'Allow' && others.length > 0) {
      findings.push(
        finding(role.trustPolicy, s, i, `trusts ${others.join(', ')}`, 'executionRoleTrustTooWide'),
      );
    }
  });
  const boundary =
    role.permissionsBoundaryArn && !given.boundaryGiven ? [role.permissionsBoundaryArn] : [];
  for (const arn of [...role.managedPolicyArns, ...boundary]) {
    findings.push({
      policy: arn,
      source: `${role.logicalId} (by ARN)`,
      message: 'is attached by ARN and cannot be evaluated offline',
      hint: 'unverifiable',
    });
  }
  for (const policy of role.policies) {
    findings.push(...wellFormed(policy, validateIdentityPolicy));
    findings.push(
      ...extraActions(policy, lower(EXECUTION_ROLE_ACTIONS), 'executionRoleTooPowerful'),
    );
    statementsOf(policy.policy).forEach((s, i) => {
      if (s.Effect !== 'Allow' || !listOf(s.Action).some((a) => /^sts:assumerole$/i.test(a))) {
        return;
      }
      const wide = listOf(s.Resource).filter((r) => /[*?]/.test(r));
      if (wide.length > 0) {
        const message = `allows sts:AssumeRole on ${wide.join(', ')}`;
        findings.push(finding(policy, s, i, message, 'assumeResourceTooWide'));
      }
      if (!conditionKeys(s).includes('lambda:sourcefunctionarn')) {
        const message = 'allows sts:AssumeRole without a lambda:SourceFunctionArn condition';
        findings.push(finding(policy, s, i, message, 'sourceFunctionNotEnforced'));
      }
    });
  }
  return findings;
}

export function checkTargetRole(role: RenderedTargetRole): StaticFinding[] {
  const trust = role.trustPolicy;
  const findings: StaticFinding[] = [
    ...wellFormed(trust, validateTrustPolicy),
    ...noWildcardPrincipal(trust),
    ...extraActions(trust, lower(['sts:AssumeRole']), 'trustTooWide'),
  ];
  statementsOf(trust.policy).forEach((s, i) => {
    // The account root as principal trusts every principal of that account, unless narrowed.
    const root = principals(s).some((p) => /:root$/.test(p) || /^\d{12}$/.test(p));
    if (s.Effect === 'Allow' && root && !conditionKeys(s).includes('aws:principalarn')) {
      const message = 'trusts an account root without an aws:PrincipalArn condition';
      findings.push(finding(trust, s, i, message, 'trustTooWide'));
    }
  });
  for (const policy of role.permissionPolicies) {
    findings.push(...wellFormed(policy, validateIdentityPolicy));
    findings.push(...extraActions(policy, lower(TARGET_ROLE_ACTIONS), 'targetRoleTooPowerful'));
    statementsOf(policy.policy).forEach((s, i) => {
      if (s.Effect !== 'Allow') return;
      const actions = listOf(s.Action).map((a) => a.toLowerCase());
      const keys = conditionKeys(s);
      const tagScoped = lower(TAG_SCOPED_ACTIONS);
      const startStop = actions.some((a) => tagScoped.has(a));
      if (startStop && !keys.some((k) => /^(aws|ec2):resourcetag\//.test(k))) {
        const message = 'allows start/stop without a resource-tag condition';
        findings.push(finding(policy, s, i, message, 'controlTagNotEnforced'));
      }
      if (actions.includes('kms:creategrant') && !keys.includes('kms:grantisforawsresource')) {
        const message = 'allows kms:CreateGrant without kms:GrantIsForAWSResource';
        findings.push(finding(policy, s, i, message, 'kmsGrantTooWide'));
      }
    });
  }
  return findings;
}

/** User-supplied guardrails must at least parse, or their effect would be meaningless. */
export function checkGuardrail(policy: NamedPolicy, kind: 'scp' | 'boundary'): StaticFinding[] {
  return wellFormed(policy, kind === 'scp' ? validateServiceControlPolicy : validateIdentityPolicy);
}
