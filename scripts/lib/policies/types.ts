/** Shapes shared by the policy loaders, the authorizer and verify. */

/** An IAM policy document as JSON; loosely typed on purpose (the validators check it). */
export type PolicyDocument = {
  Version?: string;
  Statement: PolicyStatement[] | PolicyStatement;
} & Record<string, unknown>;

export type PolicyStatement = {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
} & Record<string, unknown>;

/** A policy with the name people will look for (policy name, file name, "trust policy of …"). */
export interface NamedPolicy {
  name: string;
  /** Where the document comes from, for fix hints, e.g. `serverless.yml provider.iam.role`. */
  source: string;
  policy: PolicyDocument;
}

/** The statements of a policy as a list, whatever form the document uses. */
export function statementsOf(policy: PolicyDocument): PolicyStatement[] {
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
}

/** A string-or-list IAM element (Action, Resource, condition values) as a list. */
export function listOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}
