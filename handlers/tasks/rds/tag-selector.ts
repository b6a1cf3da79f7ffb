/**
 * The `tags` selector of the RDS task: the same meaning as EC2's (every key must match, any of a
 * key's values; reserved object keys and `tags: {}` refused; a null-prototype selector), read
 * against each resource's `TagList`, since DescribeDBInstances and DescribeDBClusters have no tag
 * filter (RDS API reference, `Filters`; aws/aws-sdk#177). Values are compared literally, so no
 * wildcard escaping is needed here.
 */
import * as z from 'zod/mini';
import '../../formats/zod-messages';
import { TAG_KEY_MAX, TAG_VALUE_MAX } from '../../formats/ids';
import type { Problem } from '../../formats/problems';
import { RESERVED_TAG_KEYS } from '../../formats/tags';

const tagKey = z
  .string()
  .check(
    z.minLength(1, 'a tag key cannot be empty'),
    z.maxLength(TAG_KEY_MAX, `a tag key is at most ${TAG_KEY_MAX} characters`),
  );
const tagValue = z
  .string()
  .check(z.maxLength(TAG_VALUE_MAX, `a tag value is at most ${TAG_VALUE_MAX} characters`));

export const rdsTagsSchema = z.record(
  tagKey,
  z.union(
    [tagValue, z.array(tagValue).check(z.minLength(1, 'give at least one value, or drop the key'))],
    {
      error: 'must be a tag value (a string) or a list of them, for example "dev" or ["dev", "qa"]',
    },
  ),
);

/** Keys zod would drop or objects already answer for, and an empty selector. */
export function rawRdsTagProblems(tags: unknown): Problem[] {
  if (tags === null || typeof tags !== 'object' || Array.isArray(tags)) return [];
  const keys = Object.keys(tags);
  const problems: Problem[] = keys
    .filter((key) => RESERVED_TAG_KEYS.has(key))
    .map((key) => ({
      field: `tags.${key}`,
      message: `"${key}" cannot be a tag key here: it names a built-in property of JavaScript objects, so it would not survive as a selector; select these databases by dbInstanceIdentifiers or dbClusterIdentifiers`,
    }));
  if (keys.length === 0) {
    problems.push({
      field: 'tags',
      message:
        'names no tag: give at least one key, or leave "tags" out to select by the control tag',
    });
  }
  return problems;
}

/** A resource's tags as a null-prototype record (an `__proto__` tag key stays a plain key). */
export function tagRecord(
  list: ReadonlyArray<{ Key?: string | undefined; Value?: string | undefined }> | undefined,
): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const tag of list ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

/** Whether a resource's tags satisfy a selector: every key present, with one of its values. */
export function matchesTags(
  tags: Readonly<Record<string, string>>,
  selector: Readonly<Record<string, readonly string[]>>,
): boolean {
  return Object.entries(selector).every(([key, values]) => {
    const value = Object.hasOwn(tags, key) ? tags[key] : undefined;
    return value !== undefined && values.includes(value);
  });
}
