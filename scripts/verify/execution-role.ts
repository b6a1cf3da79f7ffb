/**
 * Reads the packaged CloudFormation of a stage into concrete IAM JSON for one home account:
 * the functions' execution role (name, ARN, trust, inline policies), the function ARNs, and
 * the stage configuration the functions receive. Everything comes from the generated template.
 */
import { parseStageConfig, type StageConfig } from '../../handlers/config/stage-config';
import type { NamedPolicy, PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import { type CfnContext, evaluate } from '../shared/stack/cfn-intrinsics';
import { generatedRoleName } from '../shared/stack/cfn-names';
import type { CfnTemplate, PackagedStage } from '../shared/stack/package-stage';

export interface HomeAccount {
  accountId: string;
  partition?: string;
}

export interface ExecutionRole {
  logicalId: string;
  roleName: string;
  roleArn: string;
  trustPolicy: NamedPolicy;
  policies: NamedPolicy[];
  /** Managed policies cannot be read offline; verify reports them instead of guessing. */
  managedPolicyArns: string[];
  permissionsBoundaryArn?: string;
}

/**
 * Another role of the stack that functions run as (the engine's starter and its log-only
 * functions): no sts:AssumeRole, but its own permissions, e.g. states:StartExecution.
 */
export interface StackRole {
  logicalId: string;
  /**
   * CloudFormation names a role without RoleName `<stack>-<logical ID>-<random>`; offline it is
   * `<service>-<stage>-<logical ID>`, so local sessions of it have a stable ARN.
   */
  roleArn: string;
  policies: NamedPolicy[];
}

export interface LambdaFunction {
  logicalId: string;
  name: string;
  arn: string;
}

/** A function that runs as a role of its own, not the execution role (e.g. the http function). */
export interface OwnRoleFunction {
  fn: LambdaFunction;
  roleLogicalId: string;
  /** The role's ARN; a role without RoleName gets a placeholder name of its logical ID. */
  roleArn: string;
  policies: NamedPolicy[];
}

export interface ResolvedStage {
  stage: string;
  service: string;
  region: string;
  partition: string;
  homeAccountId: string;
  executionRole: ExecutionRole;
  /** The stack's other function roles (their own policies, never sts:AssumeRole). */
  stackRoles?: StackRole[];
  functions: LambdaFunction[];
  /** The functions on roles of their own: verify proves none of them reaches a target role. */
  ownRoleFunctions: OwnRoleFunction[];
  /** The stage params as the functions get them (bundled), validated by the same schema. */
  config: StageConfig;
  /** The schedules' invoke role and where the schedules live; absent without schedules. */
  scheduler?: SchedulerSide;
}

export interface SchedulerSide {
  /** The role's ARN (CloudFormation names it `<stack>-<logicalId>-<suffix>` without RoleName). */
  roleArn: string;
  trustPolicy: NamedPolicy;
  /** Its identity policies: inline, and each AWS::IAM::Policy that names it in `Roles`. */
  policies: NamedPolicy[];
  /** Names of the stack's schedule groups. */
  groups: string[];
  /** Each schedule's name and group (`default` when it names none). */
  schedules: { name: string; group: string }[];
}

/** Where the scheduler's role is written, for fix hints. */
export const SCHEDULER_ROLE_SOURCE = 'resources/home-stack/schedules/schedule-resources.ts';

function schedulerSide(
  template: CfnTemplate,
  ctx: CfnContext,
  stackName: string,
): SchedulerSide | undefined {
  const entries = Object.entries(template.Resources);
  const role = entries.find(
    ([, r]) =>
      r.Type === 'AWS::IAM::Role' &&
      JSON.stringify(r.Properties?.AssumeRolePolicyDocument ?? {}).includes(
        'scheduler.amazonaws.com',
      ),
  );
  if (!role) return undefined;
  const [logicalId, resource] = role;
  const trust = evaluate(resource.Properties?.AssumeRolePolicyDocument, ctx, logicalId);
  const name = (id: string, r: (typeof entries)[number][1], key: string) =>
    String(evaluate(r.Properties?.[key], ctx, `${id}.${key}`) ?? 'default');
  const { partition, accountId } = ctx.pseudo;
  const roleName =
    typeof resource.Properties?.RoleName === 'string'
      ? resource.Properties.RoleName
      : generatedRoleName(stackName, logicalId);
  const inline = (resource.Properties?.Policies ?? []) as {
    PolicyName: string;
    PolicyDocument: unknown;
  }[];
  const attached = entries.filter(
    ([, r]) =>
      r.Type === 'AWS::IAM::Policy' &&
      JSON.stringify(r.Properties?.Roles ?? []).includes(JSON.stringify({ Ref: logicalId })),
  );
  return {
    roleArn: `arn:${partition}:iam::${accountId}:role/${roleName}`,
    policies: [
      ...inline.map((p, i) => ({
        name: p.PolicyName,
        source: SCHEDULER_ROLE_SOURCE,
        policy: evaluate(p.PolicyDocument, ctx, `${logicalId}.Policies[${i}]`) as PolicyDocument,
      })),
      ...attached.map(([id, r]) => ({
        name: String(r.Properties?.PolicyName ?? id),
        source: 'resources/home-stack/signals/resources.ts',
        policy: evaluate(
          r.Properties?.PolicyDocument,
          ctx,
          `${id}.PolicyDocument`,
        ) as PolicyDocument,
      })),
    ],
    trustPolicy: {
      name: `trust policy of ${logicalId}`,
      source: SCHEDULER_ROLE_SOURCE,
      policy: trust as PolicyDocument,
    },
    groups: entries
      .filter(([, r]) => r.Type === 'AWS::Scheduler::ScheduleGroup')
      .map(([id, r]) => name(id, r, 'Name')),
    schedules: entries
      .filter(([, r]) => r.Type === 'AWS::Scheduler::Schedule')
      .map(([id, r]) => ({
        name: name(id, r, 'Name'),
        group: r.Properties?.GroupName === undefined ? 'default' : name(id, r, 'GroupName'),
      })),
  };
}

/** Where the execution role's statements are written, for fix hints. */
export const EXECUTION_ROLE_SOURCE = 'serverless.yml provider.iam.role';

/**
 * Intrinsics of a packaged template: names and ARNs of its functions, roles, queues, topics,
 * schedule groups and state machines. A resource without its name property gets the name
 * CloudFormation would generate, offline `<stack>-<logical ID>` (the stack is
 * `<service>-<stage>`; its random suffix is unknown), so a policy naming it can still be read.
 */
export function contextFor(template: CfnTemplate, pseudo: CfnContext['pseudo']): CfnContext {
  const resources = template.Resources;
  const property = (logicalId: string, name: string): string => {
    const given = resources[logicalId]?.Properties?.[name];
    if (given === undefined) return `${pseudo.stackName ?? 'stack'}-${logicalId}`;
    const value = evaluate(given, ctx, `${logicalId}.${name}`);
    if (typeof value !== 'string') throw new Error(`${logicalId} has no ${name}`);
    return value;
  };
  const arn = (service: string, resource: string, regional = true) => {
    const { partition, region, accountId } = pseudo;
    return `arn:${partition}:${service}:${regional ? region : ''}:${accountId}:${resource}`;
  };
  const ctx: CfnContext = {
    pseudo,
    parameters: {},
    conditions: template.Conditions ?? {},
    refResource(logicalId) {
      const type = resources[logicalId]?.Type;
      if (type === 'AWS::Lambda::Function') return property(logicalId, 'FunctionName');
      if (type === 'AWS::IAM::Role') return property(logicalId, 'RoleName');
      if (type === 'AWS::Scheduler::ScheduleGroup') return property(logicalId, 'Name');
      if (type === 'AWS::SNS::Topic') return arn('sns', property(logicalId, 'TopicName'));
      if (type === 'AWS::IAM::ManagedPolicy') {
        return arn('iam', `policy/${property(logicalId, 'ManagedPolicyName')}`, false);
      }
      if (type === 'AWS::StepFunctions::StateMachine') {
        return arn('states', `stateMachine:${property(logicalId, 'StateMachineName')}`);
      }
      throw new Error(`Ref ${logicalId} (${type ?? 'unknown'}) is not supported`);
    },
    getAtt(logicalId, attribute) {
      const type = resources[logicalId]?.Type;
      if (type === 'AWS::Lambda::Function' && attribute === 'Arn') {
        return arn('lambda', `function:${property(logicalId, 'FunctionName')}`);
      }
      if (type === 'AWS::IAM::Role' && attribute === 'Arn') {
        const rolePath = (resources[logicalId]?.Properties?.Path as string | undefined) ?? '/';
        const name =
          resources[logicalId]?.Properties?.RoleName === undefined
            ? generatedRoleName(pseudo.stackName ?? 'stack', logicalId)
            : property(logicalId, 'RoleName');
        return arn('iam', `role${rolePath}${name}`, false);
      }
      if (type === 'AWS::SQS::Queue' && attribute === 'Arn') {
        return arn('sqs', property(logicalId, 'QueueName'));
      }
      if (type === 'AWS::StepFunctions::StateMachine' && attribute === 'Arn') {
        return arn('states', `stateMachine:${property(logicalId, 'StateMachineName')}`);
      }
      throw new Error(
        `Fn::GetAtt ${logicalId}.${attribute} (${type ?? 'unknown'}) is not supported`,
      );
    },
  };
  return ctx;
}

/** Whether a role's own policies (not its trust policy) mention sts:AssumeRole at all. */
function grantsAssumeRole(template: CfnTemplate, logicalId: string): boolean {
  const policies = template.Resources[logicalId]?.Properties?.Policies;
  return JSON.stringify(policies ?? []).includes('sts:AssumeRole');
}

/** The logical ID osls gives the role of provider.iam.role: the execution role. */
export const EXECUTION_ROLE_ID = 'IamRoleLambdaExecution';

/**
 * The execution role: osls's own (IamRoleLambdaExecution) when a function runs as it, else the
 * one function role that may call sts:AssumeRole. Another role that grants sts:AssumeRole is
 * not a second execution role but a finding of its intent (role-checks.ts), so it never stops
 * verify from running.
 */
function executionRoleLogicalId(template: CfnTemplate): string {
  const ids = new Set<string>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const role = resource.Properties?.Role as { 'Fn::GetAtt'?: unknown[] } | undefined;
    const target = role?.['Fn::GetAtt']?.[0];
    if (typeof target !== 'string') throw new Error(`${id}: Role is not a role of this stack`);
    ids.add(target);
  }
  if (ids.has(EXECUTION_ROLE_ID)) return EXECUTION_ROLE_ID;
  const assuming = [...ids].filter((id) => grantsAssumeRole(template, id));
  const [only, ...more] = assuming.length > 0 ? assuming : [...ids];
  if (!only || more.length > 0) {
    throw new Error(
      `expected one execution role that may call sts:AssumeRole, found ${more.length + (only ? 1 : 0)}`,
    );
  }
  return only;
}

