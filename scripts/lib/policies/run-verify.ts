/**
 * verify as a library: package each stage (in parallel), build its world from the stage's own
 * params, run the matrix in Strict mode and the static checks, and report every difference
 * with the hint that names the statement to fix. The CLI (scripts/verify.ts) only parses
 * flags and prints.
 */
import { createPolicyAuthorizer, PolicyEvaluationError } from '../policy-authorizer';
import { type ResolvedStage, resolveStage } from './execution-role';
import { type DecidingStatement, statementLabel } from './explain';
import { type HintId, hintText } from './hints';
import { type Bystanders, buildMatrix, type Expected, type MatrixCase } from './matrix';
import { type PackagedStage, packageStage } from './package-stage';
import type { PolicyDecision } from './simulate';
import { PLACEHOLDER_HOME_ACCOUNT, type StageWorldOptions, stageWorld } from './stage-world';
import { configuredStages } from './stages';
import {
  checkExecutionRole,
  checkGuardrail,
  checkTargetRole,
  type StaticFinding,
} from './static-checks';
import type { WorldTarget } from './world';

export interface VerifyOptions extends StageWorldOptions {
  /** Stages to verify; every stage in serverless.yml params by default. */
  stages?: string[];
  homeAccountId?: string;
  partition?: string;
  /** Home region to package for; serverless.yml's default otherwise. */
  region?: string;
  /** Modified documents to verify instead of the files (the breakage tests use this). */
  documents?: {
    packaged?: (stage: string) => Promise<PackagedStage>;
    targetTemplate?: unknown;
  };
}

export type Actual = PolicyDecision['result'] | 'Error';

export interface CaseResult {
  stage: string;
  id: string;
  title: string;
  target: string;
  principal: string;
  action: string;
  resource: string;
  expected: Expected;
  actual: Actual;
  /** Short form of the deciding statements, e.g. `trust:RequireExternalId(Deny)`. */
  deciding: string;
  explanation: string;
  ok: boolean;
  hint?: HintId;
  /** The hint in words, for a case that came out the other way. */
  fix?: string;
}

export interface TargetSummary {
  accountId: string;
  roleArn: string;
  externalId: boolean;
  kmsKeyArn?: string;
}

export interface StageReport {
  stage: string;
  region: string;
  executionRoleArn: string;
  functions: string[];
  targets: TargetSummary[];
  cases: CaseResult[];
  findings: (StaticFinding & { fix: string })[];
  notes: string[];
}

export interface VerifyReport {
  ok: boolean;
  homeAccountId: string;
  stages: StageReport[];
  cases: number;
  mismatches: number;
  findings: number;
  durationMs: number;
}

/** Account IDs for bystanders: any that the stage does not use. */
const SPARE_ACCOUNTS = [
  '444444444444',
  '555555555555',
  '666666666666',
  '777777777777',
  '888888888888',
];

export function decidingShort(deciding: DecidingStatement[]): string {
  if (deciding.length === 0) return '-';
  return deciding
    .map((s) => {
      const named = s.sid !== undefined || s.index !== undefined;
      const what =
        s.effect !== 'None'
          ? statementLabel(s)
          : named
            ? `${statementLabel(s)}(no match)`
            : 'no Allow';
      return `${s.kind}:${what}${s.effect === 'Deny' ? '(Deny)' : ''}`;
    })
    .join(' + ');
}

/** The hint for an expected Allow that was denied: the first layer that said no. */
function hintForDenied(c: MatrixCase, deciding: DecidingStatement[]): HintId {
  const kinds = new Set(deciding.map((d) => d.kind));
  if (kinds.has('scp')) return 'scpBlocks';
  if (kinds.has('boundary')) return 'boundaryBlocks';
  if (c.ifDenied === 'kms') return 'kmsGrantMissing';
  if (c.ifDenied === 'ec2') return 'ec2AccessMissing';
  const sids = new Set(deciding.map((d) => d.sid));
  if (sids.has('RequireExternalId')) return 'externalIdMismatch';
  if (sids.has('RequireOrganization')) return 'organizationMismatch';
  if (kinds.has('trust')) return 'trustRejectsExecutionRole';
  return 'executionRoleCannotAssume';
}

