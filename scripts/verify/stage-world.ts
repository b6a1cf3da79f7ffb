/**
 * Builds the world for a stage the way a correct deployment would look: each configured target
 * account runs resources/target-account-role.yml with the stage's own values (ExternalId,
 * role name, control tag) and the packaged execution role's name.
 */
import type { ResolvedStage } from './execution-role';
import type { PolicyWorld, WorldPolicy, WorldTarget } from './world';

/** A documented placeholder: the home account ID is unknown offline. */
export const PLACEHOLDER_HOME_ACCOUNT = '111111111111';

export interface StageWorldOptions {
  /** Every target stack and the home account get this Organization. */
  organizationId?: string;
  /** Customer-managed key ARNs; each target gets the ones in its account. */
  kmsKeyArns?: readonly string[];
  /** SCPs of the home account and every target account (an Organization-wide attachment). */
  serviceControlPolicies?: WorldPolicy[];
  /** RCPs of every target account (where the target roles are). */
  resourceControlPolicies?: WorldPolicy[];
  /** The execution role's permission boundary. */
  permissionBoundary?: WorldPolicy;
}

/** The account of an ARN (`arn:aws:kms:eu-west-1:222222222222:key/…` -> 222222222222). */
export function arnAccount(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}

export function targetsForStage(
  stage: ResolvedStage,
  options: StageWorldOptions = {},
): WorldTarget[] {
  const { config, executionRole, homeAccountId } = stage;
  return config.targets.map((target) => {
    const keys = (options.kmsKeyArns ?? []).filter((k) => arnAccount(k) === target.accountId);
    return {
      accountId: target.accountId,
      roleParameters: {
        HomeAccountId: homeAccountId,
        ExecutionRoleName: executionRole.roleName,
        RoleName: config.targetRoleName,
        ControlTagKey: config.controlTagKey,
        ControlTagValue: config.controlTagValue,
        Regions: target.regions,
        ...(target.externalId ? { ExternalId: target.externalId } : {}),
        ...(options.organizationId ? { OrganizationId: options.organizationId } : {}),
        ...(keys.length > 0 ? { KmsKeyArns: keys } : {}),
      },
    };
  });
}

/** The world for a resolved stage; `extra` adds principals and roles (verify's decoys). */
export function stageWorld(
  stage: ResolvedStage,
  options: StageWorldOptions = {},
  extra: Pick<PolicyWorld, 'principals'> & { targets?: WorldTarget[] } = {},
): PolicyWorld {
  const home = stage.homeAccountId;
  return {
    stage: stage.stage,
    homeAccountId: home,
    partition: stage.partition,
    region: stage.region,
    targets: [...targetsForStage(stage, options), ...(extra.targets ?? [])],
    ...(options.organizationId ? { organizations: { [home]: options.organizationId } } : {}),
    ...(extra.principals ? { principals: extra.principals } : {}),
    ...(options.serviceControlPolicies?.length
      ? {
          serviceControlPolicies: Object.fromEntries(
            [home, ...stage.config.targets.map((t) => t.accountId)].map((account) => [
              account,
              options.serviceControlPolicies ?? [],
            ]),
          ),
        }
      : {}),
    ...(options.resourceControlPolicies?.length
      ? {
          resourceControlPolicies: Object.fromEntries(
            stage.config.targets.map((t) => [t.accountId, options.resourceControlPolicies ?? []]),
          ),
        }
      : {}),
    ...(options.permissionBoundary
      ? { permissionBoundaries: { [stage.executionRole.roleArn]: options.permissionBoundary } }
      : {}),
  };
}
