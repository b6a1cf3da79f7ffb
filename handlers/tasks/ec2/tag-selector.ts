/**
 * The `tags` selector: its schema, the checks zod cannot make, and its normalised form.
 *
 * A tag key comes from the caller and becomes an object key. `__proto__` never survives into a
 * plain object (JSON.parse keeps it as an own key, but zod and object spread drop it), so
 * `{"tags":{"__proto__":"x"}}` used to lose its only filter and select everything. Such keys are
 * refused by name, and the accepted selector is built as a null-prototype object.
 */
import * as z from 'zod/mini';
import '../../formats/zod-messages';
import { TAG_KEY_MAX } from '../../formats/ids';
import type { Problem } from '../../formats/problems';
import { RESERVED_TAG_KEYS } from '../../formats/tags';
import { escapeFilterValue, hasLoneSurrogate, MAX_FILTER_VALUE_LENGTH } from './limits';

const wellFormed = () =>
  z.refine<string>((value) => !hasLoneSurrogate(value), {
    message:
      'contains a lone UTF-16 surrogate (not valid Unicode), which would reach EC2 as U+FFFD; send well-formed text',
  });

const tagKey = z.string().check(
  z.minLength(1, 'a tag key cannot be empty'),
  z.maxLength(TAG_KEY_MAX, `a tag key is at most ${TAG_KEY_MAX} characters`),
  z.refine((key: string) => !/[*?]/.test(key), {
    message:
      'a tag key cannot contain * or ?: EC2 gives them no defined meaning in a filter name; select these instances by instanceIds',
  }),
  wellFormed(),
);

const tagValue = z.string().check(
  z.refine((value: string) => escapeFilterValue(value).length <= MAX_FILTER_VALUE_LENGTH, {
    message: `a tag value is at most ${MAX_FILTER_VALUE_LENGTH} characters in an EC2 filter, counting the backslash added before each *, ? and \\ (they are matched literally)`,
  }),
  wellFormed(),
);

export const tagsSchema = z.record(
  tagKey,
  z.union(
    [tagValue, z.array(tagValue).check(z.minLength(1, 'give at least one value, or drop the key'))],
    {
      error: 'must be a tag value (a string) or a list of them, for example "web" or ["web", "db"]',
    },
  ),
);

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * What zod cannot see in the raw `tags`: keys it silently drops or that collide with object
 * built-ins, and an empty selector (`{}` selects nothing by name, so it is refused rather than
 * guessed at; leave `tags` out to select by the control tag).
 */
export function rawTagProblems(tags: unknown): Problem[] {
  if (!isPlainRecord(tags)) return [];
  const keys = Object.keys(tags);
  const problems: Problem[] = keys
    .filter((key) => RESERVED_TAG_KEYS.has(key))
    .map((key) => ({
      field: `tags.${key}`,
      message: `"${key}" cannot be a tag key here: it names a built-in property of JavaScript objects, so it would not survive as a filter; select these instances by instanceIds`,
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

/** Every value the selector names, counted as EC2 counts filter values. */
export function countTagValues(tags: Readonly<Record<string, readonly string[]>>): number {
  return Object.values(tags).reduce((n, values) => n + values.length, 0);
}
