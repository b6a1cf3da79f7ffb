/**
 * Checks that need no request: each rendered policy is well-formed for its kind
 * (@cloud-copilot/iam-policy), trusts no `*`, allows only the intended actions, and keeps the
 * conditions that make those actions safe. The behaviour matrix proves the same properties on
 * sample requests; these catch what a sample could miss (a pattern, an extra action).
 */
import {
  type ValidationError,
  validateIdentityPolicy,
  validateResourceControlPolicy,
  validateServiceControlPolicy,
  validateTrustPolicy,
} from '@cloud-copilot/iam-policy';
import { TASKS } from '../../handlers/tasks';
import {
  conditionOf,
  listOf,
  type NamedPolicy,
  type PolicyStatement,
  statementsOf,
} from '../../resources/home-stack/roles/policy-document';
import type { ExecutionRole, ResolvedStage } from './execution-role';
import type { HintId } from './hints';
import { patternCovers } from './pattern-cover';
import type { RenderedTargetRole } from './target-role';

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

/**
 * The execution role may assume roles, write its own logs (what osls adds), put run events on
 * its account's default bus (handlers/signals) and read the stage's pause switch, nothing else.
 */
export const EXECUTION_ROLE_ACTIONS = [
  'sts:AssumeRole',
  // Names the run's caller on the target session; only beside sts:AssumeRole (checked below).
  'sts:SetSourceIdentity',
  'events:PutEvents',
  // The stage's pause switch: the engine's tags, read before every run (handlers/aws/pause-gate.ts).
  'states:ListTagsForResource',
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'logs:TagResource',
] as const;

/** The target role may do what the registered tasks need (their policy fragments), nothing more. */
export const TARGET_ROLE_ACTIONS: readonly string[] = [
  ...new Set(TASKS.flatMap((t) => t.policy.requiredActions)),
];

