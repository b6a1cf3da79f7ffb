/**
 * verify's check of every role against its intent: the roles of the packaged service stack, and
 * the role of the target template as each configured target account deploys it. The facts the
 * intents need (what each function runs as, what the state machine and the schedules call) are
 * read from the same template; whatever cannot be read is a finding, never an exception.
 */

import { type CfnContext, evaluate } from '../shared/stack/cfn-intrinsics';
import type { CfnTemplate } from '../shared/stack/package-stage';
import { assumeScopeOf } from './assume-scope';
import { resolveParameters } from './cfn-parameters';
import { contextFor, EXECUTION_ROLE_ID, type ResolvedStage } from './execution-role';
import { checkRole, otherIamPrincipals } from './role-checks';
import {
  type StackFacts,
  stackRoleIntents,
  TARGET_ROLE_SOURCE,
  targetRoleIntent,
} from './role-intents';
import { rolePolicies } from './role-policies';
import type { StaticFinding } from './static-checks';
import { loadTargetRoleTemplate } from './target-role';
import type { WorldTarget } from './world';

const PACKAGED = 'packaged template (cloudformation-template-update-stack.json)';

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Logical IDs of the Lambda functions `node` names with Fn::GetAtt <id>.Arn or ${<id>.Arn}. */
function functionsNamed(node: unknown, isFunction: (id: string) => boolean): string[] {
  const found = new Set<string>();
  const walk = (value: unknown) => {
    if (typeof value === 'string') {
      for (const m of value.matchAll(/\$\{([\w]+)\.Arn\}/g))
        if (m[1] && isFunction(m[1])) found.add(m[1]);
      return;
    }
    if (Array.isArray(value)) return value.forEach(walk);
    const record = asRecord(value);
    if (!record) return;
    const getAtt = record['Fn::GetAtt'];
    const [id, attribute] = Array.isArray(getAtt)
      ? getAtt
      : typeof getAtt === 'string'
        ? getAtt.split('.')
        : [];
    if (typeof id === 'string' && attribute === 'Arn' && isFunction(id)) found.add(id);
    Object.values(record).forEach(walk);
  };
  walk(node);
  return [...found];
}

/** What the stack's intents are derived from, each part read on its own. */
export function stackFacts(
  template: CfnTemplate,
  stage: ResolvedStage,
  ctx: CfnContext,
  problems: StaticFinding[],
): StackFacts {
  const resources = Object.entries(template.Resources);
  const read = <T>(where: string, compute: () => T, fallback: T): T => {
    try {
      return compute();
    } catch (error) {
      problems.push({
        policy: where,
        source: `${PACKAGED} Resources.${where}`,
        message: `cannot be read: ${(error as Error).message}`,
        hint: 'malformedPolicy',
      });
      return fallback;
    }
  };
  const isFunction = (id: string) => template.Resources[id]?.Type === 'AWS::Lambda::Function';
  const functionsOf: Record<string, string[]> = {};
  for (const [id, r] of resources.filter(([id]) => isFunction(id))) {
    const role = asRecord(r.Properties?.Role)?.['Fn::GetAtt'];
    const roleId = Array.isArray(role) ? role[0] : undefined;
    if (typeof roleId !== 'string') continue;
    const name = read(id, () => String(ctx.refResource?.(id)), id);
    functionsOf[roleId] = [...(functionsOf[roleId] ?? []), name];
  }
  const stateMachines = resources
    .filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')
    .map(([id, r]) => ({
      arn: read(id, () => String(ctx.refResource?.(id)), id),
      functionArns: functionsNamed(r.Properties, isFunction).map((fn) =>
        read(fn, () => String(ctx.getAtt?.(fn, 'Arn')), fn),
      ),
    }));
  const schedules = resources.filter(([, r]) => r.Type === 'AWS::Scheduler::Schedule');
  const targetOf = (id: string, path: (t: Record<string, unknown>) => unknown) =>
    read(
      id,
      () => {
        const target = asRecord(evaluate(r(id)?.Properties?.Target, ctx, `${id}.Target`)) ?? {};
        const value = path(target);
        return value === undefined ? [] : [String(value)];
      },
      [] as string[],
    );
  const r = (id: string) => template.Resources[id];
  const { config } = stage;
  return {
    partition: stage.partition,
    region: stage.region,
    accountId: stage.homeAccountId,
    service: stage.service,
    stage: stage.stage,
    // The org-scoped form (params.assumeScope: organization, a package-time param the bundles
    // do not carry) reads back from its aws:ResourceOrgID condition, which checkExecutionRole
    // requires beside the pattern.
    targetRoleArns:
      config.assumeScope === 'organization' ||
      assumeScopeOf(stage.executionRole).form === 'organization'
        ? [`arn:${stage.partition}:iam::*:role/${config.targetRoleName}`]
        : config.targets.map(
            (t) => `arn:${stage.partition}:iam::${t.accountId}:role/${config.targetRoleName}`,
          ),
    functionsOf,
    stateMachines,
    scheduleTargets: [...new Set(schedules.flatMap(([id]) => targetOf(id, (t) => t.Arn)))],
    deadLetterQueues: [
      ...new Set(
        schedules.flatMap(([id]) => targetOf(id, (t) => asRecord(t.DeadLetterConfig)?.Arn)),
      ),
    ],
  };
}

