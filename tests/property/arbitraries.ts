/**
 * Generators of hostile input for the property tests: prototype keys, huge and deeply nested
 * values, duplicated keys (as raw JSON text), Unicode, lone surrogates, numbers where strings
 * belong, and values at EC2's limits plus and minus one. Objects get their keys the way
 * JSON.parse gives them (own data properties), so `__proto__` is a real key, not a prototype.
 */
import fc from 'fast-check';
import { MAX_FILTER_VALUE_LENGTH } from '../../handlers/tasks/ec2/limits';
import { MAX_INSTANCE_IDS } from '../../handlers/tasks/ec2/selector';
import { TEST_CONFIG } from '../helpers/config';
import { instanceIds } from '../helpers/instances';

export const CONTROL_KEY = TEST_CONFIG.controlTagKey;

/** Builds an object the way JSON.parse does: every key an own, enumerable data property. */
export function ownObject(
  entries: ReadonlyArray<readonly [string, unknown]>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** `[[[...]]]` or `{"a":{"a":...}}`, built without recursion. */
export function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

// Big values are built once and shared: generating them must not dominate the run time.
const HUGE_STRING = 'x'.repeat(10_000);
const NOPES: readonly string[] = new Array<string>(1_500).fill('nope');
const NAMES: readonly string[] = Array.from({ length: 201 }, (_, i) => `web-${i}`);
const ID_POOL: readonly string[] = instanceIds(MAX_INSTANCE_IDS + 1);
const DEEP_ARRAY = nested(5_000, 'array');
const DEEP_OBJECT = nested(5_000, 'object');

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];
const FIELD_KEYS = [
  'action',
  'targets',
  'instanceIds',
  'tags',
  'dryRun',
  'hibernate',
  'wait',
  'confirmCount',
];
const TRICKY_STRINGS = ['', ' ', '*', '?', '\\', 'web-*', 'a?c', '\\*', 'i-', '😀', 'NaN', 'true'];

export const loneSurrogate = fc.constantFrom('\ud800', '\udfff', 'a\udc00b', '\ud83d');

/** Strings that break naive code: wildcards, escapes, Unicode, limits plus and minus one. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: MAX_FILTER_VALUE_LENGTH - 2, max: MAX_FILTER_VALUE_LENGTH + 2 })
      .map((n) => 'v'.repeat(n)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 126, max: 130 }).map((n) => 'k'.repeat(n)) },
  { weight: 1, arbitrary: fc.constant(HUGE_STRING) },
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(...PROTOTYPE_KEYS, ...FIELD_KEYS, CONTROL_KEY, 'Name', 'dryrun'),
  },
  { weight: 2, arbitrary: hostileString },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, 1, -1, 1.5, 2 ** 53, 1e308, Number.NaN, Number.POSITIVE_INFINITY),
);

const primitive = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));

/** Any JSON-like value with hostile keys, a few levels deep. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    { weight: 4, arbitrary: primitive },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    {
      weight: 1,
      arbitrary: fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map(ownObject),
    },
  ),
})).value;

/** Deeper than a stack-recursive walker survives, or longer than any limit. */
export const giantValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(DEEP_ARRAY, DEEP_OBJECT, HUGE_STRING),
  fc.integer({ min: 0, max: NOPES.length }).map((n) => NOPES.slice(0, n)),
);

const tagValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('web', 'web-*', 'db?', 'a\\b', '*', '', 'true', 'false'),
  },
  { weight: 1, arbitrary: hostileString },
);

/** Tag selectors from empty to just past the filter budget, keys from a pool that collides. */
export const tagSelector: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.constantFrom('Name', 'team', CONTROL_KEY, 'web-*', '__proto__', 'constructor', 'env'),
          fc.oneof(tagValue, fc.array(tagValue, { maxLength: 4 })),
        ),
        { maxLength: 4 },
      )
      .map(ownObject),
  },
  // Near EC2's 200 values per call, with and without the control tag: the budget plus and minus one.
  {
    weight: 1,
    arbitrary: fc.integer({ min: 190, max: 201 }).map((n) => ({ Name: NAMES.slice(0, n) })),
  },
);

export const instanceIdList: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 8 }).map((n) => ID_POOL.slice(0, n)) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(MAX_INSTANCE_IDS - 1, MAX_INSTANCE_IDS, MAX_INSTANCE_IDS + 1)
      .map((n) => ID_POOL.slice(0, n)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 150, max: 450 }).map((n) => ID_POOL.slice(0, n)) },
  { weight: 2, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
);

const maybeHostile = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 12, arbitrary: valid },
    { weight: 2, arbitrary: hostileValue },
    { weight: 1, arbitrary: giantValue },
  );

const extraFields = fc.oneof(
  { weight: 4, arbitrary: fc.constant([] as Array<[string, unknown]>) },
  { weight: 1, arbitrary: fc.array(fc.tuple(hostileKey, hostileValue), { maxLength: 2 }) },
);