/** Actions a Deny on aws:RequestedRegion must keep to the stage's regions, every task's. */
export const REGION_SCOPED_ACTIONS: readonly string[] = [
  ...new Set(TASKS.flatMap((t) => t.policy.regionScopedActions ?? t.policy.requiredActions)),
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
  let errors: ValidationError[];
  try {
    errors = validate(policy.policy);
  } catch (error) {
    errors = [{ path: '$', message: (error as Error).message } as ValidationError];
  }
  return errors.map((e) => ({
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
  const condition = conditionOf(statement);
  return Object.values(condition).flatMap((block) =>
    Object.keys(block ?? {}).map((k) => k.toLowerCase()),
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
      if (s.Effect !== 'Allow') return;
      const assumes = listOf(s.Action).some((a) => /^sts:assumerole$/i.test(a));
      const setsIdentity = listOf(s.Action).some((a) => /^sts:setsourceidentity$/i.test(a));
      if (setsIdentity && !assumes) {
        const message =
          'allows sts:SetSourceIdentity without sts:AssumeRole in the same statement (it belongs only beside the AssumeRole of the target roles)';
        findings.push(finding(policy, s, i, message, 'executionRoleTooPowerful'));
      }
      if (!assumes) return;
      // The org-scoped form (`arn:…:iam::*:role/<name>`) is bounded by aws:ResourceOrgID.
      const orgScoped = conditionKeys(s).includes('aws:resourceorgid');
      const wide = listOf(s.Resource).filter(
        (r) => /[*?]/.test(r) && !(orgScoped && /^arn:[\w-]+:iam::\*:role\/[\w+=,.@-]+$/.test(r)),
      );
      if (wide.length > 0) {
        const message = `allows ${setsIdentity ? 'sts:AssumeRole and sts:SetSourceIdentity' : 'sts:AssumeRole'} on ${wide.join(', ')}`;
        findings.push(finding(policy, s, i, message, 'assumeResourceTooWide'));
      }
      if (!conditionKeys(s).includes('lambda:sourcefunctionarn')) {
        const message = 'allows sts:AssumeRole without a lambda:SourceFunctionArn condition';
        findings.push(finding(policy, s, i, message, 'sourceFunctionNotEnforced'));
      }
    });
    findings.push(...eventsBeyondDefaultBus(policy, role));
  }
  return findings;
}

/** events:PutEvents only on the default bus of the role's own account: no pattern, no other bus. */
function eventsBeyondDefaultBus(policy: NamedPolicy, role: ExecutionRole): StaticFinding[] {
  const account = role.roleArn.split(':')[4];
  const defaultBus = new RegExp(`^arn:[a-z-]+:events:[a-z0-9-]+:${account}:event-bus/default$`);
  return statementsOf(policy.policy).flatMap((s, i) => {
    if (s.Effect !== 'Allow' || !listOf(s.Action).some((a) => /^events:putevents$/i.test(a))) {
      return [];
    }
    const other = listOf(s.Resource).filter((r) => !defaultBus.test(r));
    const message = `allows events:PutEvents on ${other.join(', ')}, not only this account's default event bus`;
    return other.length > 0 ? [finding(policy, s, i, message, 'executionRoleTooPowerful')] : [];
  });
}

/**
 * The trust's aws:PrincipalArn must name exact ARNs with an exact operator: ArnLike or StringLike,
 * or a wildcard in the value, would trust more than the one execution role.
 */
function principalArnNotExact(
  trust: NamedPolicy,
  statement: PolicyStatement,
  index: number,
): StaticFinding[] {
  const condition = conditionOf(statement);
  return Object.entries(condition).flatMap(([operator, block]) =>
    Object.entries(block)
      .filter(([key]) => key.toLowerCase() === 'aws:principalarn')
      .flatMap(([, value]) => {
        const wide = listOf(value).filter((v) => /[*?]/.test(String(v)));
        const exactOperator = /^(ArnEquals|StringEquals)$/i.test(operator);
        if (exactOperator && wide.length === 0) return [];
        const message = exactOperator
          ? `trusts aws:PrincipalArn patterns ${wide.join(', ')}; name the one execution role exactly`
          : `trusts aws:PrincipalArn with ${operator}; use ArnEquals with the one execution role's ARN`;
        return [finding(trust, statement, index, message, 'trustTooWide')];
      }),
  );
}

/** What a target role is deployed for: the stage's control tag and ExternalId. */
export interface TargetRoleExpectations {
  /** The control tag start and stop must be scoped by, exactly. */
  control?: { key: string; value: string };
  /** The ExternalId the trust must demand (params targets[].externalId), when configured. */
  externalId?: string | undefined;
}

/**
 * Whether a statement scopes by exactly the control tag: StringEquals
 * aws:ResourceTag/<key> = <value> (IAM compares condition key names case-insensitively, so the
 * key is compared that way; the value as StringEquals does, exactly).
 */
function scopedByControlTag(s: PolicyStatement, control: { key: string; value: string }): boolean {
  const condition = conditionOf(s);
  const wanted = `aws:resourcetag/${control.key}`.toLowerCase();
  return Object.entries(condition).some(
    ([operator, block]) =>
      operator === 'StringEquals' &&
      typeof block === 'object' &&
      block !== null &&
      Object.entries(block as Record<string, unknown>).some(([key, value]) => {
        const values = listOf(value);
        return (
          key.toLowerCase() === wanted &&
          values.length > 0 &&
          values.every((v) => v === control.value)
        );
      }),
  );
}

/** With an ExternalId configured, a Deny refusing sts:AssumeRole without exactly it. */
function externalIdEnforced(trust: NamedPolicy, externalId: string): boolean {
  return statementsOf(trust.policy).some((s) => {
    if (s.Effect !== 'Deny' || s.NotAction !== undefined) return false;
    const denies = listOf(s.Action).some((a) => patternCovers(a, 'sts:AssumeRole', true));
    const condition = conditionOf(s);
    const entries = Object.entries(condition);
    const [only] = entries;
    if (!denies || entries.length !== 1 || !only || only[0] !== 'StringNotEquals') return false;
    const block = Object.entries((only[1] ?? {}) as Record<string, unknown>);
    const [key] = block;
    return (
      block.length === 1 &&
      key !== undefined &&
      key[0].toLowerCase() === 'sts:externalid' &&
      listOf(key[1]).length === 1 &&
      listOf(key[1])[0] === externalId
    );
  });
}

export function checkTargetRole(
  role: RenderedTargetRole,
  expected: TargetRoleExpectations = {},
): StaticFinding[] {
  const trust = role.trustPolicy;
  const findings: StaticFinding[] = [
    ...wellFormed(trust, validateTrustPolicy),
    ...noWildcardPrincipal(trust),
    ...extraActions(trust, lower(['sts:AssumeRole', 'sts:SetSourceIdentity']), 'trustTooWide'),
  ];
  statementsOf(trust.policy).forEach((s, i) => {
    if (s.Effect !== 'Allow') return;
    const actions = listOf(s.Action).map((a) => a.toLowerCase());
    if (actions.includes('sts:setsourceidentity') && !actions.includes('sts:assumerole')) {
      const message =
        'trusts sts:SetSourceIdentity without sts:AssumeRole in the same statement; keep both in TrustOnlyTheExecutionRole';
      findings.push(finding(trust, s, i, message, 'trustTooWide'));
    }
    findings.push(...principalArnNotExact(trust, s, i));
  });
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
      // A pattern (ec2:Start*, ec2:*) that matches a tag-scoped action counts as that action.
      const startStop = actions.some((a) =>
        TAG_SCOPED_ACTIONS.some((scoped) => patternCovers(a, scoped, true)),
      );
      if (startStop && !keys.some((k) => /^(aws|ec2):resourcetag\//.test(k))) {
        const message = 'allows start/stop without a resource-tag condition';
        findings.push(finding(policy, s, i, message, 'controlTagNotEnforced'));
      } else if (startStop && expected.control && !scopedByControlTag(s, expected.control)) {
        const message = `allows start/stop scoped by another tag than the control tag: needs StringEquals aws:ResourceTag/${expected.control.key} = ${expected.control.value}`;
        findings.push(finding(policy, s, i, message, 'controlTagNotEnforced'));
      }
      if (actions.includes('kms:creategrant')) findings.push(...grantTooWide(policy, s, i));
    });
  }
  findings.push(...regionsNotEnforced(role));
  if (expected.externalId && !externalIdEnforced(trust, expected.externalId)) {
    findings.push({
      policy: trust.name,
      source: trust.source,
      statement: 'RequireExternalId',
      message: `does not refuse sts:AssumeRole without the configured ExternalId (a Deny with StringNotEquals sts:ExternalId = ${expected.externalId} and no other condition)`,
      hint: 'externalIdNotEnforced',
    });
  }
  return findings;
}

