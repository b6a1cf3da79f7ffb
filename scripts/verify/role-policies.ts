/**
 * Every policy that reaches each role of a template, evaluated for one account: the role's
 * inline `Policies`, its `ManagedPolicyArns` (a customer managed policy of the same template is
 * read; any other ARN, AWS managed policies included, cannot be read offline), and the
 * AWS::IAM::Policy, AWS::IAM::ManagedPolicy and AWS::IAM::RolePolicy resources that attach to it
 * (IAM User Guide, "Managed policies and inline policies"; CloudFormation's resource reference for
 * each type). A permissions boundary only ever narrows what a role may do, so it cannot widen it
 * and is not read here. Whatever cannot be evaluated becomes a problem with its location, never
 * an exception: verify reports it and goes on.
 */

import type { NamedPolicy, PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import { type CfnContext, evaluate, evaluateCondition } from '../shared/stack/cfn-intrinsics';
import type { CfnResource, CfnTemplate } from '../shared/stack/package-stage';

export interface RolePolicies {
  logicalId: string;
  /** The role's ARN in this account (a generated name offline when it has no RoleName). */
  roleArn: string;
  trust?: NamedPolicy;
  /** Each policy that grants the role something, with where it is written. */
  policies: NamedPolicy[];
  /** Managed policies named by ARN and not defined in this template. */
  managedPolicyArns: string[];
  /** What could not be read, each with its location in the template. */
  problems: { where: string; message: string }[];
}

type Resources = CfnTemplate['Resources'];

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A policy document as an object: a JSON string (as a YAML template may give it) is parsed. */
function asDocument(value: unknown): PolicyDocument {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  const record = asRecord(parsed);
  if (!record) throw new Error('the policy document is not an object');
  if (record.Statement === undefined) throw new Error('the policy document has no Statement');
  return record as PolicyDocument;
}

/** Whether `node` names the role: `{Ref: <id>}`, or its name as a plain string. */
function namesRole(node: unknown, logicalId: string, roleName: string): boolean {
  if (typeof node === 'string') return node === roleName;
  return asRecord(node)?.Ref === logicalId;
}

function attachedTo(resource: CfnResource, logicalId: string, roleName: string): boolean {
  const properties = resource.Properties ?? {};
  if (resource.Type === 'AWS::IAM::RolePolicy') {
    return namesRole(properties.RoleName, logicalId, roleName);
  }
  if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') {
    return false;
  }
  const roles = properties.Roles;
  return Array.isArray(roles) && roles.some((r) => namesRole(r, logicalId, roleName));
}

export interface ReadOptions {
  /** Where a role's inline policy (or, without a name, its trust) is written, for fix hints. */
  sourceOf: (logicalId: string, policyName?: string) => string;
  /** What this template is called in messages (`packaged template`, the target template file). */
  template: string;
}

/** The roles of `template` with every policy that reaches each. */
export function rolePolicies(
  template: CfnTemplate,
  ctx: CfnContext,
  options: ReadOptions,
): RolePolicies[] {
  const resources: Resources = asRecord(template.Resources)
    ? template.Resources
    : ({} as Resources);
  // A resource whose Condition is false is not created (a condition that cannot be read is
  // taken as true, so its policies are still checked).
  const created = (r: CfnResource | undefined): r is CfnResource => {
    if (!r || typeof r.Condition !== 'string') return Boolean(r);
    try {
      return evaluateCondition(r.Condition, ctx);
    } catch {
      return true;
    }
  };
  const live = Object.fromEntries(
    Object.entries(resources).filter(([, r]) => created(r)),
  ) as Resources;
  return Object.entries(live)
    .filter(([, r]) => r.Type === 'AWS::IAM::Role')
    .map(([logicalId, resource]) => readRole(live, logicalId, resource, ctx, options));
}

