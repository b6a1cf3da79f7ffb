/** The EC2 task's request fields: which instances (IDs, tags) and how to stop them (hibernate). */
import * as z from 'zod/mini';
import '../../formats/zod-messages';
import type { Action } from '../../core/types';
import { TAG_KEY_MAX, TAG_VALUE_MAX } from '../../formats/ids';
import type { Problem } from '../../formats/problems';
import type { CommonRequest } from '../task';

/** EC2 instance IDs: `i-` plus 8 (legacy) or 17 lowercase hex characters. */
export const INSTANCE_ID_PATTERN = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** Most instance IDs one request may name; larger sets belong in a tag selector. */
export const MAX_INSTANCE_IDS = 1000;

const tagValue = () =>
  z
    .string()
    .check(z.maxLength(TAG_VALUE_MAX, `a tag value is at most ${TAG_VALUE_MAX} characters`));
const tagValues = z.union([
  tagValue(),
  z.array(tagValue()).check(z.minLength(1, 'give at least one value, or drop the key')),
]);

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
  tags: z.optional(
    z.record(
      z
        .string()
        .check(
          z.minLength(1, 'a tag key cannot be empty'),
          z.maxLength(TAG_KEY_MAX, `a tag key is at most ${TAG_KEY_MAX} characters`),
        ),
      tagValues,
    ),
  ),
  hibernate: z.optional(z.boolean({ error: 'must be true or false' })),
};

const ec2Selector = z.object(ec2SelectorShape);
type RawEc2Selector = z.infer<typeof ec2Selector>;

export interface Ec2Selector {
  instanceIds?: string[];
  /** Tag filters (key to accepted values); absent means "the control tag". */
  tags?: Record<string, string[]>;
  hibernate: boolean;
}

/** A validated EC2 request. */
export type Ec2Request = CommonRequest & Ec2Selector;

export function readEc2Selector(fields: Record<string, unknown>): Ec2Selector {
  const raw = fields as RawEc2Selector;
  const tags = raw.tags
    ? Object.fromEntries(
        Object.entries(raw.tags).map(([key, value]) => [
          key,
          Array.isArray(value) ? value : [value],
        ]),
      )
    : undefined;
  return {
    ...(raw.instanceIds ? { instanceIds: [...new Set(raw.instanceIds)] } : {}),
    ...(tags ? { tags } : {}),
    hibernate: raw.hibernate ?? false,
  };
}

export function checkEc2Request(
  input: Record<string, unknown>,
  action: Action | undefined,
): Problem[] {
  if (input.hibernate === true && action !== undefined && action !== 'stop') {
    return [
      { field: 'hibernate', message: 'only applies to "stop"; remove it or use action "stop"' },
    ];
  }
  return [];
}
