import { MAX_JSON_DEPTH, parseJsonBody } from '../../../handlers/contract/json-body';

describe('Function: parseJsonBody', () => {
  it('parses strict JSON, keeping "__proto__" as a plain own key', () => {
    // Act
    const parsed = parseJsonBody('{"__proto__":{"dryRun":false},"a":[1,{"b":null}]}');

    // Assess
    expect(parsed.ok).toBe(true);
    const value = parsed.ok ? (parsed.value as Record<string, unknown>) : {};
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it.each([
    ['at the top', '{"dryRun":true,"dryRun":false}', 'body.dryRun'],
    ['in a nested object', '{"tags":{"team":"a","team":"b"}}', 'body.tags.team'],
    ['spelt with an escape', '{"dry\\u0052un":true,"dryRun":false}', 'body.dryRun'],
    ['in an object inside an array', '{"x":[{"k":1,"k":2}]}', 'body.x[0].k'],
  ])('refuses a key repeated %s, naming it', (_name, text, field) => {
    // Act
    const parsed = parseJsonBody(text);

    // Assess
    expect(parsed).toEqual({
      ok: false,
      problems: [{ field, message: expect.stringMatching(/appears more than once/) }],
    });
  });

  it('allows the same key in sibling objects', () => {
    // Act
    const parsed = parseJsonBody('{"a":{"k":1},"b":{"k":2},"c":[{"k":1},{"k":2}]}');

    // Assess
    expect(parsed.ok).toBe(true);
  });

  it.each([
    ['a trailing comma', '{"a":1,}'],
    ['a comment', '{"a":1} // note'],
    ['NaN', '{"a":NaN}'],
    ['trailing text', '{"a":1} x'],
    ['a truncated object', '{"a":'],
    ['a raw tab in a string', '{"a":"\t"}'],
  ])('refuses %s as invalid JSON', (_name, text) => {
    // Act
    const parsed = parseJsonBody(text);

    // Assess
    expect(parsed).toEqual({
      ok: false,
      problems: [{ field: 'body', message: expect.stringMatching(/^is not valid JSON/) }],
    });
  });

  it('refuses nesting past the depth limit without walking it all', () => {
    // Prepare: deep enough to overflow a recursive parser's stack
    const text = '['.repeat(200_000);

    // Act
    const parsed = parseJsonBody(text);

    // Assess
    expect(parsed).toEqual({
      ok: false,
      problems: [
        {
          field: expect.stringMatching(/^body\[0\]/),
          message: `nests deeper than ${MAX_JSON_DEPTH} levels; a request needs at most 3`,
        },
      ],
    });
  });
});
