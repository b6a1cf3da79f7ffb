/**
 * The STS SourceIdentity sent when assuming a target role, so each target's CloudTrail names who
 * caused a start or stop (it stays on the session and on every role chained from it).
 *
 * STS allows 2-64 characters of `[\w+=,.@-]`. The mapping:
 * - HTTP, assumed role: `<roleName>@<sessionName>`; IAM user: `user@<userName>`
 * - schedule: `schedule.<name>`
 * - direct invoke: `direct`
 * A value longer than 55 characters (or with other characters) becomes its first 55 valid
 * characters (padded with `-`), `-` and 8 hex characters of the SHA-256 of the full value: exactly
 * 64 characters, so a shortened value never equals a kept one, and two long values differ by their
 * hash.
 */
import { createHash } from 'node:crypto';
import { readCaller } from './caller';

export const SOURCE_IDENTITY_PATTERN = /^[\w+=,.@-]{2,64}$/;
const KEPT_AS_IS = /^[\w+=,.@-]{2,55}$/;
const HASH_CHARS = 8;
const PREFIX_CHARS = 64 - HASH_CHARS - 1;

/** Who started the run, as the signals layer already carries it (kept structural here). */
export type SourceIdentityOrigin =
  | { kind: 'schedule'; schedule: string }
  | { kind: 'http'; callerArn: string }
  | { kind: 'invoke' };

export function toSourceIdentity(readable: string): string {
  if (KEPT_AS_IS.test(readable)) return readable;
  const hash = createHash('sha256').update(readable).digest('hex').slice(0, HASH_CHARS);
  // Padded: every shortened value is exactly 64 characters, every kept one at most 55.
  const prefix = readable
    .replace(/[^\w+=,.@-]/g, '-')
    .slice(0, PREFIX_CHARS)
    .padEnd(PREFIX_CHARS, '-');
  return `${prefix}-${hash}`;
}

function readableCaller(callerArn: string): string {
  const caller = readCaller({ userArn: callerArn });
  if (caller?.kind === 'assumed-role') return `${caller.roleName}@${caller.sessionName}`;
  if (caller?.kind === 'user') return `user@${caller.userName}`;
  // Refused at the HTTP gate; kept distinct rather than blank should one ever get here.
  return `http@${callerArn}`;
}

export function sourceIdentityFor(origin: SourceIdentityOrigin): string {
  switch (origin.kind) {
    case 'schedule':
      return toSourceIdentity(`schedule.${origin.schedule}`);
    case 'http':
      return toSourceIdentity(readableCaller(origin.callerArn));
    default:
      return 'direct';
  }
}