export function resolveStage(packaged: PackagedStage, home: HomeAccount): ResolvedStage {
  const partition = home.partition ?? 'aws';
  const { template } = packaged;
  const ctx = contextFor(template, {
    partition,
    region: packaged.region,
    accountId: home.accountId,
    stackName: `${packaged.service}-${packaged.stage}`,
  });
  const logicalId = executionRoleLogicalId(template);
  const props = evaluate(template.Resources[logicalId]?.Properties, ctx, logicalId) as {
    RoleName: string;
    AssumeRolePolicyDocument: PolicyDocument;
    Policies?: { PolicyName: string; PolicyDocument: PolicyDocument }[];
    ManagedPolicyArns?: string[];
    PermissionsBoundary?: string;
  };
  const roleArn = ctx.getAtt?.(logicalId, 'Arn') as string;
  // The functions that run as the execution role: those the matrix proves can reach the targets.
  const functions = Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .filter(
      ([, r]) =>
        (r.Properties?.Role as { 'Fn::GetAtt'?: unknown[] })?.['Fn::GetAtt']?.[0] === logicalId,
    )
    .map(([id]) => ({
      logicalId: id,
      name: ctx.refResource?.(id) as string,
      arn: ctx.getAtt?.(id, 'Arn') as string,
    }));
  const scheduler = schedulerSide(template, ctx, `${packaged.service}-${packaged.stage}`);
  const ownRoles = ownRoleFunctions(template, ctx, logicalId, packaged);
  // The same roles once each (several functions may share one), for the local endpoint's authorizer.
  const stackRoles: StackRole[] = [
    ...new Map(
      ownRoles.map((o) => [
        o.roleLogicalId,
        { logicalId: o.roleLogicalId, roleArn: o.roleArn, policies: o.policies },
      ]),
    ).values(),
  ];
  return {
    ownRoleFunctions: ownRoles,
    stage: packaged.stage,
    service: packaged.service,
    region: packaged.region,
    partition,
    homeAccountId: home.accountId,
    executionRole: {
      logicalId,
      roleName: props.RoleName,
      roleArn,
      trustPolicy: {
        name: `trust policy of ${roleArn}`,
        source: `${EXECUTION_ROLE_SOURCE} (osls-generated trust)`,
        policy: props.AssumeRolePolicyDocument,
      },
      policies: (props.Policies ?? []).map((p) => ({
        name: p.PolicyName,
        source: EXECUTION_ROLE_SOURCE,
        policy: p.PolicyDocument,
      })),
      managedPolicyArns: props.ManagedPolicyArns ?? [],
      ...(props.PermissionsBoundary ? { permissionsBoundaryArn: props.PermissionsBoundary } : {}),
    },
    stackRoles,
    functions,
    config: stageConfigOf(packaged),
    ...(scheduler ? { scheduler } : {}),
  };
}

