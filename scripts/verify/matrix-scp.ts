/**
 * Matrix cases for the SCPs given with --scp and the RCPs given with --rcp, derived from each
 * policy's own Deny statements and the stage's resources: a principal the statement does not
 * except, whose own policy allows everything, must be denied each listed action on each stage
 * resource of a kind the statement covers (so a Resource narrowed past one of the stage's
 * functions or roles fails); a role any statement of the policy spares (the deploy role, the
 * execution role) must be allowed by every statement; a tag-key statement must leave another
 * tag key alone; and the product's own requests on what the policy covers must still be allowed.
 *
 * An RCP guards the target role, so its cases stand in a loosened trust policy (Principal "*")
 * for the role's own: what must stop the outsider is the RCP alone, and a statement whose
 * actions apply to roles must cover the target role even if its Resource misses it.
 */
import { allowedContextKeysForRequest, isWildcardOnlyAction } from '@cloud-copilot/iam-simulate';
import { wildcardMatch } from '../shared/iam-wildcard';
import type { CfnTemplate } from '../shared/stack/package-stage';
import type { ResolvedStage } from './execution-role';
import { declaredActions } from './guardrail-intents';
import { type MatrixCase, type ScpRole, sessionArn, shortArn } from './matrix-case';
import type { LoadedWorld } from './policy-authorizer';
import { homeResources, type StageResource, targetResources } from './scp-resources';
import {
  exceptedPrincipal,
  type Protection,
  protectionsOf,
  triggerContexts,
} from './scp-statements';
import type { WorldPolicy, WorldPrincipal } from './world';

/** How one kind of Organization policy reaches the stage. */
interface Control {
  kind: 'scp' | 'rcp';
  /** `SCP` or `RCP`, in titles and notes. */
  label: string;
  /** The flag the policies came with, in notes. */
  flag: string;
  policies: readonly WorldPolicy[];
  /** The accounts whose resources the cases act on. */
  accounts: string[];
  /** Which stage resources the policy can guard. */
  guards: (r: StageResource) => boolean;
  /** The account whose principals a statement's exception names. */
  exceptionAccount: (resource: StageResource) => string;
  /** Kinds a statement must cover whatever its Resource says, by its actions. */
  mustCover: (p: Protection) => string[];
  /** The trust policy the cases assume the role had (RCPs: a loosened one). */
  trustPolicy?: WorldPolicy;
}

/** Whose own policy allows everything: only an SCP can stop them. */
const ALLOW_ALL: WorldPolicy = {
  name: 'AdministratorAccess',
  policy: {
    Version: '2012-10-17',
    Statement: [{ Sid: 'AllowEverything', Effect: 'Allow', Action: '*', Resource: '*' }],
  },
};

/** The accounts the SCP cases run in: the home account and the first target. */
function scpAccounts(stage: ResolvedStage): string[] {
  const first = stage.config.targets[0]?.accountId;
  return [stage.homeAccountId, ...(first ? [first] : [])];
}

/** A trust someone loosened to anyone: only an RCP then stands between them and the role. */
const LOOSENED_TRUST: WorldPolicy = {
  name: 'loosened to Principal *',
  policy: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TrustAnyone',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
      },
    ],
  },
};

/** An account of no stage: the outsider of the RCP cases. */
function foreignAccount(stage: ResolvedStage): string {
  const used = new Set([stage.homeAccountId, ...stage.config.targets.map((t) => t.accountId)]);
  return (
    ['999999999999', '888888888888', '777777777777'].find((a) => !used.has(a)) ?? '999999999999'
  );
}

function scpControl(stage: ResolvedStage, scps: readonly WorldPolicy[]): Control {
  return {
    kind: 'scp',
    label: 'SCP',
    flag: '--scp',
    policies: scps,
    accounts: scpAccounts(stage),
    guards: () => true,
    exceptionAccount: (r) => r.account,
    mustCover: () => [],
  };
}

/** RCPs sit on the target accounts; STS is the one service of theirs this stage uses there. */
function rcpControl(stage: ResolvedStage, rcps: readonly WorldPolicy[]): Control {
  const first = stage.config.targets[0]?.accountId;
  return {
    kind: 'rcp',
    label: 'RCP',
    flag: '--rcp',
    policies: rcps,
    accounts: first ? [first] : [],
    guards: (r) => r.kind === 'target role',
    // The execution role it spares lives in the home account.
    exceptionAccount: () => stage.homeAccountId,
    mustCover: (p) => (p.actions.some((a) => /^sts:/i.test(a)) ? ['target role'] : []),
    trustPolicy: LOOSENED_TRUST,
  };
}

