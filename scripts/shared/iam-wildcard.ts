/** IAM's wildcards in a policy's actions and resources, as verify and conform read them. */

/** IAM's wildcard match (`*` any run, `?` one character), case-sensitive like ARNs. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

/** Whether an action pattern of a statement names `action` (case-insensitive, like IAM). */
export function actionMatch(pattern: string, action: string): boolean {
  return wildcardMatch(pattern.toLowerCase(), action.toLowerCase());
}