/** Request-shaped objects: mostly the right fields, often the wrong types or limits. */
export const requestLike: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.record(
      {
        action: maybeHostile(fc.constantFrom('start', 'stop', 'status')),
        targets: maybeHostile(
          fc.record(
            {
              accounts: fc.subarray(['222222222222', '333333333333', '999999999999']),
              regions: fc.subarray(['eu-west-1', 'us-east-1', 'eu-central-1', 'mars-1']),
            },
            { requiredKeys: [] },
          ),
        ),
        instanceIds: maybeHostile(instanceIdList),
        tags: maybeHostile(tagSelector),
        dryRun: maybeHostile(fc.boolean()),
        hibernate: maybeHostile(fc.boolean()),
        wait: maybeHostile(fc.boolean()),
        confirmCount: maybeHostile(fc.integer({ min: -1, max: 10 })),
      },
      { requiredKeys: [] },
    ),
    extraFields,
  )
  .map(([request, extra]) => ownObject([...Object.entries(request), ...extra]));

/** Requests that are mostly valid (action present, fields of the right types) but sit at limits. */
export const plausibleRequest: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.constantFrom('start', 'stop', 'status'),
    fc.record(
      {
        targets: fc.record(
          {
            accounts: fc.subarray(['222222222222', '333333333333'], { minLength: 1 }),
            regions: fc.subarray(['eu-west-1', 'us-east-1', 'eu-central-1'], { minLength: 1 }),
          },
          { requiredKeys: [] },
        ),
        instanceIds: fc.oneof(
          {
            weight: 12,
            arbitrary: fc.integer({ min: 1, max: 12 }).map((n) => ID_POOL.slice(0, n)),
          },
          {
            weight: 1,
            arbitrary: fc.integer({ min: 150, max: 1001 }).map((n) => ID_POOL.slice(0, n)),
          },
        ),
        tags: fc.oneof(
          {
            weight: 6,
            arbitrary: fc
              .array(
                fc.tuple(
                  fc.constantFrom('Name', 'team', CONTROL_KEY, 'web-*', 'env'),
                  fc.oneof(tagValue, fc.array(tagValue, { minLength: 1, maxLength: 4 })),
                ),
                { minLength: 1, maxLength: 3 },
              )
              .map(ownObject),
          },
          { weight: 1, arbitrary: tagSelector },
        ),
        dryRun: fc.boolean(),
        hibernate: fc.boolean(),
        wait: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  )
  // hibernate only with stop, and wait never with dryRun: those conflicts are requestLike's job.
  .map(([action, { hibernate, wait, ...fields }]) =>
    ownObject([
      ['action', action],
      ...Object.entries(fields),
      ...(hibernate !== undefined && action === 'stop' ? [['hibernate', hibernate] as const] : []),
      ...(wait !== undefined && fields.dryRun !== true ? [['wait', wait] as const] : []),
    ]),
  );

/** Anything a direct invocation could carry. */
export const hostileEvent: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: requestLike },
  { weight: 2, arbitrary: hostileValue },
  { weight: 1, arbitrary: giantValue },
);

/** A JSON key written with a \u escape for its first character, so only a decoder sees the name. */
function escapedKey(key: string): string {
  if (key === '') return '""';
  const code = key.charCodeAt(0).toString(16).padStart(4, '0');
  return `"\\u${code}${JSON.stringify(key.slice(1)).slice(1)}`;
}

/** The deep values as text, written once: JSON.stringify takes milliseconds on each. */
const DEEP_TEXTS = new Map<unknown, string>([
  [DEEP_ARRAY, `${'['.repeat(5_000)}"leaf"${']'.repeat(5_000)}`],
  [DEEP_OBJECT, `${'{"a":'.repeat(5_000)}"leaf"${'}'.repeat(5_000)}`],
]);
const DEEP_MARK = '\u0000deep:';

/** The JSON text of a value (undefined becomes null), deep values included. */
export function jsonText(value: unknown): string {
  const marks: string[] = [];
  const text =
    JSON.stringify(value, (_key, v: unknown) => {
      const deep = DEEP_TEXTS.get(v);
      if (deep === undefined) return v;
      marks.push(deep);
      return `${DEEP_MARK}${marks.length - 1}`;
    }) ?? 'null';
  if (marks.length === 0) return text;
  return text.replace(/"\\u0000deep:(\d+)"/g, (_m, i: string) => marks[Number(i)] as string);
}

/** Object text whose keys may repeat, as raw JSON (JSON.stringify can never write that). */
export const objectTextWithDuplicates: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.constantFrom(...FIELD_KEYS, '__proto__', 'Name'),
      fc.boolean(),
      fc.oneof(
        fc.constantFrom('true', 'false', '"x"', '"stop"', '{"a":1,"a":2}', '{"Name":"web"}'),
        hostileValue.map(jsonText),
      ),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map(
    (entries) =>
      `{${entries
        .map(
          ([key, spellEscaped, value]) =>
            `${spellEscaped ? escapedKey(key) : JSON.stringify(key)}:${value}`,
        )
        .join(',')}}`,
  );

/** HTTP body text: valid requests, duplicated keys, broken JSON, depth bombs, junk. */
export const bodyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: requestLike.map(jsonText) },
  { weight: 3, arbitrary: objectTextWithDuplicates },
  { weight: 1, arbitrary: hostileValue.map(jsonText) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(requestLike.map(jsonText), fc.nat())
      .map(([text, cut]) => text.slice(0, cut % (text.length + 1))),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 33, max: 5_000 }), fc.constantFrom('[', '{"a":'))
      .map(([n, open]) => open.repeat(n)),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('', '  ', 'null', '[]', '{}', '{"a":1,}', '/*c*/{}'),
    ),
  },
);
