/**
 * The STS SourceIdentity sent when assuming a target role, so each target's CloudTrail names who
 * caused a start or stop (it stays on the session and on every role chained from it).
 *
 * STS allows 2-64 characters of `[\w+=,.@-]`, the same set IAM names use, so no character is free
 * to separate names: the encoding counts instead. Distinct principals never share a value:
 * - direct invoke: `direct`
 * - schedule: `schedule.<name>` (a configured schedule's name, at most 48 characters)
 * - assumed role: `r.<account>.<length of role name>.<roleName>.<sessionName>`,
 *   e.g. `r.111111111111.3.ops.alice`
 * - IAM user: `u.<account>.<userName>` (user names are unique in an account, whatever the path)
 * The first segment (up to the first `.`) says which; it is never `h`. A value that would be
 * longer than 64 characters (or a caller of no known shape) becomes `h.`, 45 readable characters
 * (`<role>@<session>` or `<user>`, cut and padded with `-`), `.` and 16 hex characters of the
 * SHA-256 of the full value: exactly 64 characters. The run's events carry the caller's full ARN
 * (`origin.callerArn`), which maps one to the other (handlers/aws/CALLERS.md).
 */
import { createHash } from 'node:crypto';
import { readCaller } from './caller';

export const SOURCE_IDENTITY_PATTERN = /^[\w+=,.@-]{2,64}$/;
const MAX = 64;
const HASH_CHARS = 16;
const READABLE_CHARS = MAX - HASH_CHARS - 3;

/** Who started the run, as the signals layer already carries it (kept structural here). */
export type SourceIdentityOrigin =
  | { kind: 'schedule'; schedule: string }
  | { kind: 'http'; callerArn: string }
  | { kind: 'invoke' };

/** The exact value when it fits STS's rule; otherwise the hashed form with `readable` in front. */
export function toSourceIdentity(exact: string, readable: string = exact): string {
  if (SOURCE_IDENTITY_PATTERN.test(exact)) return exact;
  const hash = createHash('sha256').update(exact).digest('hex').slice(0, HASH_CHARS);
  const shown = readable
    .replace(/[^\w+=,.@-]/g, '-')
    .slice(0, READABLE_CHARS)
    .padEnd(READABLE_CHARS, '-');
  return `h.${shown}.${hash}`;
}

function callerIdentity(callerArn: string): string {
  const caller = readCaller({ userArn: callerArn });
  if (caller?.kind === 'assumed-role') {
    const { accountId, roleName, sessionName } = caller;
    return toSourceIdentity(
      `r.${accountId}.${roleName.length}.${roleName}.${sessionName}`,
      `${roleName}@${sessionName}`,
    );
  }
  if (caller?.kind === 'user') {
    return toSourceIdentity(`u.${caller.accountId}.${caller.userName}`, caller.userName);
  }
  // Refused at the HTTP gate; hashed (never an exact form) should one ever get here.
  return toSourceIdentity(`x.${callerArn}`.padEnd(MAX + 1, '-'), callerArn);
}

export function sourceIdentityFor(origin: SourceIdentityOrigin): string {
  switch (origin.kind) {
    case 'schedule':
      return toSourceIdentity(`schedule.${origin.schedule}`);
    case 'http':
      return callerIdentity(origin.callerArn);
    default:
      return 'direct';
  }
}
