/**
 * Reads what `sls invoke local` printed: the function's log lines (one JSON object each), then
 * its return value pretty-printed, or an error object when the invocation failed.
 */
import type { RunResult } from '../../handlers/core/results';

export class InvokeOutputError extends Error {
  override name = 'InvokeOutputError';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isRunResult = (value: unknown): value is RunResult =>
  isRecord(value) &&
  typeof value.action === 'string' &&
  isRecord(value.summary) &&
  Array.isArray(value.targets);

/** Every JSON object or array embedded in text, in order (balanced brackets outside strings). */
export function jsonValuesIn(text: string): unknown[] {
  const values: unknown[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text[i];
    if (open !== '{' && open !== '[') {
      i += 1;
      continue;
    }
    const end = matchingBracket(text, i);
    if (end < 0) {
      i += 1;
      continue;
    }
    try {
      values.push(JSON.parse(text.slice(i, end + 1)));
      i = end + 1;
    } catch {
      i += 1;
    }
  }
  return values;
}

function matchingBracket(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth += 1;
    else if (ch === '}' || ch === ']') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** The run result the function returned; throws InvokeOutputError (with the output's tail) if there is none. */
export function runResultFrom(stdout: string, stderr = ''): RunResult {
  const result = jsonValuesIn(stdout).filter(isRunResult).at(-1);
  if (result) return result;
  const failure = jsonValuesIn(`${stdout}\n${stderr}`)
    .filter((v): v is { errorMessage: string } => isRecord(v) && typeof v.errorMessage === 'string')
    .at(-1);
  const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-25).join('\n');
  throw new InvokeOutputError(
    failure
      ? `the function failed: ${failure.errorMessage}`
      : `no run result in the output of sls invoke local:\n${tail}`,
  );
}