/**
 * Every role (and IAM user) of the packaged stack against its intent. `stage` must list every
 * configured target (not a sample): the execution role's grant is derived from them.
 */
export function checkStackRoles(template: CfnTemplate, stage: ResolvedStage): StaticFinding[] {
  const ctx = contextFor(template, {
    partition: stage.partition,
    region: stage.region,
    accountId: stage.homeAccountId,
    stackName: `${stage.service}-${stage.stage}`,
  });
  const findings: StaticFinding[] = [];
  const intents = stackRoleIntents(stackFacts(template, stage, ctx, findings));
  const roles = rolePolicies(template, ctx, {
    template: PACKAGED,
    sourceOf: (id, policy) => {
      const source = intents[id]?.source ?? PACKAGED;
      // The execution role's statements are found by Sid in serverless.yml, as its other checks name them.
      if (id === EXECUTION_ROLE_ID) return source;
      return policy ? `${source} (${id} policy ${policy})` : source;
    },
  });
  for (const role of roles) {
    findings.push(...checkRole(role, intents[role.logicalId], { template: PACKAGED }));
  }
  findings.push(...otherIamPrincipals(template.Resources, PACKAGED));
  return findings;
}

/** The target template's roles, as each configured target deploys it, against its intent. */
export function checkTargetRoles(
  targets: readonly WorldTarget[],
  stage: ResolvedStage,
  targetTemplate: unknown = loadTargetRoleTemplate(),
): StaticFinding[] {
  const template = (asRecord(targetTemplate) ?? {}) as {
    Parameters?: Record<string, unknown>;
    Conditions?: Record<string, unknown>;
    Resources?: CfnTemplate['Resources'];
  };
  return targets.flatMap((target) => {
    const findings: StaticFinding[] = [];
    let parameters: CfnContext['parameters'];
    try {
      parameters = resolveParameters(template.Parameters ?? {}, { ...target.roleParameters });
    } catch (error) {
      return [
        {
          policy: `parameters for ${target.accountId}`,
          source: `${TARGET_ROLE_SOURCE} Parameters`,
          message: `cannot be read: ${(error as Error).message}`,
          hint: 'malformedPolicy' as const,
        },
      ];
    }
    const ctx: CfnContext = {
      pseudo: { partition: stage.partition, accountId: target.accountId, region: stage.region },
      parameters,
      conditions: template.Conditions ?? {},
      getAtt: (id, attribute) => {
        if (attribute !== 'Arn') throw new Error(`Fn::GetAtt ${id}.${attribute} is not supported`);
        const name = evaluate(
          template.Resources?.[id]?.Properties?.RoleName,
          ctx,
          `${id}.RoleName`,
        );
        return `arn:${stage.partition}:iam::${target.accountId}:role/${String(name ?? id)}`;
      },
      refResource: (id) => {
        const resource = template.Resources?.[id];
        if (resource?.Type !== 'AWS::IAM::Role') throw new Error(`Ref ${id} is not supported`);
        return String(evaluate(resource.Properties?.RoleName, ctx, `${id}.RoleName`) ?? id);
      },
    };
    const keys = target.roleParameters.KmsKeyArns;
    const intent = targetRoleIntent({
      partition: stage.partition,
      accountId: target.accountId,
      executionRoleArns: [stage.executionRole.roleArn],
      kmsKeyArns: typeof keys === 'string' ? keys.split(',').filter(Boolean) : (keys ?? []),
    });
    const resources = template.Resources ?? {};
    const roles = rolePolicies({ Resources: resources }, ctx, {
      template: TARGET_ROLE_SOURCE,
      sourceOf: (id, policy) =>
        policy ? `${TARGET_ROLE_SOURCE} ${id} policy ${policy}` : TARGET_ROLE_SOURCE,
    });
    // The template deploys one role; which logical ID it has is the template's business.
    for (const [index, role] of roles.entries()) {
      findings.push(
        ...checkRole(role, index === 0 ? intent : undefined, { template: TARGET_ROLE_SOURCE }),
      );
    }
    findings.push(...otherIamPrincipals(resources, TARGET_ROLE_SOURCE));
    return findings;
  });
}
