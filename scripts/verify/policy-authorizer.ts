/**
 * An Authorizer (scripts/shared/authorization.ts) backed by @cloud-copilot/iam-simulate in Strict
 * mode and by the documents that deploy: the execution role from the stage's packaged
 * CloudFormation, each target role rendered from resources/target-account-role.yml.
 *
 * AssumeRole is cross-account, so it needs an Allow on both sides: the caller's identity
 * policies and the target role's trust policy are evaluated together. Calls made with the
 * assumed role's credentials are evaluated against the target role's policies only (the
 * home policies no longer apply, as in AWS).
 *
 * Dev and test tooling only (the simulator is AGPL): nothing under handlers/ imports this.
 */

import type { NamedPolicy, PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import type {
  ActionCheck,
  AssumeRoleCheck,
  Authorizer,
  Ec2Check,
  OrganizationsCheck,
  ServiceAssumeRoleCheck,
} from '../shared/authorization';
import { type PackagedStage, packageStage } from '../shared/stack/package-stage';
import { type ExecutionRole, type ResolvedStage, resolveStage } from './execution-role';
import { type PolicyDecision, PolicyEvaluationError, simulate } from './simulate';
import { type RenderedTargetRole, renderTargetRole } from './target-role';
import type { PolicyWorld, WorldPolicy } from './world';

export type { PolicyDecision } from './simulate';
export { PolicyEvaluationError } from './simulate';
export type { PolicyWorld, WorldPolicy, WorldPrincipal, WorldTarget } from './world';

/**
 * Any request, for checks beyond STS and EC2: the Authorizer seam's ActionCheck. `trustPolicy`
 * asks what a role's own trust policy would let through if someone loosened it (verify --rcp):
 * it stands in for the rendered trust of the role the request names.
 */
export type RequestCheck = ActionCheck & { trustPolicy?: WorldPolicy };

/** The world after loading: what verify and tests inspect. */
export interface LoadedWorld {
  stage: ResolvedStage;
  targetRoles: RenderedTargetRole[];
}

export interface PolicyAuthorizer extends Authorizer {
  authorizeAssumeRole(check: AssumeRoleCheck): Promise<PolicyDecision>;
  authorizeEc2(check: Ec2Check): Promise<PolicyDecision>;
  authorizeOrganizations(check: OrganizationsCheck): Promise<PolicyDecision>;
  authorizeRequest(check: RequestCheck): Promise<PolicyDecision>;
  authorizeServiceAssumeRole(check: ServiceAssumeRoleCheck): Promise<PolicyDecision>;
  /** Packages and renders everything now (otherwise done on the first check). */
  ready(): Promise<LoadedWorld>;
}

export interface PolicyAuthorizerOptions {
  /** A packaged stage to use instead of running `sls package` (tests feed modified ones). */
  packaged?: PackagedStage;
  /** A parsed target-role template to use instead of the file. */
  targetTemplate?: unknown;
  /** aws:CurrentTime; the real clock by default. */
  now?: () => Date;
}

const FULL_AWS_ACCESS: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** What a key policy looks like unless someone changed it: the account delegates to IAM. */
function defaultKeyPolicy(partition: string, accountId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
}

function accountOf(arn: string): string {
  const account = arn.split(':')[4];
  if (!account || !/^\d{12}$/.test(account)) {
    throw new PolicyEvaluationError(`cannot read an account ID from ${arn}`);
  }
  return account;
}

function principalType(sessionArn: string): string {
  if (sessionArn.includes(':assumed-role/')) return 'AssumedRole';
  if (sessionArn.includes(':user/')) return 'User';
  if (sessionArn.endsWith(':root')) return 'Account';
  return 'Unknown';
}

function named(policies: WorldPolicy[] | undefined, source: string): NamedPolicy[] {
  return (policies ?? []).map((p) => ({ ...p, source }));
}

export function createPolicyAuthorizer(
  world: PolicyWorld,
  options: PolicyAuthorizerOptions = {},
): PolicyAuthorizer {
  const partition = world.partition ?? 'aws';
  const now = options.now ?? (() => new Date());
  let loading: Promise<LoadedWorld> | undefined;

  async function load(): Promise<LoadedWorld> {
    const packaged =
      options.packaged ??
      (await packageStage(world.stage, world.region ? { region: world.region } : {}));
    const stage = resolveStage(packaged, { accountId: world.homeAccountId, partition });
    const targetRoles = world.targets.map((t) =>
      renderTargetRole(t.roleParameters, {
        accountId: t.accountId,
        partition,
        region: stage.region,
        ...(options.targetTemplate ? { template: options.targetTemplate } : {}),
      }),
    );
    return { stage, targetRoles };
  }

  function ready(): Promise<LoadedWorld> {
    loading ??= load();
    return loading;
  }

  function executionRolePolicies(role: ExecutionRole): NamedPolicy[] {
    // A document known only by ARN cannot be read offline, and guessing could allow. A boundary
    // by ARN is fine when the world supplies its document.
    const unreadable = [
      ...role.managedPolicyArns,
      ...(role.permissionsBoundaryArn && !world.permissionBoundaries?.[role.roleArn]
        ? [role.permissionsBoundaryArn]
        : []),
    ];
    if (unreadable.length > 0) {
      throw new PolicyEvaluationError(
        `the execution role ${role.roleArn} attaches ${unreadable.join(', ')} by ARN, which cannot be evaluated offline`,
      );
    }
    return role.policies;
  }

  /** Identity policies of a role, user or root, as the world defines them. */
  function identityPolicies(loaded: LoadedWorld, arn: string): NamedPolicy[] {
    const { executionRole } = loaded.stage;
    if (arn === executionRole.roleArn) return executionRolePolicies(executionRole);
    const target = loaded.targetRoles.find((r) => r.roleArn === arn);
    if (target) return target.permissionPolicies;
    const stackRole = loaded.stage.stackRoles?.find((r) => r.roleArn === arn);
    if (stackRole) return stackRole.policies;
    if (arn === loaded.stage.scheduler?.roleArn) return loaded.stage.scheduler.policies;
    if (arn === `arn:${partition}:iam::${accountOf(arn)}:root`) {
      // The root user may do anything in its own account; only SCPs and the other side limit it.
      return [{ name: 'root user', source: 'implicit', policy: FULL_AWS_ACCESS }];
    }
    const principal = world.principals?.find((p) => p.arn === arn);
    return named(principal?.identityPolicies, `identity policies of ${arn} (world)`);
  }

  async function authorizeRequest(check: RequestCheck): Promise<PolicyDecision> {
    const loaded = await ready();
    const callerAccount = accountOf(check.callerRoleArn);
    const service = check.action.split(':')[0]?.toLowerCase();
    const at = now();
    const context: Record<string, string | string[]> = {
      'aws:PrincipalArn': check.callerRoleArn,
      'aws:PrincipalAccount': callerAccount,
      'aws:PrincipalType': principalType(check.callerSessionArn),
      'aws:CurrentTime': at.toISOString(),
      'aws:EpochTime': String(Math.floor(at.getTime() / 1000)),
      'aws:SecureTransport': 'true',
    };
    const orgId = world.organizations?.[callerAccount];
    if (orgId) context['aws:PrincipalOrgID'] = orgId;
    if (check.region) {
      context['aws:RequestedRegion'] = check.region;
      if (service === 'ec2') context['ec2:Region'] = check.region;
    }
    for (const [key, value] of Object.entries(check.resourceTags ?? {})) {
      // EC2 sets both forms; a policy may use either.
      context[`aws:ResourceTag/${key}`] = value;
      if (service === 'ec2') context[`ec2:ResourceTag/${key}`] = value;
    }
    Object.assign(context, check.context);

    let resourcePolicy: (NamedPolicy & { kind: 'trust' | 'resource' }) | undefined;
    // SetSourceIdentity and TagSession are decided against the role's trust too, like the
    // AssumeRole they ride on.
    if (service === 'sts' && /^sts:(assumerole|setsourceidentity|tagsession)/i.test(check.action)) {
      const target = loaded.targetRoles.find((r) => r.roleArn === check.resourceArn);
      if (!target) {
        // STS answers an unknown role exactly like a refused one.
        return {
          allowed: false,
          result: 'ImplicitlyDenied',
          explanation: `Implicitly denied: no role ${check.resourceArn} exists in this world`,
          deciding: [],
        };
      }
      resourcePolicy = check.trustPolicy
        ? {
            ...check.trustPolicy,
            source: `stand-in trust policy of ${check.resourceArn}`,
            kind: 'trust',
          }
        : { ...target.trustPolicy, kind: 'trust' };
    } else if (service === 'kms') {
      const keyPolicy =
        world.kmsKeyPolicies?.[check.resourceArn] ??
        defaultKeyPolicy(partition, check.resourceAccountId);
      resourcePolicy = {
        name: `key policy of ${check.resourceArn}`,
        source: world.kmsKeyPolicies?.[check.resourceArn] ? 'world' : 'default key policy',
        policy: keyPolicy,
        kind: 'resource',
      };
    }

    const scps = world.serviceControlPolicies?.[callerAccount];
    const rcps = world.resourceControlPolicies?.[check.resourceAccountId];
    const boundary = world.permissionBoundaries?.[check.callerRoleArn];
    return simulate({
      principal: check.callerSessionArn,
      action: check.action,
      resourceArn: check.resourceArn,
      resourceAccountId: check.resourceAccountId,
      context,
      identityPolicies: identityPolicies(loaded, check.callerRoleArn),
      ...(resourcePolicy ? { resourcePolicy } : {}),
      ...(scps?.length
        ? {
            serviceControlPolicies: [
              { name: 'FullAWSAccess', source: 'AWS default SCP', policy: FULL_AWS_ACCESS },
              ...named(scps, `SCP of account ${callerAccount}`),
            ],
          }
        : {}),
      ...(rcps?.length
        ? {
            resourceControlPolicies: named(rcps, `RCP of account ${check.resourceAccountId}`),
          }
        : {}),
      ...(boundary
        ? {
            permissionBoundary: {
              ...boundary,
              source: `permission boundary of ${check.callerRoleArn}`,
            },
          }
        : {}),
    });
  }

  /** One of the two requests an AssumeRole with SourceIdentity is decided on. */
  function assumeRoleRequest(
    check: AssumeRoleCheck,
    action: 'sts:AssumeRole' | 'sts:SetSourceIdentity',
  ): Promise<PolicyDecision> {
    return authorizeRequest({
      callerSessionArn: check.callerSessionArn,
      callerRoleArn: check.callerRoleArn,
      action,
      resourceArn: check.targetRoleArn,
      resourceAccountId: accountOf(check.targetRoleArn),
      context: {
        // The check's own account and org win over the world's (they describe this caller).
        'aws:PrincipalAccount': check.callerAccountId,
        ...(check.callerOrgId ? { 'aws:PrincipalOrgID': check.callerOrgId } : {}),
        // sts:ExternalId belongs to AssumeRole alone (no other action carries it).
        ...(check.externalId !== undefined && action === 'sts:AssumeRole'
          ? { 'sts:ExternalId': check.externalId }
          : {}),
        ...(check.sourceIdentity !== undefined
          ? { 'sts:SourceIdentity': check.sourceIdentity }
          : {}),
        ...(check.targetOrgId ? { 'aws:ResourceOrgID': check.targetOrgId } : {}),
        ...(check.targetOrgPaths ? { 'aws:ResourceOrgPaths': check.targetOrgPaths } : {}),
        ...(check.sourceFunctionArn ? { 'lambda:SourceFunctionArn': check.sourceFunctionArn } : {}),
      },
    });
  }

  /** The trust policy of a role this world deploys: a target role, the execution or scheduler role. */
  function trustPolicyOf(loaded: LoadedWorld, roleArn: string): NamedPolicy | undefined {
    const target = loaded.targetRoles.find((r) => r.roleArn === roleArn);
    if (target) return target.trustPolicy;
    if (roleArn === loaded.stage.executionRole.roleArn)
      return loaded.stage.executionRole.trustPolicy;
    if (roleArn === loaded.stage.scheduler?.roleArn) return loaded.stage.scheduler.trustPolicy;
    return undefined;
  }

  async function authorizeServiceAssumeRole(
    check: ServiceAssumeRoleCheck,
  ): Promise<PolicyDecision> {
    const loaded = await ready();
    const trust = trustPolicyOf(loaded, check.targetRoleArn);
    if (!trust) {
      return {
        allowed: false,
        result: 'ImplicitlyDenied',
        explanation: `Implicitly denied: no role ${check.targetRoleArn} exists in this world`,
        deciding: [],
      };
    }
    const at = now();
    // A service principal has no identity policies: the role's trust alone decides.
    return simulate({
      principal: check.servicePrincipal,
      action: 'sts:AssumeRole',
      resourceArn: check.targetRoleArn,
      resourceAccountId: accountOf(check.targetRoleArn),
      context: {
        'aws:SourceArn': check.sourceArn,
        'aws:SourceAccount': check.sourceAccount,
        'aws:PrincipalServiceName': check.servicePrincipal,
        'aws:CurrentTime': at.toISOString(),
        'aws:EpochTime': String(Math.floor(at.getTime() / 1000)),
        'aws:SecureTransport': 'true',
      },
      identityPolicies: [],
      resourcePolicy: { ...trust, kind: 'trust' },
    });
  }

  return {
    ready,
    authorizeRequest,
    authorizeServiceAssumeRole,
    async authorizeAssumeRole(check) {
      const assume = await assumeRoleRequest(check, 'sts:AssumeRole');
      if (!assume.allowed || check.sourceIdentity === undefined) return assume;
      const setIdentity = await assumeRoleRequest(check, 'sts:SetSourceIdentity');
      return setIdentity.allowed
        ? setIdentity
        : { ...setIdentity, explanation: `sts:SetSourceIdentity: ${setIdentity.explanation}` };
    },
    authorizeOrganizations(check) {
      return authorizeRequest({
        callerSessionArn: check.callerSessionArn,
        callerRoleArn: check.callerRoleArn,
        action: check.action,
        resourceArn: check.resourceArn,
        resourceAccountId: check.callerAccountId,
      });
    },
    authorizeEc2(check) {
      const concrete = check.resourceArn !== '*';
      return authorizeRequest({
        callerSessionArn: check.callerSessionArn,
        callerRoleArn: check.callerRoleArn,
        action: check.action,
        resourceArn: check.resourceArn,
        resourceAccountId: check.accountId,
        region: check.region,
        // Tags describe a resource; `*` (Describe) has none to match.
        ...(concrete ? { resourceTags: check.resourceTags } : {}),
      });
    },
  };
}
