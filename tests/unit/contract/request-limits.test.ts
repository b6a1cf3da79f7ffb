import { parseRequest } from '../../../handlers/contract/request';
import { MAX_PROBLEMS } from '../../../handlers/formats/problems';
import { escapeFilterValue } from '../../../handlers/tasks/ec2/limits';
import { MAX_INSTANCE_IDS } from '../../../handlers/tasks/ec2/selector';
import { TEST_CONFIG } from '../../helpers/config';
import { instanceIds } from '../../helpers/instances';

function problemsOf(input: unknown) {
  const parsed = parseRequest(input, TEST_CONFIG);
  if (parsed.ok) throw new Error('expected the request to be refused');
  return parsed.problems;
}

function fieldsOf(input: unknown): string[] {
  return problemsOf(input).map((p) => p.field);
}

const values = (count: number) => Array.from({ length: count }, (_, i) => `v${i}`);

describe('Function: parseRequest (EC2 limits)', () => {
  it.each([
    ['without IDs', undefined, 195],
    ['with IDs', instanceIds(3), 195],
  ])(
    'accepts exactly the most tag values that fit one call %s, and refuses one more',
    (_name, ids, most) => {
      // Prepare
      const at = (count: number) => ({
        action: 'status',
        ...(ids ? { instanceIds: ids } : {}),
        tags: { Name: values(count) },
      });

      // Act
      const fits = parseRequest(at(most), TEST_CONFIG);
      const over = parseRequest(at(most + 1), TEST_CONFIG);

      // Assess
      expect(fits.ok).toBe(true);
      expect(!over.ok && over.problems.map((p) => p.field)).toEqual(['tags']);
    },
  );

  it('counts a named control tag key once, as the one value it is narrowed to', () => {
    // Prepare: 195 Name values + the control key (narrowed to its value) + 4 states = 200
    const request = {
      action: 'stop',
      tags: { Name: values(195), [TEST_CONFIG.controlTagKey]: ['true', 'false'] },
    };

    // Act
    const parsed = parseRequest(request, TEST_CONFIG);

    // Assess
    expect(parsed.ok).toBe(true);
  });

  it('refuses a control tag value that the always-added control tag would contradict', () => {
    // Act
    const problems = problemsOf({
      action: 'status',
      tags: { [TEST_CONFIG.controlTagKey]: 'false' },
    });

    // Assess
    expect(problems).toEqual([
      {
        field: `tags.${TEST_CONFIG.controlTagKey}`,
        message: expect.stringMatching(/can match nothing; list "true" or drop the key/),
      },
    ]);
  });

  it('counts duplicated values once', () => {
    // Prepare: 196 entries but 195 distinct values
    const request = { action: 'status', tags: { Name: [...values(195), 'v0'] } };

    // Act
    const parsed = parseRequest(request, TEST_CONFIG);

    // Assess
    expect(parsed.ok && parsed.value.tags?.Name).toHaveLength(195);
  });

  it('measures a tag value after escaping, against the 255 characters of an EC2 filter value', () => {
    // Prepare: 253 + 2 = 255 fits; 254 + 2 does not
    const fits = `${'a'.repeat(253)}*`;
    const over = `${'a'.repeat(254)}*`;

    // Act
    const accepted = parseRequest({ action: 'status', tags: { Name: fits } }, TEST_CONFIG);

    // Assess
    expect(escapeFilterValue(fits)).toHaveLength(255);
    expect(accepted.ok).toBe(true);
    expect(fieldsOf({ action: 'status', tags: { Name: over } })).toEqual(['tags.Name']);
    expect(fieldsOf({ action: 'status', tags: { Name: 'x'.repeat(256) } })).toEqual(['tags.Name']);
  });

  it('refuses tag keys past 128 characters, empty, or with a wildcard', () => {
    // Act
    const fields = fieldsOf({
      action: 'status',
      tags: { ['k'.repeat(129)]: 'x', '': 'x', 'web*': 'x', 'a?': 'x' },
    });

    // Assess
    expect(fields.sort()).toEqual(
      ['tags.', 'tags.a?', 'tags.web*', `tags.${'k'.repeat(129)}`].sort(),
    );
  });

  it('refuses a lone surrogate in a tag key or value, which EC2 would receive as U+FFFD', () => {
    // Act
    const fields = fieldsOf({ action: 'status', tags: { ok: '\ud800', '\udfff': 'x' } });

    // Assess
    expect(fields.sort()).toEqual(['tags.ok', 'tags.\udfff']);
  });

  it('accepts well-formed Unicode, astral characters included', () => {
    // Act
    const parsed = parseRequest({ action: 'status', tags: { 'Ñame 名前': '😀 web' } }, TEST_CONFIG);

    // Assess
    expect(parsed.ok && parsed.value.tags).toEqual({ 'Ñame 名前': ['😀 web'] });
  });

  it('accepts 1000 instance IDs and refuses 1001', () => {
    // Act
    const fits = parseRequest(
      { action: 'stop', instanceIds: instanceIds(MAX_INSTANCE_IDS) },
      TEST_CONFIG,
    );

    // Assess
    expect(fits.ok).toBe(true);
    expect(fieldsOf({ action: 'stop', instanceIds: instanceIds(MAX_INSTANCE_IDS + 1) })).toEqual([
      'instanceIds',
    ]);
  });

  it('builds the tag selector with a null prototype, so no key is inherited', () => {
    // Act
    const parsed = parseRequest({ action: 'status', tags: { team: 'web' } }, TEST_CONFIG);

    // Assess
    expect(parsed.ok && Object.getPrototypeOf(parsed.value.tags)).toBeNull();
  });

  it('refuses strings where booleans and numbers belong', () => {
    // Act
    const fields = fieldsOf({ action: 'stop', dryRun: 'true', confirmCount: '5', tags: { a: 5 } });

    // Assess
    expect(fields.sort()).toEqual(['confirmCount', 'dryRun', 'tags.a']);
  });

  it('refuses confirmCount on a status and when negative or fractional', () => {
    // Act
    const onStatus = fieldsOf({ action: 'status', confirmCount: 3 });
    const negative = fieldsOf({ action: 'stop', confirmCount: -1 });
    const fraction = fieldsOf({ action: 'stop', confirmCount: 1.5 });

    // Assess
    expect([onStatus, negative, fraction]).toEqual([
      ['confirmCount'],
      ['confirmCount'],
      ['confirmCount'],
    ]);
  });

  it('lists at most MAX_PROBLEMS problems and says how many more there were', () => {
    // Prepare
    const request = { action: 'stop', instanceIds: Array.from({ length: 500 }, () => 'nope') };

    // Act
    const problems = problemsOf(request);

    // Assess
    expect(problems).toHaveLength(MAX_PROBLEMS);
    expect(problems.at(-1)).toEqual({
      field: '(more)',
      message: `${500 - MAX_PROBLEMS + 1} more problems are not listed; fix these first`,
    });
  });

  it('quotes at most ten unknown field names', () => {
    // Prepare
    const request = Object.fromEntries([['action', 'stop'], ...values(25).map((k) => [k, 1])]);

    // Act
    const [problem] = problemsOf(request);

    // Assess
    expect(problem?.message).toMatch(/"v9" and 15 more: remove them/);
  });

  // Found by the parser property: zod's bare texts named the field but not the fix.
  it('says what is wrong with a bad tag key or value type, not zod\'s bare "Invalid key in record"', () => {
    // Act
    const problems = problemsOf({ action: 'status', tags: { 'web*': 'x', team: 5 } });

    // Assess
    expect(problems).toEqual([
      { field: 'tags.web*', message: expect.stringMatching(/^a tag key cannot contain \* or \?/) },
      {
        field: 'tags.team',
        message: expect.stringMatching(/^must be a tag value \(a string\) or a list/),
      },
    ]);
  });
});
