/**
 * The limits EC2 puts on one DescribeInstances call, and how a literal value travels in a filter.
 * The request parser checks a selection against these before any AWS call; the selection code
 * builds its calls with the same numbers, so a request that parses never meets FilterLimitExceeded.
 */

/** EC2 counts filter values across every filter of one call, not per filter. */
export const MAX_FILTER_VALUES_PER_CALL = 200;

/** EC2 refuses a longer filter value with FilterLimitExceeded (counted after escaping). */
export const MAX_FILTER_VALUE_LENGTH = 255;

/**
 * EC2 reads `*` (any run of characters) and `?` (one character) in a filter value as wildcards,
 * and a backslash escapes the next character. Tag selections are literal, so each of the three
 * is escaped: `web-*` selects only instances whose tag is exactly `web-*`.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*?]/g, '\\$&');
}

/** True when a string holds a lone UTF-16 surrogate, which the SDK would send as U+FFFD. */
export function hasLoneSurrogate(value: string): boolean {
  return /\p{Surrogate}/u.test(value);
}
