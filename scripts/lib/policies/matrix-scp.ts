/**
 * Matrix cases for the SCPs given with --scp, derived from each SCP's own Deny statements and
 * the stage's resources: a principal the statement does not except, whose own policy allows
 * everything, must be denied each listed action on each stage resource of a kind the statement
 * covers (so a Resource narrowed past one of the stage's functions or roles fails); a role any
 * statement of the SCP spares (its deploy role) must be allowed by every statement; a tag-key
 * statement must leave another tag key alone; and the product's own requests on what the SCP
 * covers must still be allowed.
 */
import { allowedContextKeysForRequest, isWildcardOnlyAction } from '@cloud-copilot/iam-simulate';
import type { LoadedWorld } from '../policy-authorizer';
import type { ResolvedStage } from './execution-role';
import { type MatrixCase, type ScpRole, sessionArn, shortArn } from './matrix-case';
import type { CfnTemplate } from './package-stage';
import { homeResources, type StageResource, targetResources } from './scp-resources';
import {
  exceptedPrincipal,
  type Protection,
  protectionsOf,
  triggerContexts,
  wildcardMatch,
} from './scp-statements';
import type { WorldPolicy, WorldPrincipal } from './world';

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

function exceptionsOf(scps: readonly WorldPolicy[]): string[] {
  return scps.flatMap((s) =>
    protectionsOf(s.name, s.policy).flatMap((r) =>
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

/** The principals the SCP cases act as, for the world (verify-world.ts adds them). */
export function scpPrincipals(
  stage: ResolvedStage,
  scps: readonly WorldPolicy[] = [],
): WorldPrincipal[] {
  if (scps.length === 0) return [];
  const arns = scpAccounts(stage).flatMap((account) => [
    bystanderArn(stage, account, scps),
    ...exceptionsOf(scps).flatMap((e) => exceptedPrincipal(e, account) ?? []),
  ]);
  return [...new Set(arns)].map((arn) => ({ arn, identityPolicies: [ALLOW_ALL] }));
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
  if (resourceArn.split(':')[2] !== service.toLowerCase()) return undefined;
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
  p: Protection,
  role: ScpRole,
  pair: Pair,
  principalArn: string,
  context: Record<string, string | string[]>,
  title: string,
): MatrixCase {
  const { action, resource } = pair;
  return {
    // Unique per request: the resource part of the ARN (function:…, role/…, schedule/…/…).
    id: `scp/${p.policy}/${p.statement}/${role}/${action}/${resource.arn.split(':').slice(5).join(':')}`,
    title,
    target: resource.account,
    principal: shortArn(principalArn),
    action,
    resource: resource.arn,
    expected: role === 'blocks' ? 'Denied' : 'Allowed',
    scp: { policy: p.policy, statement: p.statement, role },
    run: (a) =>
      a.authorizeRequest({
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
  p: Protection,
  spared: readonly string[],
  stage: ResolvedStage,
  resources: StageResource[],
  scps: readonly WorldPolicy[],
  notes: string[],
): Promise<MatrixCase[]> {
  const where = `${p.policy} statement ${p.statement}`;
  const { controlTagKey, controlTagValue } = stage.config;
  const contexts = triggerContexts(p, controlTagKey);
  if (typeof contexts === 'string') {
    notes.push(`${where}: ${contexts}; no cases`);
    return [];
  }
  const covered = resources.filter((r) => p.resources.some((pat) => wildcardMatch(pat, r.arn)));
  if (covered.length === 0) {
    notes.push(`${where} covers none of the stage's resources; no cases`);
    return [];
  }
  // Every resource of a kind the statement covers must be covered: a narrowed pattern fails.
  const kinds = new Set(covered.map((r) => r.kind));
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
  const cases = shown.map((pair) => {
    const principal = bystanderArn(stage, pair.resource.account, scps);
    const context = requestContext(contexts.triggers, pair.allowed, controlTagValue) ?? {};
    return scpCase(p, 'blocks', pair, principal, context, `SCP blocks: ${pair.resource.kind}`);
  });
  const [head] = shown;
  if (!head) {
    notes.push(
      `${where}: none of its actions applies to the stage's resources it covers; no cases`,
    );
    return cases;
  }
  const triggers = requestContext(contexts.triggers, head.allowed, controlTagValue) ?? {};
  // A role one statement of the SCP spares (the deploy role) must be spared by all of them.
  for (const pattern of spared) {
    const principal = exceptedPrincipal(pattern, head.resource.account);
    if (!principal) continue;
    cases.push(
      scpCase(
        p,
        'exception',
        head,
        principal,
        triggers,
        `SCP spares ${principal.split('/').pop()}`,
      ),
    );
  }
  if (contexts.otherTag) {
    const context = requestContext(contexts.otherTag.context, head.allowed, 'web');
    if (context) {
      const principal = bystanderArn(stage, head.resource.account, scps);
      cases.push(
        scpCase(
          p,
          'unaffected',
          head,
          principal,
          context,
          `SCP leaves tag ${contexts.otherTag.key} alone`,
        ),
      );
    }
  }
  return cases;
}

/**
 * The product's own allowed requests (the matrix's) on what an SCP covers with an action of the
 * same service, once per case id, in the home account and the first target: with the SCPs
 * attached they must stay allowed.
 */
function productCases(scp: WorldPolicy, matrix: MatrixCase[], accounts: string[]): MatrixCase[] {
  const statements = protectionsOf(scp.name, scp.policy).flatMap((r) =>
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
      id: `scp/${scp.name}/product/${c.id}`,
      title: `with SCPs: ${c.title}`,
      scp: { policy: scp.name, statement: touching.statement, role: 'product' },
    });
  }
  return cases;
}

export interface ScpCases {
  cases: MatrixCase[];
  notes: string[];
}

/** Every SCP case for a stage: blocks, exceptions, other tags, and the product unharmed. */
export async function buildScpCases(
  loaded: LoadedWorld,
  template: CfnTemplate,
  scps: readonly WorldPolicy[],
  matrix: MatrixCase[],
): Promise<ScpCases> {
  const notes: string[] = [];
  if (scps.length === 0) return { cases: [], notes };
  const { stage } = loaded;
  const resources = [...homeResources(stage, template), ...targetResources(stage)];
  const cases: MatrixCase[] = [];
  for (const scp of scps) {
    const reads = protectionsOf(scp.name, scp.policy);
    const spared = [
      ...new Set(reads.flatMap((r) => ('protection' in r ? r.protection.exceptions : []))),
    ];
    for (const read of reads) {
      if ('skipped' in read) {
        notes.push(read.skipped);
        continue;
      }
      cases.push(...(await statementCases(read.protection, spared, stage, resources, scps, notes)));
    }
    cases.push(...productCases(scp, matrix, scpAccounts(stage)));
  }
  const unprotected = resources.filter(
    (r) =>
      !scps.some((s) =>
        protectionsOf(s.name, s.policy).some(
          (read) =>
            'protection' in read &&
            read.protection.resources.some((pat) => wildcardMatch(pat, r.arn)),
        ),
      ),
  );
  for (const r of unprotected) {
    notes.push(`no --scp statement covers the ${r.kind} ${r.arn}`);
  }
  return { cases, notes };
}
