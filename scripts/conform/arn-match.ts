/**
 * Whether a policy's ARN pattern (with `*` and `?`) can name an ARN of a resource type's format
 * (`arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}`):
 * the two patterns share at least one string. `log-group:/aws/lambda/fn:*` does share strings with
 * the log-stream format (the `*` covers `log-stream:<name>`), as IAM matches it.
 */

type CharClass = 'any' | 'field';
type Token = { kind: 'lit'; char: string } | { kind: 'one' | 'star'; cls: CharClass };

/** Partition, region and account are one ARN field each: no colon inside. */
const FIELD_VARIABLES = new Set(['Partition', 'Region', 'Account']);

function policyTokens(pattern: string): Token[] {
  // Policy variables (${aws:username}) stand for any text, like a wildcard.
  const text = pattern.replace(/\$\{[^}]+\}/g, '*');
  return [...text].map(
    (char): Token =>
      char === '*'
        ? { kind: 'star', cls: 'any' }
        : char === '?'
          ? { kind: 'one', cls: 'any' }
          : { kind: 'lit', char },
  );
}

function formatTokens(format: string): Token[] {
  return format.split(/(\$\{[^}]+\})/).flatMap((part): Token[] => {
    const variable = /^\$\{([^}]+)\}$/.exec(part)?.[1];
    if (variable === undefined) return [...part].map((char) => ({ kind: 'lit', char }));
    const cls: CharClass = FIELD_VARIABLES.has(variable) ? 'field' : 'any';
    // A variable is at least one character.
    return [
      { kind: 'one', cls },
      { kind: 'star', cls },
    ];
  });
}

const accepts = (token: Token, char: string) =>
  token.kind === 'lit'
    ? token.char.toLowerCase() === char.toLowerCase()
    : token.cls === 'any' || char !== ':';

/** A character both tokens accept, if any. */
function commonChar(a: Token, b: Token): boolean {
  if (a.kind === 'lit') return accepts(b, a.char);
  if (b.kind === 'lit') return accepts(a, b.char);
  return true; // two classes always share a letter
}

export function arnPatternMeetsFormat(pattern: string, format: string): boolean {
  const p = policyTokens(pattern);
  const f = formatTokens(format);
  const memo = new Map<number, boolean>();
  const meet = (i: number, j: number): boolean => {
    const key = i * (f.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, false); // a cycle through stars adds nothing
    const pi = p[i];
    const fj = f[j];
    let result = i === p.length && j === f.length;
    if (!result && pi?.kind === 'star') result = meet(i + 1, j);
    if (!result && fj?.kind === 'star') result = meet(i, j + 1);
    if (!result && pi && fj && commonChar(pi, fj)) {
      result = meet(pi.kind === 'star' ? i : i + 1, fj.kind === 'star' ? j : j + 1);
    }
    memo.set(key, result);
    return result;
  };
  return meet(0, 0);
}