function exceptionsOf(scps: readonly WorldPolicy[]): string[] {
  return scps.flatMap((s) =>
    protectionsOf(s.name, s.policy, declaredActions).flatMap((r) =>
      'protection' in r ? r.protection.exceptions : [],
    ),
  );
}

/** A role in `account` that no SCP statement excepts. */
function bystanderArn(stage: ResolvedStage, account: string, scps: readonly WorldPolicy[]): string {
  const exceptions = exceptionsOf(scps);
  const name = ['developer', 'operator-x', 'z-ops'].find(
    (n) =>
      !exceptions.some((e) => wildcardMatch(e, `arn:${stage.partition}:iam::${account}:role/${n}`)),
  );
  return `arn:${stage.partition}:iam::${account}:role/${name ?? 'developer'}`;
}

/** The accounts of the principals an RCP must stop: home, the first target, an outsider. */
function rcpCallerAccounts(stage: ResolvedStage): string[] {
  return [...scpAccounts(stage), foreignAccount(stage)];
}

/** The principals the SCP and RCP cases act as, for the world (verify-world.ts adds them). */
export function scpPrincipals(
  stage: ResolvedStage,
  scps: readonly WorldPolicy[] = [],
  rcps: readonly WorldPolicy[] = [],
): WorldPrincipal[] {
  const scpArns =
    scps.length === 0
      ? []
      : scpAccounts(stage).flatMap((account) => [
          bystanderArn(stage, account, scps),
          ...exceptionsOf(scps).flatMap((e) => exceptedPrincipal(e, account) ?? []),
        ]);
  const rcpArns =
    rcps.length === 0
      ? []
      : [
          ...rcpCallerAccounts(stage).map((account) => bystanderArn(stage, account, rcps)),
          ...exceptionsOf(rcps).flatMap((e) => exceptedPrincipal(e, stage.homeAccountId) ?? []),
        ];
  return [...new Set([...scpArns, ...rcpArns])].map((arn) => ({
    arn,
    identityPolicies: [ALLOW_ALL],
  }));
}

/** The service whose resources an action acts on: STS acts on IAM roles. */
function resourceService(actionService: string): string {
  return actionService.toLowerCase() === 'sts' ? 'iam' : actionService.toLowerCase();
}

/**
 * The context keys a request may carry, or undefined when the action does not act on this
 * resource: another service's resource, an action on `*` only, or another resource type.
 */
async function contextKeysFor(
  action: string,
  resourceArn: string,
  notes: string[],
): Promise<string[] | undefined> {
  const [service = '', name = ''] = action.split(':');
  if (resourceArn.split(':')[2] !== resourceService(service)) return undefined;
  try {
    if (await isWildcardOnlyAction(service, name)) return undefined;
    return await allowedContextKeysForRequest(service, name, resourceArn, false, undefined);
  } catch (error) {
    const message = (error as Error).message;
    // Another resource type is the expected answer; anything else (a misspelt action) is news.
    if (!/No resource types found/.test(message)) notes.push(`${action}: ${message}`);
    return undefined;
  }
}

/** The service reference writes a tag-keyed context key as `aws:requesttag/${tagkey}`. */
const TAG_KEY_PLACEHOLDER = '$' + '{tagkey}';

function keyAllowed(key: string, allowed: string[]): boolean {
  const lower = key.toLowerCase();
  return allowed.some((a) =>
    a.endsWith(`/${TAG_KEY_PLACEHOLDER}`)
      ? lower.startsWith(a.slice(0, -TAG_KEY_PLACEHOLDER.length))
      : a === lower,
  );
}

interface Pair {
  action: string;
  resource: StageResource;
  allowed: string[];
}

/** The request context for `keys`, with the tag values CreateTags sends when it may. */
function requestContext(
  context: Record<string, string | string[]>,
  allowed: string[],
  tagValue: string,
): Record<string, string | string[]> | undefined {
  if (!Object.keys(context).every((k) => keyAllowed(k, allowed))) return undefined;
  const tags = context['aws:TagKeys'];
  const withValues = { ...context };
  if (Array.isArray(tags) && keyAllowed('aws:RequestTag/x', allowed)) {
    for (const t of tags) withValues[`aws:RequestTag/${t}`] = tagValue;
  }
  return withValues;
}

