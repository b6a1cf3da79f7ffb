/**
 * One request through @cloud-copilot/iam-simulate in Strict mode, with the two ways it can
 * mislead turned into errors: a simulation error (malformed policy, unknown action) and
 * context keys it silently dropped as "not applicable" (a condition on a dropped key would
 * be evaluated as if the key were missing). Neither may ever read as a decision.
 */
import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import type { NamedPolicy } from '../../resources/home-stack/roles/policy-document';
import type { Decision } from '../shared/authorization';
import { type DecidingStatement, decidingStatements, explain } from './explain';

export interface SimulationInput {
  /** The calling principal: a session, user, or root ARN. */
  principal: string;
  action: string;
  resourceArn: string;
  resourceAccountId: string;
  context: Record<string, string | string[]>;
  identityPolicies: NamedPolicy[];
  /** A role's trust policy (kind `trust`) or another resource policy (KMS key policy). */
  resourcePolicy?: NamedPolicy & { kind: 'trust' | 'resource' };
  /** SCPs of the principal's account, all attached at one level. */
  serviceControlPolicies?: NamedPolicy[];
  /** RCPs of the resource's account, all attached at one level (RCPFullAWSAccess is implied). */
  resourceControlPolicies?: NamedPolicy[];
  permissionBoundary?: NamedPolicy;
}

export interface PolicyDecision extends Decision {
  deciding: DecidingStatement[];
}

export class PolicyEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyEvaluationError';
  }
}

function uniqueNames(policies: NamedPolicy[], kind: string): void {
  const seen = new Set<string>();
  for (const { name } of policies) {
    if (seen.has(name)) throw new PolicyEvaluationError(`two ${kind} policies are named "${name}"`);
    seen.add(name);
  }
}

export async function simulate(input: SimulationInput): Promise<PolicyDecision> {
  uniqueNames(input.identityPolicies, 'identity');
  uniqueNames(input.serviceControlPolicies ?? [], 'SCP');
  uniqueNames(input.resourceControlPolicies ?? [], 'RCP');
  const simulation: Simulation = {
    request: {
      principal: input.principal,
      action: input.action,
      resource: { resource: input.resourceArn, accountId: input.resourceAccountId },
      contextVariables: input.context,
    },
    identityPolicies: input.identityPolicies.map(({ name, policy }) => ({ name, policy })),
    serviceControlPolicies: input.serviceControlPolicies?.length
      ? [
          {
            orgIdentifier: 'scp',
            policies: input.serviceControlPolicies.map(({ name, policy }) => ({ name, policy })),
          },
        ]
      : [],
    resourceControlPolicies: input.resourceControlPolicies?.length
      ? [
          {
            orgIdentifier: 'rcp',
            policies: input.resourceControlPolicies.map(({ name, policy }) => ({ name, policy })),
          },
        ]
      : [],
    ...(input.resourcePolicy ? { resourcePolicy: input.resourcePolicy.policy } : {}),
    ...(input.permissionBoundary
      ? {
          permissionBoundaryPolicies: [
            { name: input.permissionBoundary.name, policy: input.permissionBoundary.policy },
          ],
        }
      : {}),
  };
  const what = `${input.action} on ${input.resourceArn} by ${input.principal}`;
  const run = await runSimulation(simulation, { simulationMode: 'Strict' });
  if (run.resultType === 'error') {
    const { message, ...details } = run.errors;
    throw new PolicyEvaluationError(
      `the simulator rejected ${what}: ${message} ${JSON.stringify(details)}`,
    );
  }
  const results = run.resultType === 'single' ? [run.result] : run.results;
  const [result, ...more] = results;
  if (!result || more.length > 0) {
    throw new PolicyEvaluationError(
      `expected one evaluation for ${what}, got ${results.length}: use a concrete resource ARN`,
    );
  }
  const ignored = result.ignoredContextKeys ?? [];
  if (ignored.length > 0) {
    throw new PolicyEvaluationError(
      `context keys not applicable to ${input.action} were dropped (${ignored.join(', ')}); a condition on them would be evaluated as missing, so ${what} is not decided`,
    );
  }
  const sources = Object.fromEntries(
    [
      ...input.identityPolicies,
      ...(input.serviceControlPolicies ?? []),
      ...(input.resourceControlPolicies ?? []),
    ]
      .concat(input.permissionBoundary ? [input.permissionBoundary] : [])
      .map((p) => [p.name, p.source]),
  );
  const deciding = decidingStatements(result.analysis, {
    principal: input.principal,
    sources,
    ...(input.resourcePolicy
      ? {
          resourcePolicy: {
            kind: input.resourcePolicy.kind,
            name: input.resourcePolicy.name,
            source: input.resourcePolicy.source,
          },
        }
      : {}),
  });
  const verdict = result.analysis.result;
  return {
    allowed: verdict === 'Allowed',
    result: verdict,
    explanation: explain(verdict, deciding),
    deciding,
  };
}
