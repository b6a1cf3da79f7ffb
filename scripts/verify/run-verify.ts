/**
 * verify as a library: package each stage (in parallel), build its world from the stage's own
 * params, run the matrix in Strict mode and the static checks, and report every difference
 * with the hint that names the statement to fix. The CLI (scripts/verify/main.ts) only parses
 * flags and prints.
 */

import { type CfnTemplate, type PackagedStage, packageStage } from '../shared/stack/package-stage';
import { configuredStages } from '../shared/stack/stages';
import {
  callerTaskNotes,
  checkCallerRules,
  checkHttpRoutes,
  checkInvokePermissions,
} from './api-checks';
import { checkAssumeCoverage, sampleTargets } from './assume-scope';
import { type CaseResult, evaluateCase } from './case-result';
import { checkEngineStarters, engineStartersNote } from './engine-starters';
import { type ResolvedStage, resolveStage } from './execution-role';
import { checkShippedGuardrails, shippedGuardrails } from './guardrail-intents';
import { hintText } from './hints';
import { buildMatrix } from './matrix';
import { buildRcpCases, buildScpCases } from './matrix-scp';
import { createPolicyAuthorizer } from './policy-authorizer';
import { homeResources, targetResources } from './scp-resources';
import { checkStackRoles, checkTargetRoles } from './stack-roles';
import { checkStageIsolation } from './stage-isolation';
import { PLACEHOLDER_HOME_ACCOUNT, type StageWorldOptions, targetsForStage } from './stage-world';
import {
  checkExecutionRole,
  checkGuardrail,
  checkSchedulerRole,
  checkTargetRole,
  type StaticFinding,
} from './static-checks';
import type { RenderedTargetRole } from './target-role';
import { verifyWorld } from './verify-world';

export type { Actual, CaseResult } from './case-result';

/** Up to this many targets the matrix covers every one. */
export const DEFAULT_SAMPLE_TARGETS = 200;