async function runCase(stage: string, c: MatrixCase, decide: () => Promise<PolicyDecision>) {
  const base = {
    stage,
    id: c.id,
    title: c.title,
    target: c.target,
    principal: c.principal,
    action: c.action,
    resource: c.resource,
    expected: c.expected,
  };
  let decision: PolicyDecision;
  try {
    decision = await decide();
  } catch (error) {
    if (!(error instanceof PolicyEvaluationError)) throw error;
    const hint: HintId = 'evaluationError';
    return {
      ...base,
      actual: 'Error' as const,
      deciding: '-',
      explanation: error.message,
      ok: false,
      hint,
      fix: hintText(hint),
    };
  }
  const ok = (decision.result === 'Allowed') === (c.expected === 'Allowed');
  const hint = ok
    ? undefined
    : c.expected === 'Denied'
      ? (c.ifAllowed ?? 'evaluationError')
      : hintForDenied(c, decision.deciding);
  return {
    ...base,
    actual: decision.result,
    deciding: decidingShort(decision.deciding),
    explanation: decision.explanation,
    ok,
    ...(hint ? { hint, fix: hintText(hint) } : {}),
  };
}

function bystandersFor(
  stage: ResolvedStage,
  options: VerifyOptions,
  kmsKeys: Record<string, string>,
) {
  const p = stage.partition;
  const used = new Set([stage.homeAccountId, ...stage.config.targets.map((t) => t.accountId)]);
  const [outsider = '444444444444', unconfigured = '555555555555'] = SPARE_ACCOUNTS.filter(
    (a) => !used.has(a),
  );
  const first = stage.config.targets[0];
  const roleName = stage.config.targetRoleName;
  const unlisted = stage.config.targets.map((t) => ({
    roleArn: `arn:${p}:iam::${t.accountId}:role/${roleName}-unlisted`,
    ...(t.externalId ? { externalId: t.externalId } : {}),
  }));
  unlisted.push({
    roleArn: `arn:${p}:iam::${unconfigured}:role/${roleName}`,
    ...(first?.externalId ? { externalId: first.externalId } : {}),
  });
  const bystanders: Bystanders = {
    otherHomeRoleArn: `arn:${p}:iam::${stage.homeAccountId}:role/ci-deployer`,
    homeUserArn: `arn:${p}:iam::${stage.homeAccountId}:user/operator`,
    outsiderRoleArn: `arn:${p}:iam::${outsider}:role/outsider`,
    unlistedRoles: unlisted,
    kmsKeyArns: kmsKeys,
    ...(options.organizationId ? { organizationId: options.organizationId } : {}),
  };
  return bystanders;
}

/** The unlisted roles are real deployments of the same template, trusting the same role. */
function unlistedTargets(
  stage: ResolvedStage,
  bystanders: Bystanders,
  base: WorldTarget[],
): WorldTarget[] {
  const template = base[0]?.roleParameters;
  if (!template) return [];
  return bystanders.unlistedRoles.map(({ roleArn, externalId }) => {
    const accountId = roleArn.split(':')[4] ?? '';
    const sibling = base.find((t) => t.accountId === accountId)?.roleParameters ?? template;
    const { KmsKeyArns: _keys, ...params } = sibling;
    return {
      accountId,
      roleParameters: {
        ...params,
        RoleName: roleArn.split('/').pop() ?? stage.config.targetRoleName,
        ...(externalId ? { ExternalId: externalId } : {}),
      },
    };
  });
}

const ALLOW_ASSUME_ANY = {
  name: 'allow-assume-any-role',
  policy: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow' as const, Action: 'sts:AssumeRole', Resource: '*' }],
  },
};