/** The keys a grant for EC2 must be conditioned on (what EC2 sends when it starts an instance). */
const GRANT_CONDITIONS: Array<[key: string, missing: string]> = [
  ['kms:grantisforawsresource', 'kms:GrantIsForAWSResource'],
  ['kms:viaservice', 'kms:ViaService'],
  ['kms:grantoperations', 'kms:GrantOperations'],
  ['kms:encryptioncontextkeys', 'kms:EncryptionContextKeys'],
];

function grantTooWide(policy: NamedPolicy, s: PolicyStatement, i: number): StaticFinding[] {
  // A key named only in a Null block is required to exist, not limited: it does not count.
  const keys = conditionKeys({ ...s, Condition: withoutNull(s.Condition) });
  const findings = GRANT_CONDITIONS.filter(([key]) => !keys.includes(key)).map(([, name]) =>
    finding(policy, s, i, `allows kms:CreateGrant without ${name}`, 'kmsGrantTooWide'),
  );
  const condition = conditionOf(s);
  const via = Object.values(condition).flatMap((block) =>
    Object.entries(block)
      .filter(([k]) => k.toLowerCase() === 'kms:viaservice')
      .flatMap(([, v]) => listOf(v)),
  );
  if (via.some((v) => v.includes('*') || v.includes('?'))) {
    const message = `allows kms:CreateGrant through ${via.join(', ')}: name each region's EC2 endpoint`;
    findings.push(finding(policy, s, i, message, 'kmsGrantTooWide'));
  }
  // ForAllValues passes a request without the key at all: a Null check must require it.
  for (const key of ['kms:grantoperations', 'kms:encryptioncontextkeys']) {
    const nullBlock = Object.entries(condition).find(([op]) => op.toLowerCase() === 'null')?.[1];
    const required = Object.entries(nullBlock ?? {}).some(
      ([k, v]) => k.toLowerCase() === key && String(v) === 'false',
    );
    if (keys.includes(key) && !required) {
      const message = `conditions kms:CreateGrant on ${key} without a Null check, so a grant without it passes`;
      findings.push(finding(policy, s, i, message, 'kmsGrantTooWide'));
    }
  }
  return findings;
}

function withoutNull(condition: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries((condition ?? {}) as Record<string, unknown>).filter(
      ([op]) => op.toLowerCase() !== 'null',
    ),
  );
}

/** Every task's region-scoped actions must be denied outside the stage's regions (aws:RequestedRegion). */
function regionsNotEnforced(role: RenderedTargetRole): StaticFinding[] {
  const denied = role.permissionPolicies.flatMap((p) =>
    statementsOf(p.policy)
      .filter((s) => s.Effect === 'Deny' && conditionKeys(s).includes('aws:requestedregion'))
      .flatMap((s) => listOf(s.Action).map((a) => a.toLowerCase())),
  );
  const open = REGION_SCOPED_ACTIONS.filter(
    (action) => !denied.some((pattern) => patternCovers(pattern, action, true)),
  );
  if (open.length === 0) return [];
  return [
    {
      policy: `permission policies of ${role.roleArn}`,
      source: 'resources/target-account-role.yml',
      statement: 'DenyOutsideTheStageRegions',
      message: `${open.join(', ')} ${open.length === 1 ? 'is' : 'are'} not limited to the stage regions by aws:RequestedRegion`,
      hint: 'regionsNotEnforced',
    },
  ];
}

