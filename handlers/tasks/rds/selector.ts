/**
 * The RDS task's request fields: which DB instances and Aurora clusters (identifiers, tags). No
 * `hibernate`, and no dry run: RDS has no DryRun parameter, so the port refuses `dryRun: true`
 * for this task, naming it.
 */
import * as z from 'zod/mini';
import '../../formats/zod-messages';
import type { CommonRequest, StageFacts } from '../../core/task';
import type { Action } from '../../core/types';
import type { Problem } from '../../formats/problems';
import { normaliseTags } from '../../formats/tags';
import {
  dbClusterIdentifiersSchema,
  dbInstanceIdentifiersSchema,
  normaliseIdentifiers,
} from './identifiers';
import { rawRdsTagProblems, rdsTagsSchema } from './tag-selector';

export const rdsSelectorShape = {
  dbInstanceIdentifiers: z.optional(dbInstanceIdentifiersSchema),
  dbClusterIdentifiers: z.optional(dbClusterIdentifiersSchema),
  tags: z.optional(rdsTagsSchema),
  /** Stop only what RDS started by itself after 7 days stopped (restarted-by-aws.ts). */
  onlyRestartedByAws: z.optional(z.boolean()),
};

const rdsSelector = z.object(rdsSelectorShape);
type RawRdsSelector = z.infer<typeof rdsSelector>;

export interface RdsSelector {
  /** Lowercase, distinct (RDS stores identifiers in lowercase). */
  dbInstanceIdentifiers?: string[];
  dbClusterIdentifiers?: string[];
  /** Key to accepted values (null prototype); without identifiers the control tag is added. */
  tags?: Record<string, string[]>;
  /** Stop only what RDS started by itself after 7 days stopped (see restarted-by-aws.ts). */
  onlyRestartedByAws?: boolean;
}

/** A validated RDS request. */
export type RdsRequest = CommonRequest & RdsSelector;

export function readRdsSelector(fields: Record<string, unknown>): RdsSelector {
  const raw = fields as RawRdsSelector;
  const tags = raw.tags ? normaliseTags(raw.tags) : undefined;
  return {
    ...(raw.dbInstanceIdentifiers
      ? { dbInstanceIdentifiers: normaliseIdentifiers(raw.dbInstanceIdentifiers) }
      : {}),
    ...(raw.dbClusterIdentifiers
      ? { dbClusterIdentifiers: normaliseIdentifiers(raw.dbClusterIdentifiers) }
      : {}),
    ...(tags ? { tags } : {}),
    ...(raw.onlyRestartedByAws ? { onlyRestartedByAws: true } : {}),
  };
}

/** Whether the request names resources by identifier (the control tag is then checked per resource). */
export function namesIdentifiers(selector: RdsSelector): boolean {
  return (
    selector.dbInstanceIdentifiers !== undefined || selector.dbClusterIdentifiers !== undefined
  );
}

/**
 * What the field schemas cannot see: tag keys zod drops, an empty `tags`, and a tag selection
 * the control tag empties by construction (the same rule as EC2's).
 */
export function checkRdsRequest(
  input: Record<string, unknown>,
  action: Action | undefined,
  stage: StageFacts,
): Problem[] {
  const problems = rawRdsTagProblems(input.tags);
  if (input.onlyRestartedByAws === true && action !== undefined && action !== 'stop') {
    problems.push({
      field: 'onlyRestartedByAws',
      message: `only a stop can be limited to what RDS restarted after 7 days stopped, not a ${action}; use action "stop" or drop onlyRestartedByAws`,
    });
  }
  const fields = z.safeParse(rdsSelector, input);
  if (problems.length > 0 || !fields.success) return problems;
  const selector = readRdsSelector(fields.data);
  const { key, value } = stage.controlTag;
  const named = selector.tags?.[key];
  if (!namesIdentifiers(selector) && named !== undefined && !named.includes(value)) {
    problems.push({
      field: `tags.${key}`,
      message: `without dbInstanceIdentifiers or dbClusterIdentifiers the control tag ${key}=${value} is always part of a tag selection, so this can match nothing; list "${value}" or drop the key`,
    });
  }
  return problems;
}
