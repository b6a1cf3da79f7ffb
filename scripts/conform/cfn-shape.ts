/**
 * Template helpers shared by the checks: is a node an intrinsic function, and walking every node.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ Ref: x }` or `{ "Fn::X": ... }`: a value CloudFormation computes at deploy time. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0] : undefined;
  return only !== undefined && (only === 'Ref' || only.startsWith('Fn::')) ? only : undefined;
}

/** Calls `visit` on every node under `value`, depth first, with a readable path. */
export function walk(
  value: unknown,
  path: string,
  visit: (node: unknown, path: string) => void,
): void {
  visit(value, path);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, `${path}[${i}]`, visit);
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`, visit);
  }
}