export interface VerifyOptions extends StageWorldOptions {
  /** Stages to verify; every stage in serverless.yml params by default. */
  stages?: string[];
  homeAccountId?: string;
  partition?: string;
  /** Home region to package for; serverless.yml's default otherwise. */
  region?: string;
  /**
   * Most targets whose cases the matrix evaluates (default DEFAULT_SAMPLE_TARGETS; Infinity for
   * all). A larger stage is sampled evenly; the static checks still cover every target.
   */
  sampleTargets?: number;
  /**
   * Attach the guardrails shipped in resources/ when no SCP or RCP is given (default true);
   * false proves the documents alone (--no-shipped-guardrails).
   */
  shippedGuardrails?: boolean;
  /** Modified documents to verify instead of the files (the breakage tests use this). */
  documents?: {
    packaged?: (stage: string) => Promise<PackagedStage>;
    targetTemplate?: unknown;
  };
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

/** A check that could not read what it was given: a finding with the error, never a crash. */
function guarded(name: string, source: string, check: () => StaticFinding[]): StaticFinding[] {
  try {
    return check();
  } catch (error) {
    return [
      {
        policy: name,
        source,
        message: `cannot be read: ${(error as Error).message}`,
        hint: 'malformedPolicy',
      },
    ];
  }
}

/**
 * Findings about one statement, or one role as a whole, from several checks: once, with every
 * message (the same template statement fails the same way in every target account too).
 */
export function mergeFindings(
  findings: readonly (StaticFinding & { fix: string })[],
): (StaticFinding & { fix: string })[] {
  const merged = new Map<string, StaticFinding & { fix: string }>();
  for (const f of findings) {
    const key = `${f.source}|${f.statement ?? ''}|${f.hint}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { ...f });
    else if (!seen.message.split('; also: ').includes(f.message)) {
      seen.message = `${seen.message}; also: ${f.message}`;
    }
  }
  return [...merged.values()];
}

/**
 * What the static checks say about the stage's documents and the given guardrails. `all` is the
 * stage with every configured target (the matrix may sample them; the roles' intents may not).
 */
function staticFindings(
  stage: ResolvedStage,
  all: ResolvedStage,
  template: CfnTemplate,
  configuredRoles: RenderedTargetRole[],
  options: VerifyOptions,
): StageReport['findings'] {
  const control = { key: stage.config.controlTagKey, value: stage.config.controlTagValue };
  const packagedSource = 'packaged template (cloudformation-template-update-stack.json)';
  const findings = [
    ...guarded('execution role', packagedSource, () =>
      checkExecutionRole(stage.executionRole, {
        boundaryGiven: Boolean(options.permissionBoundary),
      }),
    ),
    ...guarded('the stack roles', packagedSource, () => checkStackRoles(template, all)),
    ...guarded('the target role', 'resources/target-account-role.yml', () => [
      ...configuredRoles.flatMap((role) =>
        checkTargetRole(role, {
          control,
          externalId: all.config.targets.find((t) => t.accountId === role.accountId)?.externalId,
        }),
      ),
      ...checkTargetRoles(targetsForStage(all, options), all, options.documents?.targetTemplate),
    ]),
    ...guarded('scheduler role', packagedSource, () => checkSchedulerRole(stage)),
    ...guarded('routes', packagedSource, () => checkHttpRoutes(template)),
    ...guarded('Lambda permissions', packagedSource, () => checkInvokePermissions(template)),
    ...guarded('engine starters', packagedSource, () => checkEngineStarters(template)),
    ...guarded('caller rules', 'serverless.yml params.callers', () =>
      checkCallerRules(stage.config.callers, { homeAccountId: stage.homeAccountId }),
    ),
    ...(options.serviceControlPolicies ?? []).flatMap((p) =>
      checkGuardrail({ ...p, source: '--scp' }, 'scp'),
    ),
    ...(options.resourceControlPolicies ?? []).flatMap((p) =>
      checkGuardrail({ ...p, source: '--rcp' }, 'rcp'),
    ),
    ...(options.permissionBoundary
      ? checkGuardrail({ ...options.permissionBoundary, source: '--boundary' }, 'boundary')
      : []),
  ].map((f) => ({ ...f, fix: hintText(f.hint) }));
  return mergeFindings(findings);
}

function resolveFor(packaged: PackagedStage, options: VerifyOptions): ResolvedStage {
  return resolveStage(packaged, {
    accountId: options.homeAccountId ?? PLACEHOLDER_HOME_ACCOUNT,
    ...(options.partition ? { partition: options.partition } : {}),
  });
}

export async function verifyStage(
  packaged: PackagedStage,
  options: VerifyOptions,
): Promise<StageReport> {
  const resolved = resolveFor(packaged, options);
  const allTargets = resolved.config.targets;
  const sampled = sampleTargets(allTargets, options.sampleTargets ?? DEFAULT_SAMPLE_TARGETS);
  const stage: ResolvedStage =
    sampled.length < allTargets.length
      ? { ...resolved, config: { ...resolved.config, targets: sampled } }
      : resolved;
  const { world, bystanders, kmsKeys, notes } = verifyWorld(stage, options);
  if (sampled.length < allTargets.length) {
    notes.unshift(
      `matrix sampled: ${sampled.length} of ${allTargets.length} targets, evenly spaced (first and last included; --sample all for every one); the execution role's size and coverage are checked for all ${allTargets.length}`,
    );
  }
  if (bystanders.assumeScope.form === 'organization') {
    const { organizationId, pathPatterns } = bystanders.assumeScope;
    notes.push(
      `org-scoped AssumeRole: any role named ${stage.config.targetRoleName} in ${pathPatterns.length > 0 ? pathPatterns.join(', ') : organizationId} is reachable, not only the configured targets (params.assumeScope: organization)`,
    );
  }
  const starters = engineStartersNote(packaged.template);
  if (starters) notes.push(starters);
  notes.push(...callerTaskNotes(stage.config.callers));
  const coverage = checkAssumeCoverage(
    stage.executionRole,
    allTargets.map(
      (t) => `arn:${stage.partition}:iam::${t.accountId}:role/${stage.config.targetRoleName}`,
    ),
  ).map((f) => ({ ...f, fix: hintText(f.hint) }));
  const authorizer = createPolicyAuthorizer(world, {
    packaged,
    ...(options.documents?.targetTemplate
      ? { targetTemplate: options.documents.targetTemplate }
      : {}),
  });
  const loaded = await authorizer.ready();
  // The world lists the configured targets first, then the unlisted ones.
  const configuredRoles = loaded.targetRoles.slice(0, stage.config.targets.length);
  // The matrix covers the sampled targets (the world was built for those alone).
  const sampledWorld = { ...loaded, stage: { ...loaded.stage, config: stage.config } };
  const matrix = buildMatrix(sampledWorld, bystanders);
  const scp = await buildScpCases(
    sampledWorld,
    packaged.template,
    options.serviceControlPolicies ?? [],
    matrix,
  );
  const rcp = await buildRcpCases(sampledWorld, options.resourceControlPolicies ?? [], matrix);
  notes.push(...scp.notes, ...rcp.notes);
  const cases = await Promise.all(
    [...matrix, ...scp.cases, ...rcp.cases].map((c) => evaluateCase(stage.stage, c, authorizer)),
  );
  const kinds = new Set(
    [...homeResources(stage, packaged.template), ...targetResources(stage)].map((r) => r.kind),
  );
  const guardrails = checkShippedGuardrails(
    [...(options.serviceControlPolicies ?? []), ...(options.resourceControlPolicies ?? [])],
    cases,
    kinds,
    stage.homeAccountId,
  ).map((f) => ({ ...f, fix: hintText(f.hint) }));
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
    findings: [
      ...coverage,
      ...staticFindings(stage, resolved, packaged.template, configuredRoles, options),
      ...guardrails,
    ],
    notes,
  };
}

