/**
 * The `tags` selector's shared rules, whatever the service: a tag key comes from the caller and
 * becomes an object key, and `__proto__` never survives into a plain object (JSON.parse keeps it
 * as an own key, but zod and object spread drop it), so such keys are refused by name and the
 * accepted selector is a null-prototype object.
 */

/** Keys a plain object already answers for (`__proto__`, `constructor`, `toString`, ...). */
export const RESERVED_TAG_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

/** Key to its distinct values, in a null-prototype object so no key can vanish or be inherited. */
export function normaliseTags(
  tags: Readonly<Record<string, string | string[]>>,
): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  for (const [key, value] of Object.entries(tags)) {
    out[key] = [...new Set(Array.isArray(value) ? value : [value])];
  }
  return out;
}