export async function verifyStage(
  packaged: PackagedStage,
  options: VerifyOptions,
): Promise<StageReport> {
  const homeAccountId = options.homeAccountId ?? PLACEHOLDER_HOME_ACCOUNT;
  const stage = resolveStage(packaged, {
    accountId: homeAccountId,
    ...(options.partition ? { partition: options.partition } : {}),
  });
  const notes: string[] = [];
  // KMS: the configured keys, or an example key per target so the KMS statement is proven too.
  const kmsKeys: Record<string, string> = {};
  for (const t of stage.config.targets) {
    const mine = options.kmsKeyArns?.find((k) => k.split(':')[4] === t.accountId);
    const region = t.regions[0] ?? stage.region;
    kmsKeys[t.accountId] =
      mine ??
      `arn:${stage.partition}:kms:${region}:${t.accountId}:key/00000000-0000-4000-8000-000000000000`;
  }
  if (!options.kmsKeyArns?.length) {
    notes.push('KmsKeyArns: an example key per target (pass --kms-key <arn> to use yours)');
  }
  const worldOptions: StageWorldOptions = { ...options, kmsKeyArns: Object.values(kmsKeys) };
  const bystanders = bystandersFor(stage, options, kmsKeys);
  const base = stageWorld(stage, worldOptions);
  const world = stageWorld(stage, worldOptions, {
    targets: unlistedTargets(stage, bystanders, base.targets),
    principals: [
      { arn: bystanders.otherHomeRoleArn, identityPolicies: [ALLOW_ASSUME_ANY] },
      { arn: bystanders.homeUserArn, identityPolicies: [ALLOW_ASSUME_ANY] },
      { arn: bystanders.outsiderRoleArn, identityPolicies: [ALLOW_ASSUME_ANY] },
    ],
  });
  const authorizer = createPolicyAuthorizer(world, {
    packaged,
    ...(options.documents?.targetTemplate
      ? { targetTemplate: options.documents.targetTemplate }
      : {}),
  });
  const loaded = await authorizer.ready();
  const configuredRoles = loaded.targetRoles.slice(0, stage.config.targets.length);

  const cases = await Promise.all(
    buildMatrix(loaded, bystanders).map((c) => runCase(stage.stage, c, () => c.run(authorizer))),
  );
  const findings = [
    ...checkExecutionRole(stage.executionRole, {
      boundaryGiven: Boolean(options.permissionBoundary),
    }),
    ...configuredRoles.flatMap(checkTargetRole),
    ...(options.serviceControlPolicies ?? []).flatMap((p) =>
      checkGuardrail({ ...p, source: '--scp' }, 'scp'),
    ),
    ...(options.permissionBoundary
      ? checkGuardrail({ ...options.permissionBoundary, source: '--boundary' }, 'boundary')
      : []),
  ].map((f) => ({ ...f, fix: hintText(f.hint) }));
  // Two findings can name the same statement for the same reason (same role in two accounts).
  const unique = [
    ...new Map(findings.map((f) => [`${f.source}|${f.statement}|${f.message}`, f])).values(),
  ];

  for (const t of stage.config.targets) {
    if (!t.externalId) {
      notes.push(
        `target ${t.accountId} has no externalId: any caller the trust policy admits needs no ExternalId (confused-deputy protection off)`,
      );
    }
  }
  if (!options.organizationId) notes.push('no Organization required (pass --org o-… to check it)');
  return {
    stage: stage.stage,
    region: stage.region,
    executionRoleArn: stage.executionRole.roleArn,
    functions: stage.functions.map((f) => f.arn),
    targets: configuredRoles.map((r) => ({
      accountId: r.accountId,
      roleArn: r.roleArn,
      externalId: Boolean(
        stage.config.targets.find((t) => t.accountId === r.accountId)?.externalId,
      ),
      ...(kmsKeys[r.accountId] ? { kmsKeyArn: kmsKeys[r.accountId] } : {}),
    })),
    cases,
    findings: unique,
    notes,
  };
}

export async function verify(options: VerifyOptions = {}): Promise<VerifyReport> {
  const started = Date.now();
  const stages = options.stages?.length ? options.stages : configuredStages();
  const packaged = await Promise.all(
    stages.map((s) =>
      options.documents?.packaged
        ? options.documents.packaged(s)
        : packageStage(s, options.region ? { region: options.region } : {}),
    ),
  );
  const reports = await Promise.all(packaged.map((p) => verifyStage(p, options)));
  const cases = reports.reduce((n, r) => n + r.cases.length, 0);
  const mismatches = reports.reduce((n, r) => n + r.cases.filter((c) => !c.ok).length, 0);
  const findings = reports.reduce((n, r) => n + r.findings.length, 0);
  return {
    ok: mismatches === 0 && findings === 0,
    homeAccountId: options.homeAccountId ?? PLACEHOLDER_HOME_ACCOUNT,
    stages: reports,
    cases,
    mismatches,
    findings,
    durationMs: Date.now() - started,
  };
}