function scpCase(
  control: Control,
  p: Protection,
  role: ScpRole,
  pair: Pair,
  principalArn: string,
  context: Record<string, string | string[]>,
  title: string,
): MatrixCase {
  const { action, resource } = pair;
  // Unique per request: the resource part of the ARN (function:…, role/…, schedule/…/…), and
  // for an RCP the caller's account (it stops callers of several accounts).
  const where = resource.arn.split(':').slice(5).join(':');
  const caller = control.kind === 'rcp' ? `/${principalArn.split(':')[4]}` : '';
  return {
    id: `${control.kind}/${p.policy}/${p.statement}/${role}/${action}/${where}${caller}`,
    title,
    target: resource.account,
    principal: shortArn(principalArn),
    action,
    resource: resource.arn,
    expected: role === 'blocks' ? 'Denied' : 'Allowed',
    scp: {
      ...(control.kind === 'rcp' ? { control: 'rcp' as const } : {}),
      policy: p.policy,
      statement: p.statement,
      role,
      resourceKind: resource.kind,
    },
    run: (a) =>
      a.authorizeRequest({
        ...(control.trustPolicy ? { trustPolicy: control.trustPolicy } : {}),
        callerSessionArn: sessionArn(principalArn, 'scp-case'),
        callerRoleArn: principalArn,
        action,
        resourceArn: resource.arn,
        resourceAccountId: resource.account,
        ...(resource.region ? { region: resource.region } : {}),
        context,
      }),
  };
}

async function statementCases(
  control: Control,
  p: Protection,
  spared: readonly string[],
  stage: ResolvedStage,
  resources: StageResource[],
  notes: string[],
): Promise<MatrixCase[]> {
  const policies = control.policies;
  const where = `${p.policy} statement ${p.statement}`;
  const { controlTagKey, controlTagValue } = stage.config;
  const contexts = triggerContexts(p, controlTagKey);
  if (typeof contexts === 'string') {
    notes.push(`${where}: ${contexts}; no cases`);
    return [];
  }
  const covered = resources.filter((r) => p.resources.some((pat) => wildcardMatch(pat, r.arn)));
  // Every resource of a kind the statement covers must be covered: a narrowed pattern fails.
  const kinds = new Set([...covered.map((r) => r.kind), ...control.mustCover(p)]);
  if (kinds.size === 0) {
    notes.push(`${where} covers none of the stage's resources; no cases`);
    return [];
  }
  const inScope = resources.filter((r) => kinds.has(r.kind));
  // Which action applies to which resource type: the service reference's answer depends on the
  // kind, so each action is asked once per kind, all at once.
  const byKind = new Map<string, Promise<string[] | undefined>>();
  const problems: string[] = [];
  const candidates = p.actions.flatMap((action) =>
    inScope.map((resource) => {
      const key = `${action}|${resource.kind}`;
      if (!byKind.has(key)) byKind.set(key, contextKeysFor(action, resource.arn, problems));
      return { action, resource, keys: byKind.get(key) };
    }),
  );
  const pairs: Pair[] = [];
  for (const { action, resource, keys } of candidates) {
    const allowed = await keys;
    if (allowed && requestContext(contexts.triggers, allowed, controlTagValue)) {
      pairs.push({ action, resource, allowed });
    }
  }
  for (const problem of new Set(problems)) notes.push(`${where}: ${problem}`);
  // Each action once, and each resource once: every line of the statement shows in the matrix.
  const shown: Pair[] = [];
  for (const action of p.actions) {
    const first = pairs.find((x) => x.action === action);
    if (first) shown.push(first);
  }
  for (const resource of inScope) {
    if (shown.some((x) => x.resource === resource)) continue;
    const first = pairs.find((x) => x.resource === resource);
    if (first) shown.push(first);
  }
  const { label } = control;
  const cases = shown.map((pair) => {
    const principal = bystanderArn(stage, pair.resource.account, policies);
    const context = requestContext(contexts.triggers, pair.allowed, controlTagValue) ?? {};
    return scpCase(
      control,
      p,
      'blocks',
      pair,
      principal,
      context,
      `${label} blocks: ${pair.resource.kind}`,
    );
  });
  const [head] = shown;
  if (!head) {
    notes.push(
      `${where}: none of its actions applies to the stage's resources it covers; no cases`,
    );
    return cases;
  }
  const triggers = requestContext(contexts.triggers, head.allowed, controlTagValue) ?? {};
  // An RCP binds callers of every account: the home account's other roles and an outsider too.
  if (control.kind === 'rcp') {
    for (const account of rcpCallerAccounts(stage).filter((a) => a !== head.resource.account)) {
      const principal = bystanderArn(stage, account, policies);
      const from = account === stage.homeAccountId ? 'the home account' : 'another account';
      cases.push(
        scpCase(control, p, 'blocks', head, principal, triggers, `${label} blocks: ${from}`),
      );
    }
  }
  // A role one statement of the policy spares (the deploy role) must be spared by all of them.
  for (const pattern of spared) {
    const principal = exceptedPrincipal(pattern, control.exceptionAccount(head.resource));
    if (!principal) continue;
    cases.push(
      scpCase(
        control,
        p,
        'exception',
        head,
        principal,
        triggers,
        `${label} spares ${principal.split('/').pop()}`,
      ),
    );
  }
  if (contexts.otherTag) {
    const context = requestContext(contexts.otherTag.context, head.allowed, 'web');
    if (context) {
      const principal = bystanderArn(stage, head.resource.account, policies);
      cases.push(
        scpCase(
          control,
          p,
          'unaffected',
          head,
          principal,
          context,
          `${label} leaves tag ${contexts.otherTag.key} alone`,
        ),
      );
    }
  }
  return cases;
}

