/**
 * RDS identifiers, checked before any call. DB instance and DB cluster identifiers follow the same
 * rules (RDS API reference, CreateDBInstance `DBInstanceIdentifier` and CreateDBCluster
 * `DBClusterIdentifier`): 1 to 63 letters, digits or hyphens, the first a letter, no hyphen at the
 * end and no two in a row. RDS stores them in lowercase, so they are compared in lowercase.
 */
import * as z from 'zod/mini';
import '../../formats/zod-messages';

export const IDENTIFIER_MAX = 63;

/** Most identifiers of one kind a request may name; larger sets belong in a tag selector. */
export const MAX_IDENTIFIERS = 1000;

/** What is wrong with an identifier, in words naming the rule and the fix; undefined when valid. */
export function identifierProblem(id: string): string | undefined {
  if (id.length === 0 || id.length > IDENTIFIER_MAX) {
    return `must be 1 to ${IDENTIFIER_MAX} characters (it has ${id.length})`;
  }
  if (!/^[A-Za-z]/.test(id)) return 'must start with a letter';
  if (!/^[A-Za-z0-9-]+$/.test(id)) return 'may contain only letters, digits and hyphens';
  if (id.includes('--')) return 'cannot contain two hyphens in a row';
  if (id.endsWith('-')) return 'cannot end with a hyphen';
  return undefined;
}

function identifierList(kind: string, field: string) {
  return z
    .array(
      z.string().check(
        z.refine((id: string) => identifierProblem(id) === undefined, {
          error: (issue) =>
            `is not an RDS ${kind} identifier: it ${identifierProblem(String(issue.input))}`,
        }),
      ),
    )
    .check(
      z.minLength(1, `give at least one ${kind} identifier, or leave "${field}" out`),
      z.maxLength(
        MAX_IDENTIFIERS,
        `at most ${MAX_IDENTIFIERS} ${kind} identifiers; select larger sets by tag`,
      ),
    );
}

export const dbInstanceIdentifiersSchema = identifierList('DB instance', 'dbInstanceIdentifiers');
export const dbClusterIdentifiersSchema = identifierList('DB cluster', 'dbClusterIdentifiers');

/** Lowercase and distinct, in the order given: RDS's own form of the identifiers. */
export function normaliseIdentifiers(ids: readonly string[]): string[] {
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}
