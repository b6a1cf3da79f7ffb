/**
 * What other tools may use of verify: the policy evaluator the local endpoint decides with (the
 * real IAM evaluation of the documents that deploy). Dev and test tooling only: the simulator
 * behind it is AGPL, and nothing under handlers/ or resources/ imports it.
 */

export {
  createPolicyAuthorizer,
  type LoadedWorld,
  type PolicyAuthorizer,
  type PolicyAuthorizerOptions,
  type PolicyDecision,
  PolicyEvaluationError,
  type PolicyWorld,
  type RequestCheck,
  type WorldPolicy,
  type WorldPrincipal,
  type WorldTarget,
} from './policy-authorizer';
