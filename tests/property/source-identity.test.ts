/**
 * SourceIdentity is unambiguous: distinct principals (assumed roles, IAM users, schedules, a
 * direct invoke) never map to the same value, and every value is one STS accepts (2-64
 * characters of [\w+=,.@-], AssumeRole API reference). Names are drawn from IAM's own alphabet,
 * with the separators the old form relied on (`@`, `.`) over-represented.
 */
import fc from 'fast-check';
import {
  SOURCE_IDENTITY_PATTERN,
  type SourceIdentityOrigin,
  sourceIdentityFor,
} from '../../handlers/formats/source-identity';

const IAM_CHARS = fc.constantFrom(...'ab@.=,+-_1Z'.split(''));
const name = (min: number, max: number) =>
  fc.string({ unit: IAM_CHARS, minLength: min, maxLength: max });
const account = fc.constantFrom('111111111111', '222222222222', '123456789012');

const principal: fc.Arbitrary<SourceIdentityOrigin> = fc.oneof(
  fc.record({
    kind: fc.constant('http' as const),
    callerArn: fc
      .tuple(account, name(1, 64), name(2, 64))
      .map(([a, role, session]) => `arn:aws:sts::${a}:assumed-role/${role}/${session}`),
  }),
  fc.record({
    kind: fc.constant('http' as const),
    callerArn: fc.tuple(account, name(1, 64)).map(([a, user]) => `arn:aws:iam::${a}:user/${user}`),
  }),
  fc.record({
    kind: fc.constant('schedule' as const),
    schedule: fc.string({
      unit: fc.constantFrom(...'ab.-_1'.split('')),
      minLength: 1,
      maxLength: 48,
    }),
  }),
  fc.constant({ kind: 'invoke' as const }),
);

/** The principal itself: what must differ for two values to be allowed to differ. */
const key = (origin: SourceIdentityOrigin) => JSON.stringify(origin);

describe('Property: SourceIdentity', () => {
  it('distinct principals never map to the same value, and every value is one STS accepts', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(principal, { minLength: 2, maxLength: 40, selector: key }),
        (all) => {
          const values = all.map(sourceIdentityFor);
          for (const value of values) expect(value).toMatch(SOURCE_IDENTITY_PATTERN);
          expect(new Set(values).size).toBe(all.length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('pairs that differ in one place only (the split of role and session, the account, the kind) stay apart', () => {
    fc.assert(
      fc.property(account, name(1, 30), name(1, 30), name(2, 30), (a, left, middle, right) => {
        const one = sourceIdentityFor({
          kind: 'http',
          callerArn: `arn:aws:sts::${a}:assumed-role/${left}/${middle}${right}`,
        });
        const two = sourceIdentityFor({
          kind: 'http',
          callerArn: `arn:aws:sts::${a}:assumed-role/${left}${middle}/${right}`,
        });
        const user = sourceIdentityFor({
          kind: 'http',
          callerArn: `arn:aws:iam::${a}:user/${right}`,
        });
        const userElsewhere = sourceIdentityFor({
          kind: 'http',
          callerArn: `arn:aws:iam::999999999999:user/${right}`,
        });
        expect(one).not.toBe(two);
        expect(user).not.toBe(userElsewhere);
        expect([one, two]).not.toContain(user);
      }),
      { numRuns: 500 },
    );
  });
});
