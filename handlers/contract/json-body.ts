/**
 * Reads an HTTP body as strict JSON. JSON.parse keeps the last of duplicated keys, so
 * `{"dryRun":true,"dryRun":false}` would do a real run; the text is therefore walked first with
 * jsonc-parser's visitor, which reports every property, and refused (naming the key) if any
 * object repeats one, or if it nests deeper than any request needs. Only a body that passed is
 * handed to JSON.parse, which builds the value (with `__proto__` as a plain own key).
 */
import { type JSONPath, printParseErrorCode, visit } from 'jsonc-parser';
import { formatPath, type Parsed, type Problem } from '../formats/problems';

/** A request nests three levels (`targets.accounts[0]`); the margin keeps errors about shape, not depth. */
export const MAX_JSON_DEPTH = 32;

/** Thrown from the visitor to stop the walk once the body is known to be refused. */
class StopWalk extends Error {}

function bodyField(path: JSONPath): string {
  return formatPath(path, 'body');
}

/** Walks the text once: syntax errors, duplicated keys and excess depth, as problems. */
function walkProblems(text: string): Problem[] {
  const problems: Problem[] = [];
  const keysOfOpenObjects: Array<Set<string> | undefined> = [];
  const open = (path: () => JSONPath, keys?: Set<string>) => {
    keysOfOpenObjects.push(keys);
    if (keysOfOpenObjects.length > MAX_JSON_DEPTH) {
      problems.push({
        field: bodyField(path()),
        message: `nests deeper than ${MAX_JSON_DEPTH} levels; a request needs at most 3`,
      });
      throw new StopWalk();
    }
  };
  try {
    visit(
      text,
      {
        onObjectBegin: (_offset, _length, _line, _column, path) => open(path, new Set()),
        onArrayBegin: (_offset, _length, _line, _column, path) => open(path),
        onObjectEnd: () => void keysOfOpenObjects.pop(),
        onArrayEnd: () => void keysOfOpenObjects.pop(),
        onObjectProperty: (property, _offset, _length, _line, _column, path) => {
          const keys = keysOfOpenObjects.at(-1);
          if (!keys) return;
          if (keys.has(property)) {
            problems.push({
              field: bodyField([...path(), property]),
              message: `the key ${JSON.stringify(property)} appears more than once in this object; JSON gives no rule for which one counts, so send it once`,
            });
          }
          keys.add(property);
        },
        onError: (error, offset) => {
          problems.push({
            field: 'body',
            message: `is not valid JSON (${printParseErrorCode(error)} at offset ${offset}); send a JSON object, or no body`,
          });
          throw new StopWalk();
        },
      },
      { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
    );
  } catch (err) {
    if (!(err instanceof StopWalk)) throw err;
  }
  return problems;
}

/** Parses a non-empty body into a JSON value, or names what is wrong with it. */
export function parseJsonBody(text: string): Parsed<unknown> {
  const problems = walkProblems(text);
  if (problems.length > 0) return { ok: false, problems };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    // The walk accepts what JSON.parse does; this is a second opinion, not an expected path.
    return {
      ok: false,
      problems: [
        {
          field: 'body',
          message: `is not valid JSON (${err instanceof Error ? err.message : String(err)}); send a JSON object, or no body`,
        },
      ],
    };
  }
}
