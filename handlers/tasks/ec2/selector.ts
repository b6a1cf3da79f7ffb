/** The EC2 task's request fields: which instances (IDs, tags) and how to stop them (hibernate). */
import * as z from 'zod/mini';
import '../../formats/zod-messages';
import type { CommonRequest, StageFacts } from '../../core/task';
import type { Action } from '../../core/types';
import type { Problem } from '../../formats/problems';
import { normaliseTags } from '../../formats/tags';
import { selectionProblems } from './selection-checks';
import { rawTagProblems, tagsSchema } from './tag-selector';

/** EC2 instance IDs: `i-` plus 8 (legacy) or 17 lowercase hex characters. */
export const INSTANCE_ID_PATTERN = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** Most instance IDs one request may name; larger sets belong in a tag selector. */
export const MAX_INSTANCE_IDS = 1000;

export const ec2SelectorShape = {
  instanceIds: z.optional(
    z
      .array(
        z
          .string()
          .check(
            z.regex(
              INSTANCE_ID_PATTERN,
              'is not an EC2 instance ID: expected "i-" followed by 8 or 17 lowercase hex characters',
            ),
          ),
      )
      .check(
        z.minLength(1, 'give at least one instance ID, or leave "instanceIds" out'),
        z.maxLength(
          MAX_INSTANCE_IDS,
          `at most ${MAX_INSTANCE_IDS} instance IDs; select larger sets by tag`,
        ),
      ),
  ),
  tags: z.optional(tagsSchema),
  hibernate: z.optional(z.boolean({ error: 'must be true or false' })),
};

const ec2Selector = z.object(ec2SelectorShape);
type RawEc2Selector = z.infer<typeof ec2Selector>;

export interface Ec2Selector {
  instanceIds?: string[];
  /** Tag filters (key to accepted values, null prototype); the control tag is added without IDs. */
  tags?: Record<string, string[]>;
  hibernate: boolean;
}

/** A validated EC2 request. */
export type Ec2Request = CommonRequest & Ec2Selector;

export function readEc2Selector(fields: Record<string, unknown>): Ec2Selector {
  const raw = fields as RawEc2Selector;
  const tags = raw.tags ? normaliseTags(raw.tags) : undefined;
  return {
    ...(raw.instanceIds ? { instanceIds: [...new Set(raw.instanceIds)] } : {}),
    ...(tags ? { tags } : {}),
    hibernate: raw.hibernate ?? false,
  };
}

/**
 * What the field schemas cannot see: tag keys zod drops or objects already answer for, an empty
 * `tags`, `hibernate` without `stop`, and, once the selector fields are valid, whether the
 * DescribeInstances calls they plan fit EC2's 200 filter values (so an accepted request never
 * meets FilterLimitExceeded at run time).
 */
export function checkEc2Request(
  input: Record<string, unknown>,
  action: Action | undefined,
  stage: StageFacts,
): Problem[] {
  const problems = rawTagProblems(input.tags);
  if (input.hibernate === true && action !== undefined && action !== 'stop') {
    problems.push({
      field: 'hibernate',
      message: 'only applies to "stop"; remove it or use action "stop"',
    });
  }
  const fields = z.safeParse(ec2Selector, input);
  if (problems.length > 0 || !fields.success) return problems;
  const selector = readEc2Selector(fields.data);
  return selectionProblems({
    ...(selector.instanceIds ? { instanceIds: selector.instanceIds } : {}),
    ...(selector.tags ? { tags: selector.tags } : {}),
    controlTag: stage.controlTag,
  });
}
