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

/** Most problems one answer lists: enough to fix a request, bounded for a hostile one. */
export const MAX_PROBLEMS = 50;
/** Most unknown field names one problem quotes. */
const MAX_UNKNOWN_KEYS = 10;

/** Keeps the first MAX_PROBLEMS, and says how many more there were. */
export function capProblems(problems: readonly Problem[]): Problem[] {
  if (problems.length <= MAX_PROBLEMS) return [...problems];
  return [
    ...problems.slice(0, MAX_PROBLEMS - 1),
    {
      field: '(more)',
      message: `${problems.length - MAX_PROBLEMS + 1} more problems are not listed; fix these first`,
    },
  ];
}

export function problemsFromZod(error: core.$ZodError, prefix = ''): Problem[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        field: formatPath(issue.path, prefix),
        message: `unknown field(s) ${issue.keys
          .slice(0, MAX_UNKNOWN_KEYS)
          .map((k) => JSON.stringify(k))
          .join(
            ', ',
          )}${issue.keys.length > MAX_UNKNOWN_KEYS ? ` and ${issue.keys.length - MAX_UNKNOWN_KEYS} more` : ''}: remove them or check the spelling`,
      };
    }
    if (issue.code === 'invalid_key') {
      // zod's own text is "Invalid key in record"; the key schema's messages say what is wrong.
      return {
        field: formatPath(issue.path, prefix),
        message: issue.issues.map((inner) => inner.message).join('; '),
      };
    }
    return { field: formatPath(issue.path, prefix), message: issue.message };
  });
}

export function describeProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `  - ${p.field}: ${p.message}`).join('\n');
}
