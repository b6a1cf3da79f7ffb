/**
 * The world verify evaluates a stage in: the configured targets as a correct deployment would
 * have them, plus bystanders that must be kept out (another home role and user with
 * sts:AssumeRole on *, a third account's role, roles that trust the execution role but are not
 * configured), and a KMS key per target (the given one, or an example).
 */
import { assumeScopeOf } from './assume-scope';
import type { ResolvedStage } from './execution-role';
import type { Bystanders } from './matrix';
import { scpPrincipals } from './matrix-scp';
import { type StageWorldOptions, stageWorld } from './stage-world';
import type { PolicyWorld, WorldTarget } from './world';

export interface VerifyWorld {
  world: PolicyWorld;
  bystanders: Bystanders;
  /** The key per target account that the KMS cases use. */
  kmsKeys: Record<string, string>;
  notes: string[];
}

/** Account IDs for bystanders: any that the stage does not use. */
const SPARE_ACCOUNTS = [
  '444444444444',
  '555555555555',
  '666666666666',
  '777777777777',
  '888888888888',
];

function bystandersFor(
  stage: ResolvedStage,
  options: StageWorldOptions,
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
    ownRoleFunctions: stage.ownRoleFunctions.map((o) => ({
      functionName: o.fn.name,
      functionArn: o.fn.arn,
      roleArn: o.roleArn,
      role: o.roleLogicalId,
    })),
    assumeScope: assumeScopeOf(stage.executionRole),
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

/** A key in the target's first region, so the KMS statement is proven even without --kms-key. */
function kmsKeysFor(stage: ResolvedStage, given: readonly string[] = []): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const t of stage.config.targets) {
    const region = t.regions[0] ?? stage.region;
    keys[t.accountId] =
      given.find((k) => k.split(':')[4] === t.accountId) ??
      `arn:${stage.partition}:kms:${region}:${t.accountId}:key/00000000-0000-4000-8000-000000000000`;
  }
  return keys;
}

export function verifyWorld(stage: ResolvedStage, options: StageWorldOptions): VerifyWorld {
  const notes: string[] = [];
  const kmsKeys = kmsKeysFor(stage, options.kmsKeyArns);
  if (!options.kmsKeyArns?.length) {
    notes.push('KmsKeyArns: an example key per target (pass --kms-key <arn> to use yours)');
  }
  for (const t of stage.config.targets) {
    if (!t.externalId) {
      notes.push(
        `target ${t.accountId} has no externalId: any caller the trust policy admits needs no ExternalId (confused-deputy protection off)`,
      );
    }
  }
  if (!options.organizationId) notes.push('no Organization required (pass --org o-… to check it)');
  const worldOptions: StageWorldOptions = { ...options, kmsKeyArns: Object.values(kmsKeys) };
  const bystanders = bystandersFor(stage, options, kmsKeys);
  const base = stageWorld(stage, worldOptions);
  const world = stageWorld(stage, worldOptions, {
    targets: unlistedTargets(stage, bystanders, base.targets),
    principals: [
      { arn: bystanders.otherHomeRoleArn, identityPolicies: [ALLOW_ASSUME_ANY] },
      { arn: bystanders.homeUserArn, identityPolicies: [ALLOW_ASSUME_ANY] },
      { arn: bystanders.outsiderRoleArn, identityPolicies: [ALLOW_ASSUME_ANY] },
      ...scpPrincipals(stage, options.serviceControlPolicies, options.resourceControlPolicies),
      // The functions on roles of their own, with exactly the policies they deploy with.
      ...stage.ownRoleFunctions.map((o) => ({
        arn: o.roleArn,
        identityPolicies: o.policies.map(({ name, policy }) => ({ name, policy })),
      })),
    ],
  });
  return { world, bystanders, kmsKeys, notes };
}