function readRole(
  resources: Resources,
  logicalId: string,
  resource: CfnResource,
  ctx: CfnContext,
  options: ReadOptions,
): RolePolicies {
  const problems: RolePolicies['problems'] = [];
  /** Evaluates one part of the template, or records why it cannot be read. */
  const read = <T>(where: string, compute: () => T): T | undefined => {
    try {
      return compute();
    } catch (error) {
      problems.push({ where, message: (error as Error).message });
      return undefined;
    }
  };
  const at = `${options.template} Resources.${logicalId}`;
  const roleArn =
    read(`${at} (its ARN)`, () => String(ctx.getAtt?.(logicalId, 'Arn'))) ??
    `arn:${ctx.pseudo.partition}:iam::${ctx.pseudo.accountId}:role/${logicalId}`;
  const roleName = roleArn.split('/').pop() ?? logicalId;
  const properties = asRecord(resource.Properties) ?? {};
  const policies: NamedPolicy[] = [];
  const trustDocument = read(`${at}.Properties.AssumeRolePolicyDocument`, () =>
    asDocument(
      evaluate(properties.AssumeRolePolicyDocument, ctx, `${logicalId}.AssumeRolePolicyDocument`),
    ),
  );
  const inline = read(`${at}.Properties.Policies`, () => {
    const list = evaluate(properties.Policies ?? [], ctx, `${logicalId}.Policies`);
    if (!Array.isArray(list)) throw new Error('Policies is not a list');
    return list;
  });
  (inline ?? []).forEach((entry, index) => {
    const where = `${at}.Properties.Policies[${index}]`;
    const record = asRecord(entry);
    const name = typeof record?.PolicyName === 'string' ? record.PolicyName : `Policies[${index}]`;
    const document = read(where, () => asDocument(record?.PolicyDocument));
    if (document) {
      policies.push({ name, source: options.sourceOf(logicalId, name), policy: document });
    }
  });
  const managedPolicyArns: string[] = [];
  const managed = properties.ManagedPolicyArns;
  (Array.isArray(managed) ? managed : managed === undefined ? [] : [managed]).forEach(
    (entry, index) => {
      const where = `${at}.Properties.ManagedPolicyArns[${index}]`;
      const ref = asRecord(entry)?.Ref;
      const defined = typeof ref === 'string' ? resources[ref] : undefined;
      if (defined?.Type === 'AWS::IAM::ManagedPolicy') {
        // Attached both ways, it is read once (below, through its Roles).
        if (!attachedTo(defined, logicalId, roleName)) {
          const document = read(where, () =>
            asDocument(evaluate(defined.Properties?.PolicyDocument, ctx, `${ref}.PolicyDocument`)),
          );
          if (document) {
            policies.push({
              name: String(ref),
              source: `${options.template} Resources.${ref}`,
              policy: document,
            });
          }
        }
        return;
      }
      const arn = read(where, () => evaluate(entry, ctx, `${logicalId}.ManagedPolicyArns`));
      if (arn !== undefined) managedPolicyArns.push(String(arn));
    },
  );
  for (const [id, other] of Object.entries(resources)) {
    if (!other || !attachedTo(other, logicalId, roleName)) continue;
    const where = `${options.template} Resources.${id}.Properties.PolicyDocument`;
    const document = read(where, () =>
      asDocument(evaluate(other.Properties?.PolicyDocument, ctx, `${id}.PolicyDocument`)),
    );
    const name = other.Properties?.PolicyName ?? other.Properties?.ManagedPolicyName ?? id;
    if (document) {
      policies.push({
        name: String(name),
        source: `${options.template} Resources.${id} (${other.Type})`,
        policy: document,
      });
    }
  }
  return {
    logicalId,
    roleArn,
    ...(trustDocument
      ? {
          trust: {
            name: `trust policy of ${logicalId}`,
            source: `${options.sourceOf(logicalId)} (${logicalId} AssumeRolePolicyDocument)`,
            policy: trustDocument,
          },
        }
      : {}),
    policies,
    managedPolicyArns,
    problems,
  };
}