/**
 * The product's own allowed requests (the matrix's) on what an SCP or RCP covers with an action
 * of the same service, once per case id, in the accounts its cases run in: with the policies
 * attached they must stay allowed.
 */
function productCases(control: Control, scp: WorldPolicy, matrix: MatrixCase[]): MatrixCase[] {
  const { accounts, kind, label } = control;
  const statements = protectionsOf(scp.name, scp.policy, declaredActions).flatMap((r) =>
    'protection' in r ? [r.protection] : [],
  );
  const seen = new Set<string>();
  const cases: MatrixCase[] = [];
  for (const c of matrix) {
    if (c.expected !== 'Allowed' || !accounts.includes(c.target) || seen.has(c.id)) continue;
    // Touched: the statement covers the resource with an action of the same service.
    const service = c.action.split(':')[0]?.toLowerCase();
    const touching = statements.find(
      (p) =>
        p.resources.some((pat) => wildcardMatch(pat, c.resource)) &&
        p.actions.some((a) => a.split(':')[0]?.toLowerCase() === service),
    );
    if (!touching) continue;
    seen.add(c.id);
    cases.push({
      ...c,
      id: `${kind}/${scp.name}/product/${c.id}`,
      title: `with ${label}s: ${c.title}`,
      scp: {
        ...(kind === 'rcp' ? { control: 'rcp' as const } : {}),
        policy: scp.name,
        statement: touching.statement,
        role: 'product',
      },
    });
  }
  return cases;
}

export interface ScpCases {
  cases: MatrixCase[];
  notes: string[];
}

/** One kind's cases: blocks, exceptions, other tags, the product unharmed, what none covers. */
async function controlCases(
  control: Control,
  stage: ResolvedStage,
  all: StageResource[],
  matrix: MatrixCase[],
): Promise<ScpCases> {
  const notes: string[] = [];
  const scps = control.policies;
  if (scps.length === 0) return { cases: [], notes };
  const resources = all.filter(control.guards);
  const cases: MatrixCase[] = [];
  for (const scp of scps) {
    const reads = protectionsOf(scp.name, scp.policy, declaredActions);
    const spared = [
      ...new Set(reads.flatMap((r) => ('protection' in r ? r.protection.exceptions : []))),
    ];
    for (const read of reads) {
      if ('skipped' in read) {
        notes.push(read.skipped);
        continue;
      }
      cases.push(
        ...(await statementCases(control, read.protection, spared, stage, resources, notes)),
      );
    }
    cases.push(...productCases(control, scp, matrix));
  }
  const unprotected = resources.filter(
    (r) =>
      !scps.some((s) =>
        protectionsOf(s.name, s.policy, declaredActions).some(
          (read) =>
            'protection' in read &&
            read.protection.resources.some((pat) => wildcardMatch(pat, r.arn)),
        ),
      ),
  );
  for (const r of unprotected) {
    notes.push(`no ${control.flag} statement covers the ${r.kind} ${r.arn}`);
  }
  return { cases, notes };
}

/** Every SCP case for a stage: blocks, exceptions, other tags, and the product unharmed. */
export async function buildScpCases(
  loaded: LoadedWorld,
  template: CfnTemplate,
  scps: readonly WorldPolicy[],
  matrix: MatrixCase[],
): Promise<ScpCases> {
  const { stage } = loaded;
  const resources = [...homeResources(stage, template), ...targetResources(stage)];
  return controlCases(scpControl(stage, scps), stage, resources, matrix);
}

/**
 * Every RCP case for a stage, on the target role of the first target: a principal that is not
 * the execution role (in the target account, the home account, another account) denied even
 * through a loosened trust, the role the RCP spares let through, and the product unharmed.
 */
export async function buildRcpCases(
  loaded: LoadedWorld,
  rcps: readonly WorldPolicy[],
  matrix: MatrixCase[],
): Promise<ScpCases> {
  const { stage } = loaded;
  return controlCases(rcpControl(stage, rcps), stage, targetResources(stage), matrix);
}