/**
 * The schedules' invoke role: only EventBridge Scheduler, only for this account, only for this
 * stage's own schedule group, and every schedule of the stage in it. aws:SourceArn must be the
 * group's ARN itself: that is what Scheduler sends (Scheduler User Guide, "Cross-service confused
 * deputy prevention"), so a schedule ARN or a pattern of them would make STS refuse every run.
 */
export function checkSchedulerRole(stage: ResolvedStage): StaticFinding[] {
  const side = stage.scheduler;
  if (!side) return [];
  const trust = side.trustPolicy;
  const findings: StaticFinding[] = [...wellFormed(trust, validateTrustPolicy)];
  const { partition, region, homeAccountId } = stage;
  const groupArns = side.groups.map(
    (g) => `arn:${partition}:scheduler:${region}:${homeAccountId}:schedule-group/${g}`,
  );
  statementsOf(trust.policy).forEach((s, i) => {
    if (s.Effect !== 'Allow') return;
    const condition = conditionOf(s);
    const values = (key: string) =>
      Object.values(condition).flatMap((block) =>
        Object.entries(block)
          .filter(([k]) => k.toLowerCase() === key)
          .flatMap(([, v]) => listOf(v)),
      );
    const account = values('aws:sourceaccount');
    if (account.length !== 1 || account[0] !== homeAccountId) {
      const message = `trusts the scheduler without aws:SourceAccount = ${homeAccountId}`;
      findings.push(finding(trust, s, i, message, 'schedulerTrustTooWide'));
    }
    const arns = values('aws:sourcearn');
    const scheduleForm = arns.filter((a) => typeof a === 'string' && /:schedule\//.test(a));
    if (scheduleForm.length > 0) {
      const message = `names schedules (${scheduleForm.join(', ')}) as aws:SourceArn, but EventBridge Scheduler sends the schedule-group ARN (${groupArns.join(', ')}): STS would refuse every scheduled run`;
      findings.push(finding(trust, s, i, message, 'schedulerTrustNeverMatches'));
    } else if (arns.length === 0 || arns.some((a) => !groupArns.includes(a))) {
      const message = `trusts the scheduler for ${arns.length ? arns.join(', ') : 'any schedule'}, not only the schedule group ${groupArns.join(', ') || '(none declared)'}`;
      findings.push(finding(trust, s, i, message, 'schedulerTrustTooWide'));
    }
  });
  for (const schedule of side.schedules.filter((s) => !side.groups.includes(s.group))) {
    findings.push({
      policy: trust.name,
      source: trust.source,
      statement: schedule.name,
      message: `schedule ${schedule.name} is in group ${schedule.group}, not the stage's own group, so the scheduler role cannot be scoped to it`,
      hint: 'schedulerTrustTooWide',
    });
  }
  return findings;
}

/** The services whose resources an RCP can guard (AWS Organizations, RCPs: supported services). */
const RCP_SERVICES = new Set([
  'aoss',
  'cognito-idp',
  'dynamodb',
  'ecr',
  'kms',
  'logs',
  's3',
  'secretsmanager',
  'sqs',
  'sts',
]);

/** An RCP action of another service (ec2:, iam:) is refused when the RCP is attached. */
function rcpServiceFindings(policy: NamedPolicy): StaticFinding[] {
  return statementsOf(policy.policy).flatMap((s, i) =>
    listOf(s.Action)
      .filter((a) => !RCP_SERVICES.has(a.split(':')[0]?.toLowerCase() ?? ''))
      .map((a) => ({
        policy: policy.name,
        source: policy.source,
        statement: s.Sid ?? `#${i + 1}`,
        message: `not well-formed at Statement[${i}].Action: RCPs apply only to ${[...RCP_SERVICES].join(', ')}, not ${a}`,
        hint: 'malformedPolicy' as const,
      })),
  );
}

/** User-supplied guardrails must at least parse, or their effect would be meaningless. */
export function checkGuardrail(
  policy: NamedPolicy,
  kind: 'scp' | 'rcp' | 'boundary',
): StaticFinding[] {
  if (kind === 'rcp') {
    return [...wellFormed(policy, validateResourceControlPolicy), ...rcpServiceFindings(policy)];
  }
  return wellFormed(policy, kind === 'scp' ? validateServiceControlPolicy : validateIdentityPolicy);
}
