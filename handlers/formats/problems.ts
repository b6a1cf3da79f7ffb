import type { core } from 'zod/mini';

/** One thing wrong with an input, named by its path so the caller knows exactly what to fix. */
export interface Problem {
  /** Dotted path to the offending field, e.g. `targets[1].accountId`. */
  field: string;
  /** What is wrong and how to fix it. */
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** Renders a zod issue path as `a.b[2].c` (with an optional prefix such as `params`). */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

export function problemsFromZod(error: core.$ZodError, prefix = ''): Problem[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        field: formatPath(issue.path, prefix),
        message: `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove them or check the spelling`,
      };
    }
    return { field: formatPath(issue.path, prefix), message: issue.message };
  });
}

export function describeProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `  - ${p.field}: ${p.message}`).join('\n');
}
