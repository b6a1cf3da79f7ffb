/**
 * Who or what started a run: the schedule, the HTTP caller, or a direct invocation. It names the
 * run in its signals and, as STS SourceIdentity, in each target's CloudTrail. An engine run
 * carries it in its execution input (`origin`), so its workers attribute the run the same way
 * as the single-invocation path.
 */
import { PARTITION_NAMES } from './partition';
import type { Problem } from './problems';

export type RunOrigin =
  | { kind: 'schedule'; schedule: string; scheduledTime?: string }
  | { kind: 'http'; callerArn: string }
  | { kind: 'invoke' };

/** The schedule names stage-config allows: bounded, so the heartbeat dimension stays bounded. */
export const SCHEDULE_NAME = /^[0-9A-Za-z_.-]{1,48}$/;
const CALLER_ARN = new RegExp(
  `^arn:(${PARTITION_NAMES.join('|')}):(sts|iam)::\\d{12}:[\\w+=,.@/-]{1,512}$`,
);
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads an origin from untrusted input; absent means a direct start (`invoke`). */
export function parseRunOrigin(
  value: unknown,
): { ok: true; origin: RunOrigin } | { ok: false; problems: Problem[] } {
  if (value === undefined) return { ok: true, origin: { kind: 'invoke' } };
  const wrong = (field: string, message: string) => ({
    ok: false as const,
    problems: [{ field: `origin${field}`, message }],
  });
  if (!isRecord(value)) {
    return wrong('', 'must be an object such as {"kind": "invoke"}, or left out');
  }
  const extra = Object.keys(value).filter(
    (k) => !['kind', 'schedule', 'scheduledTime', 'callerArn'].includes(k),
  );
  if (extra.length > 0) {
    return wrong(`.${extra[0]}`, 'is not an origin field; remove it');
  }
  switch (value.kind) {
    case 'invoke':
      return { ok: true, origin: { kind: 'invoke' } };
    case 'http':
      if (typeof value.callerArn !== 'string' || !CALLER_ARN.test(value.callerArn)) {
        return wrong('.callerArn', "must be the caller's IAM or STS ARN");
      }
      return { ok: true, origin: { kind: 'http', callerArn: value.callerArn } };
    case 'schedule': {
      if (typeof value.schedule !== 'string' || !SCHEDULE_NAME.test(value.schedule)) {
        return wrong(
          '.schedule',
          'must be the schedule name from serverless.yml: 1-48 characters of letters, digits and _.-',
        );
      }
      const time = value.scheduledTime;
      if (time !== undefined && (typeof time !== 'string' || !ISO_UTC.test(time))) {
        return wrong('.scheduledTime', 'must be an ISO 8601 UTC time such as 2026-12-01T18:00:00Z');
      }
      return {
        ok: true,
        origin: {
          kind: 'schedule',
          schedule: value.schedule,
          ...(typeof time === 'string' ? { scheduledTime: time } : {}),
        },
      };
    }
    default:
      return wrong('.kind', 'must be "schedule", "http" or "invoke"');
  }
}

/**
 * A schedule's identity (SourceIdentity `schedule.<name>`, the heartbeat, the events) only for a
 * schedule this stage configures: anyone who may invoke the function or start the engine could
 * otherwise write any name into the event (handlers/aws/CALLERS.md).
 */
export function unconfiguredSchedule(
  origin: RunOrigin,
  schedules: ReadonlyArray<{ name: string }> = [],
): Problem[] {
  if (origin.kind !== 'schedule') return [];
  if (schedules.some((schedule) => schedule.name === origin.schedule)) return [];
  const names = schedules.map((schedule) => schedule.name);
  return [
    {
      field: 'schedule.name',
      message: `"${origin.schedule}" is not a schedule of this stage (${names.length > 0 ? `configured: ${names.join(', ')}` : 'it configures none'}); only a configured schedule may run as one: invoke with the bare request to run it as a direct invoke`,
    },
  ];
}
