/**
 * Renders resources/target-account-role.yml for one target account and one set of parameter
 * values into the IAM JSON that CloudFormation would create: the role ARN, its trust policy and
 * its permission policies. The template is evaluated, never paraphrased.
 */
import { readFileSync } from 'node:fs';
import type { NamedPolicy, PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import { evaluate } from '../shared/stack/cfn-intrinsics';
import { parseCfnYaml } from '../shared/stack/cfn-yaml';
import { TARGET_ROLE_TEMPLATE } from '../shared/stack/paths';
import { type ParameterValue, resolveParameters } from './cfn-parameters';

/** The template's parameters; the ones with a Default may be left out. */
export interface TargetRoleParameters {
  HomeAccountId: string;
  ExecutionRoleName: string;
  ExternalId?: string;
  OrganizationId?: string;
  ControlTagKey?: string;
  ControlTagValue?: string;
  /** A list, or one comma-separated string as CloudFormation takes it. */
  KmsKeyArns?: string | readonly string[];
  RoleName?: string;
  /** Parameters a task's policy fragment adds (see handlers/tasks/<task>/policy.ts). */
  [taskParameter: string]: string | readonly string[] | undefined;
}

export interface RenderTargetRoleOptions {
  /** The target account: the stack's AWS::AccountId. */
  accountId: string;
  partition?: string;
  /** The stack's region; IAM is global, but the template may reference AWS::Region. */
  region?: string;
  /** A parsed template to render instead of the file (tests feed modified documents here). */
  template?: unknown;
}

export interface RenderedTargetRole {
  accountId: string;
  roleName: string;
  roleArn: string;
  trustPolicy: NamedPolicy;
  permissionPolicies: NamedPolicy[];
}

const SOURCE = 'resources/target-account-role.yml';

let cached: unknown;

/** The template as deployed, parsed once per process. */
export function loadTargetRoleTemplate(): unknown {
  cached ??= parseCfnYaml(readFileSync(TARGET_ROLE_TEMPLATE, 'utf8'), TARGET_ROLE_TEMPLATE);
  return cached;
}

interface Template {
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources?: Record<string, { Type?: string; Condition?: string; Properties?: unknown }>;
}

function asPolicy(document: unknown, where: string): PolicyDocument {
  if (typeof document === 'string') {
    try {
      return JSON.parse(document) as PolicyDocument;
    } catch (error) {
      throw new Error(`${where}: the policy document is not valid JSON: ${String(error)}`);
    }
  }
  if (typeof document !== 'object' || document === null) {
    throw new Error(`${where}: the policy document is not an object`);
  }
  return document as PolicyDocument;
}

/** The template's role evaluated for one account: its logical ID and CloudFormation properties. */
function evaluateTargetRole(
  params: TargetRoleParameters,
  options: RenderTargetRoleOptions,
): { logicalId: string; type: string; properties: Record<string, unknown> } {
  const template = (options.template ?? loadTargetRoleTemplate()) as Template;
  const given: Record<string, ParameterValue | undefined> = { ...params };
  const ctx = {
    pseudo: {
      partition: options.partition ?? 'aws',
      accountId: options.accountId,
      region: options.region ?? 'us-east-1',
    },
    parameters: resolveParameters(template.Parameters ?? {}, given),
    conditions: template.Conditions ?? {},
  };
  const roles = Object.entries(template.Resources ?? {}).filter(
    ([, r]) => r.Type === 'AWS::IAM::Role',
  );
  const [entry, ...others] = roles;
  if (!entry || others.length > 0) {
    throw new Error(`${SOURCE}: expected exactly one AWS::IAM::Role, found ${roles.length}`);
  }
  const [logicalId, resource] = entry;
  const properties = evaluate(
    resource.Properties ?? {},
    ctx,
    `Resources.${logicalId}.Properties`,
  ) as Record<string, unknown>;
  return { logicalId, type: 'AWS::IAM::Role', properties };
}

/**
 * The role as CloudFormation would create it in one account, as a template with no parameters,
 * conditions or intrinsics left, and every policy document an object (the JSON-string policy
 * parsed): the form template linters can read.
 */
export function renderTargetRoleTemplate(
  params: TargetRoleParameters,
  options: RenderTargetRoleOptions,
): { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> } {
  const { logicalId, type, properties } = evaluateTargetRole(params, options);
  const where = `${SOURCE} ${logicalId}`;
  const policies = (properties.Policies ?? []) as {
    PolicyName?: string;
    PolicyDocument?: unknown;
  }[];
  return {
    Resources: {
      [logicalId]: {
        Type: type,
        Properties: {
          ...properties,
          AssumeRolePolicyDocument: asPolicy(
            properties.AssumeRolePolicyDocument,
            `${where} trust policy`,
          ),
          Policies: policies.map((p) => ({
            ...p,
            PolicyDocument: asPolicy(p.PolicyDocument, `${where} policy ${p.PolicyName}`),
          })),
        },
      },
    },
  };
}

export function renderTargetRole(
  params: TargetRoleParameters,
  options: RenderTargetRoleOptions,
): RenderedTargetRole {
  const partition = options.partition ?? 'aws';
  const { logicalId, properties } = evaluateTargetRole(params, options);
  const props = properties as {
    RoleName?: string;
    Path?: string;
    AssumeRolePolicyDocument?: unknown;
    Policies?: { PolicyName?: string; PolicyDocument?: unknown }[];
  };
  if (!props.RoleName) throw new Error(`${SOURCE}: ${logicalId} has no RoleName`);
  const roleArn = `arn:${partition}:iam::${options.accountId}:role${props.Path ?? '/'}${props.RoleName}`;
  return {
    accountId: options.accountId,
    roleName: props.RoleName,
    roleArn,
    trustPolicy: {
      name: `trust policy of ${roleArn}`,
      source: `${SOURCE} ${logicalId}.AssumeRolePolicyDocument`,
      policy: asPolicy(props.AssumeRolePolicyDocument, `${SOURCE} ${logicalId} trust policy`),
    },
    permissionPolicies: (props.Policies ?? []).map((p, i) => {
      const name = p.PolicyName ?? `${logicalId}.Policies[${i}]`;
      return {
        name,
        source: `${SOURCE} ${logicalId} policy ${name}`,
        policy: asPolicy(p.PolicyDocument, `${SOURCE} ${logicalId} policy ${name}`),
      };
    }),
  };
}
