/**
 * Whether one IAM wildcard pattern covers another: every string `inner` can match is matched by
 * `outer`. IAM matches Action and Resource with `*` (any run of characters) and `?` (one
 * character) (IAM User Guide, "IAM JSON policy elements: Action" and "Resource"); actions are
 * case-insensitive, ARNs case-sensitive. `inner`'s `*` can only be covered by a `*` of `outer`,
 * so a statement pattern wider than its intent (`states:*`, `arn:aws:lambda:*`) is never covered:
 * the check is sound for wildcards, never "roughly the same".
 */

function coverRegExp(outer: string, ignoreCase: boolean): RegExp {
  let source = '';
  for (const char of outer) {
    if (char === '*') source += '[\\s\\S]*';
    // Outer's `?` is one character of a value; inner's `*` stands for any run, so not that.
    else if (char === '?') source += '[^*]';
    else source += char.replace(/[.+^${}()|[\]\\?*]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '');
}

export function patternCovers(outer: string, inner: string, ignoreCase = false): boolean {
  return coverRegExp(outer, ignoreCase).test(inner);
}

/** A concrete value `pattern` matches (`*`, `?` -> `x`): a request the pattern admits. */
export function sampleOf(pattern: string): string {
  return pattern.replace(/[*?]/g, 'x');
}
