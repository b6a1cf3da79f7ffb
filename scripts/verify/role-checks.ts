/**
 * Every role against its declared intent (role-intents.ts): each (action, resource) an Allow
 * statement grants, through any policy that reaches the role (role-policies.ts), must be covered
 * by one grant of the intent, wildcards included (pattern-cover.ts); NotAction and NotResource
 * in an Allow grant everything else, so they never pass. Each grant the product needs must still
 * be there. Each trust statement may name only the intended principals and actions. A role no
 * intent declares, a managed policy that cannot be read, or a shape that cannot be read is a
 * finding with its location: nothing here throws on a policy.
 */

import type { NamedPolicy } from '../../resources/home-stack/roles/policy-document';
import type { HintId } from './hints';
import { patternCovers } from './pattern-cover';
import type { Grant, RoleIntent, TrustIntent } from './role-intents';
import type { RolePolicies } from './role-policies';
import type { StaticFinding } from './static-checks';

type Json = Record<string, unknown>;

function asRecord(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

/** A string-or-list element as strings; anything else (an object left unevaluated) as JSON. */
function values(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map((v) =>
    typeof v === 'string' ? v : JSON.stringify(v),
  );
}

interface ReadStatement {
  statement: Json;
  label: string;
}

/** The statements of a document, each with its label; shapes IAM would refuse are findings. */
function readStatements(
  policy: NamedPolicy,
  malformed: (message: string, label?: string) => void,
): ReadStatement[] {
  const raw = asRecord(policy.policy)?.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (raw === undefined) malformed('has no Statement');
  return list.flatMap((entry, index) => {
    const statement = asRecord(entry);
    const label =
      typeof statement?.Sid === 'string' && statement.Sid ? statement.Sid : `#${index + 1}`;
    if (!statement) {
      malformed(`Statement[${index}] is not an object: ${JSON.stringify(entry)}`, label);
      return [];
    }
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
      malformed(`Effect is ${JSON.stringify(statement.Effect)}, not Allow or Deny`, label);
      return [];
    }
    return [{ statement, label }];
  });
}

function finding(
  policy: NamedPolicy,
  statement: string | undefined,
  message: string,
  hint: HintId,
): StaticFinding {
  return {
    policy: policy.name,
    source: policy.source,
    ...(statement ? { statement } : {}),
    message,
    hint,
  };
}

function summary(grants: readonly Grant[]): string {
  if (grants.length === 0) return 'nothing';
  return grants
    .map((g) => `${g.actions.join(', ')} on ${g.resources.join(', ') || '(none)'} (${g.why})`)
    .join('; ');
}

function covered(grants: readonly Grant[], action: string, resource: string): boolean {
  return grants.some(
    (g) =>
      g.actions.some((a) => patternCovers(a, action, true)) &&
      g.resources.some((r) => patternCovers(r, resource)),
  );
}

/** Each Allow statement's (action, resource) pairs beyond the role's grants. */
function beyondGrants(role: RolePolicies, intent: RoleIntent): StaticFinding[] {
  const findings: StaticFinding[] = [];
  const may = summary(intent.grants);
  for (const policy of role.policies) {
    const malformed = (message: string, label?: string) =>
      findings.push(finding(policy, label, `is not well-formed: ${message}`, 'malformedPolicy'));
    for (const { statement: s, label } of readStatements(policy, malformed)) {
      if (s.Effect !== 'Allow') continue;
      const problems: string[] = [];
      if (s.NotAction !== undefined) {
        problems.push(`allows every action but ${values(s.NotAction).join(', ')} (NotAction)`);
      }
      if (s.NotResource !== undefined) {
        problems.push(
          `allows every resource but ${values(s.NotResource).join(', ')} (NotResource)`,
        );
      }
      if (s.NotAction === undefined && s.Action === undefined) problems.push('has no Action');
      if (s.NotResource === undefined && s.Resource === undefined) problems.push('has no Resource');
      const beyond: string[] = [];
      for (const action of values(s.Action)) {
        const resources = values(s.Resource);
        const wide = resources.filter((r) => !covered(intent.grants, action, r));
        if (wide.length > 0) beyond.push(`${action} on ${wide.join(', ')}`);
      }
      if (beyond.length > 0) problems.push(`allows ${beyond.join('; ')}`);
      if (problems.length === 0) continue;
      findings.push(
        finding(
          policy,
          label,
          `${problems.join('; ')}: beyond its intent. ${role.logicalId} may only: ${may}`,
          intent.tooPowerful,
        ),
      );
    }
  }
  return findings;
}