function ownRoleFunctions(
  template: CfnTemplate,
  ctx: CfnContext,
  executionRoleId: string,
  packaged: PackagedStage,
): OwnRoleFunction[] {
  const { partition, accountId } = ctx.pseudo;
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
    .flatMap(([id, r]) => {
      const roleId = (r.Properties?.Role as { 'Fn::GetAtt'?: unknown[] })?.['Fn::GetAtt']?.[0];
      if (typeof roleId !== 'string' || roleId === executionRoleId) return [];
      const role = template.Resources[roleId]?.Properties ?? {};
      // A policy that cannot be evaluated grants nothing here; the role check reports it.
      let policies: { PolicyName: string; PolicyDocument: PolicyDocument }[] = [];
      try {
        const evaluated = evaluate(role.Policies ?? [], ctx, `${roleId}.Policies`);
        if (Array.isArray(evaluated)) policies = evaluated;
      } catch {
        policies = [];
      }
      const roleName =
        typeof role.RoleName === 'string'
          ? role.RoleName
          : `${packaged.service}-${packaged.stage}-${roleId}`;
      return [
        {
          fn: {
            logicalId: id,
            name: ctx.refResource?.(id) as string,
            arn: ctx.getAtt?.(id, 'Arn') as string,
          },
          roleLogicalId: roleId,
          roleArn: `arn:${partition}:iam::${accountId}:role/${roleName}`,
          policies: policies.map((p) => ({
            name: p.PolicyName,
            source: 'resources/home-stack/engine/state-machine.ts (engineRoleResources)',
            policy: p.PolicyDocument,
          })),
        },
      ];
    });
}

/** The configuration the function bundles carry, validated by the schema the functions use. */
function stageConfigOf(packaged: PackagedStage): StageConfig {
  const parsed = parseStageConfig(JSON.parse(packaged.bundledConfigJson), 'bundled stage config');
  if (!parsed.ok) {
    throw new Error(
      `the bundled stage config is invalid: ${parsed.problems.map((p) => p.message).join('; ')}`,
    );
  }
  return parsed.value;
}
