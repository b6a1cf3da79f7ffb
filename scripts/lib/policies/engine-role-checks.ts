/**
 * verify's check of the engine's own roles in the packaged template (they never reach a target
 * account, so the behaviour matrix does not exercise them): each may do what its step needs and
 * nothing else, and the summary step's events go to this account's default bus only.
 */
import {
  ENGINE_LOGS_ONLY_ROLE_ID,
  ENGINE_START_ROLE_ID,
  ENGINE_STATE_MACHINE_ID,
  ENGINE_SUMMARISE_ROLE_ID,
} from '../engine/state-machine';
import type { CfnTemplate } from './package-stage';
import type { StaticFinding } from './static-checks';
import { listOf, type PolicyStatement } from './types';

const TEMPLATE = 'packaged template (cloudformation-template-update-stack.json)';
const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const DEFAULT_BUS = `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default`;

/** Per role: each action beyond its logs, and the one resource it may have. */
const ALLOWED: Record<string, Record<string, unknown>> = {
  [ENGINE_LOGS_ONLY_ROLE_ID]: {},
  [ENGINE_SUMMARISE_ROLE_ID]: { 'events:PutEvents': { 'Fn::Sub': DEFAULT_BUS } },
  [ENGINE_START_ROLE_ID]: {
    'states:StartExecution': { Ref: ENGINE_STATE_MACHINE_ID },
    // The stage's pause switch, read before each start (handlers/aws/pause-gate.ts).
    'states:ListTagsForResource': { Ref: ENGINE_STATE_MACHINE_ID },
  },
};

function statementsOfRole(resource: { Properties?: unknown }): PolicyStatement[] {
  const policies = (resource.Properties as { Policies?: unknown } | undefined)?.Policies;
  return (Array.isArray(policies) ? policies : []).flatMap((p) => {
    const statement = (p as { PolicyDocument?: { Statement?: unknown } }).PolicyDocument?.Statement;
    return (Array.isArray(statement) ? statement : [statement]).filter(
      Boolean,
    ) as PolicyStatement[];
  });
}

export function checkEngineRoles(template: CfnTemplate): StaticFinding[] {
  return Object.entries(ALLOWED).flatMap(([roleId, allowed]) => {
    const resource = template.Resources[roleId];
    if (!resource) return [];
    return statementsOfRole(resource).flatMap((s, i) => {
      if (s.Effect !== 'Allow') return [];
      const statement = s.Sid ?? `#${i + 1}`;
      const problems = listOf(s.Action).flatMap((action) => {
        if (LOGS.includes(action)) return [];
        if (!(action in allowed)) return [`allows ${action}, which its step does not need`];
        const expected = JSON.stringify(allowed[action]);
        const given: unknown[] = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
        const resources = given.map((r) => JSON.stringify(r));
        return resources.length === 1 && resources[0] === expected
          ? []
          : [`allows ${action} on ${resources.join(', ')}, not only ${expected}`];
      });
      return problems.map((message) => ({
        policy: `engine role ${roleId}`,
        source: TEMPLATE,
        statement,
        message,
        hint: 'engineRoleTooPowerful' as const,
      }));
    });
  });
}