/** Whether some Allow statement still grants `action` on (part of) `resource`. */
function grants(role: RolePolicies, action: string, resource: string): boolean {
  return role.policies.some((policy) =>
    readStatements(policy, () => undefined).some(
      ({ statement: s }) =>
        s.Effect === 'Allow' &&
        values(s.Action).some((a) => patternCovers(a, action, true)) &&
        values(s.Resource).some((r) => patternCovers(r, resource) || patternCovers(resource, r)),
    ),
  );
}

/** The grants the product needs, each still allowed. */
function missingGrants(role: RolePolicies, intent: RoleIntent, where: string): StaticFinding[] {
  return intent.grants.flatMap((g) =>
    (g.required ?? g.actions).flatMap((action) =>
      g.resources
        .filter((resource) => !grants(role, action, resource))
        .map((resource) => ({
          policy: `role ${role.logicalId}`,
          source: where,
          message: `no longer allows ${action} on ${resource}, which it needs to ${g.why}`,
          hint: 'roleCannotDoItsJob' as const,
        })),
    ),
  );
}

const EXACT_OPERATORS = /^(ArnEquals|StringEquals)$/i;

/** The aws:PrincipalArn values an exact condition of the statement names, if any. */
function exactPrincipalArns(statement: Json): string[] | undefined {
  const condition = asRecord(statement.Condition) ?? {};
  const found = Object.entries(condition)
    .filter(([operator]) => EXACT_OPERATORS.test(operator))
    .flatMap(([, block]) =>
      Object.entries(asRecord(block) ?? {})
        .filter(([key]) => key.toLowerCase() === 'aws:principalarn')
        .map(([, value]) => values(value)),
    );
  return found.length > 0 ? found.flat() : undefined;
}

/** The account of an AWS principal that stands for a whole account (root ARN or bare ID). */
function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:[\w-]+:iam::(\d{12}):root$/.exec(principal)?.[1];
}

/** Who a trust statement admits beyond the intent, in words; empty when only the intended. */
function principalsBeyond(statement: Json, trust: TrustIntent): string[] {
  const principal = statement.Principal;
  if (principal === '*') return ['"*" (everyone)'];
  const record = asRecord(principal);
  if (!record) return [`Principal ${JSON.stringify(principal)}`];
  const beyond: string[] = [];
  const services = new Set((trust.services ?? []).map((s) => s.toLowerCase()));
  const roles = new Set(trust.roles ?? []);
  for (const [kind, given] of Object.entries(record)) {
    for (const value of values(given)) {
      if (kind === 'Service' && services.has(value.toLowerCase())) continue;
      if (kind === 'AWS' && roles.has(value)) continue;
      const account = kind === 'AWS' ? accountOf(value) : undefined;
      const accountOfRoles = [...roles].some((r) => r.split(':')[4] === account);
      if (account && accountOfRoles) {
        // The account root trusts every principal of the account, unless an exact condition
        // names which (IAM User Guide, "AWS JSON policy elements: Principal").
        const named = exactPrincipalArns(statement);
        if (!named) {
          beyond.push(`${value} (every principal of ${account}: no exact aws:PrincipalArn)`);
          continue;
        }
        const others = named.filter((arn) => !roles.has(arn));
        if (others.length > 0) beyond.push(`aws:PrincipalArn ${others.join(', ')}`);
        continue;
      }
      beyond.push(`${kind} ${value}`);
    }
  }
  return beyond;
}

