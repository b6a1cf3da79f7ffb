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

/**
 * The statements of a policy as a list, whatever form the document uses. Entries that are not
 * objects (and a document that is none) give no statement: the validators report them as
 * malformed with their path, so no check ever reads a property of a string or null.
 */
export function statementsOf(policy: PolicyDocument): PolicyStatement[] {
  const raw = (policy as { Statement?: unknown } | null | undefined)?.Statement;
  const isStatement = (s: unknown): s is PolicyStatement =>
    typeof s === 'object' && s !== null && !Array.isArray(s);
  if (!Array.isArray(raw)) return isStatement(raw) ? [raw] : [];
  // The document's own list when it is well-formed (callers may edit it in place).
  return raw.every(isStatement) ? raw : raw.filter(isStatement);
}

/** A string-or-list IAM element (Action, Resource, condition values) as a list. */
export function listOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * A statement's Condition as operator -> key -> value, keeping only blocks that are objects: a
 * malformed Condition (a string, a null block) is the validators' to report, never a crash.
 */
export function conditionOf(statement: PolicyStatement): Record<string, Record<string, unknown>> {
  const condition = statement.Condition;
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) return {};
  return Object.fromEntries(
    Object.entries(condition as Record<string, unknown>).filter(
      (entry): entry is [string, Record<string, unknown>] =>
        typeof entry[1] === 'object' && entry[1] !== null && !Array.isArray(entry[1]),
    ),
  );
}