/**
 * Without --scp and --rcp, verify attaches the guardrails shipped in resources/ (the RCP with
 * the home account it is given) and proves each of their statements; given ones replace them.
 */
export function withShippedGuardrails(options: VerifyOptions): VerifyOptions {
  const given = options.serviceControlPolicies?.length || options.resourceControlPolicies?.length;
  if (given || options.shippedGuardrails === false) return options;
  return { ...options, ...shippedGuardrails(options.homeAccountId ?? PLACEHOLDER_HOME_ACCOUNT) };
}

export async function verify(given: VerifyOptions = {}): Promise<VerifyReport> {
  const started = Date.now();
  const options = withShippedGuardrails(given);
  const stages = options.stages?.length ? options.stages : configuredStages();
  const packaged = await Promise.all(
    stages.map((s) =>
      options.documents?.packaged
        ? options.documents.packaged(s)
        : packageStage(s, options.region ? { region: options.region } : {}),
    ),
  );
  // A stage whose documents cannot be read at all is a finding of that stage, never a crash.
  const reports = await Promise.all(
    packaged.map((p) =>
      verifyStage(p, options).catch(
        (error: Error): StageReport => ({
          stage: p.stage,
          region: p.region,
          executionRoleArn: '',
          functions: [],
          targets: [],
          cases: [],
          findings: [
            {
              policy: `stage ${p.stage}`,
              source: 'packaged template (cloudformation-template-update-stack.json)',
              message: `cannot be verified: ${error.message}`,
              hint: 'malformedPolicy',
              fix: hintText('malformedPolicy'),
            },
          ],
          notes: [],
        }),
      ),
    ),
  );
  // Stages sharing a target role or a control tag: reported under each stage of the pair.
  const resolvable = packaged.flatMap((p) => {
    try {
      return [resolveFor(p, options)];
    } catch {
      return []; // reported above as a finding of its stage
    }
  });
  for (const finding of checkStageIsolation(resolvable)) {
    const { stages: pair, ...rest } = finding;
    for (const report of reports.filter((r) => pair.includes(r.stage))) {
      report.findings.push({ ...rest, fix: hintText(rest.hint) });
    }
  }
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