function trustBeyond(role: RolePolicies, trust: TrustIntent): StaticFinding[] {
  const policy = role.trust;
  if (!policy) return [];
  const findings: StaticFinding[] = [];
  const intended = [...(trust.services ?? []), ...(trust.roles ?? [])].join(', ') || 'no one';
  const malformed = (message: string, label?: string) =>
    findings.push(finding(policy, label, `is not well-formed: ${message}`, 'malformedPolicy'));
  for (const { statement: s, label } of readStatements(policy, malformed)) {
    if (s.Effect !== 'Allow') continue;
    const problems: string[] = [];
    if (s.NotPrincipal !== undefined) problems.push('trusts everyone but its NotPrincipal');
    if (s.NotAction !== undefined) problems.push('trusts every action but its NotAction');
    const actions = values(s.Action).filter(
      (a) => !trust.actions.some((intendedAction) => patternCovers(intendedAction, a, true)),
    );
    if (actions.length > 0) problems.push(`trusts ${actions.join(', ')}`);
    if (s.NotPrincipal === undefined) {
      const who = principalsBeyond(s, trust);
      if (who.length > 0) problems.push(`trusts ${who.join(', ')}`);
    }
    if (problems.length === 0) continue;
    const message = `${problems.join('; ')}: beyond its intent (${trust.why}: ${intended}, for ${trust.actions.join(', ')})`;
    findings.push(finding(policy, label, message, 'trustBeyondIntent'));
  }
  return findings;
}

export interface RoleCheckOptions {
  /** Where the template is, for findings about the role as a whole. */
  template: string;
  /** Prove that every required grant is still allowed (the matrix proves it for some roles). */
  requireGrants?: boolean;
}

/** One role against its intent; `undefined` intent: the role is declared nowhere. */
export function checkRole(
  role: RolePolicies,
  intent: RoleIntent | undefined,
  options: RoleCheckOptions,
): StaticFinding[] {
  const where = `${options.template} Resources.${role.logicalId}`;
  const findings: StaticFinding[] = role.problems.map((p) => ({
    policy: `role ${role.logicalId}`,
    source: p.where,
    message: `cannot be read: ${p.message}`,
    hint: 'malformedPolicy' as const,
  }));
  if (!intent) {
    findings.push({
      policy: `role ${role.logicalId}`,
      source: where,
      message: `is a role no intent declares (${role.policies.length} policies reach it); verify cannot tell what it may do`,
      hint: 'roleWithoutIntent',
    });
    return findings;
  }
  for (const arn of role.managedPolicyArns) {
    if (intent.acknowledgedManagedPolicies?.[arn]) continue;
    findings.push({
      policy: arn,
      source: `${where}.Properties.ManagedPolicyArns`,
      message:
        'is a managed policy attached by ARN: its statements cannot be read offline, so what it grants is unproven (AWS managed policies grant far beyond this role)',
      hint: 'unverifiable',
    });
  }
  findings.push(...beyondGrants(role, intent), ...trustBeyond(role, intent.trust));
  if (options.requireGrants !== false) findings.push(...missingGrants(role, intent, where));
  return findings;
}

/** IAM principals a template must not create besides roles (users, groups, their keys). */
export function otherIamPrincipals(
  resources: Record<string, { Type?: string }>,
  template: string,
): StaticFinding[] {
  return Object.entries(resources)
    .filter(([, r]) => /^AWS::IAM::(User|Group|AccessKey|UserToGroupAddition)$/.test(r?.Type ?? ''))
    .map(([id, r]) => ({
      policy: `${r.Type} ${id}`,
      source: `${template} Resources.${id}`,
      message:
        'creates an IAM user, group or access key: long-lived credentials no intent declares',
      hint: 'roleWithoutIntent' as const,
    }));
}
