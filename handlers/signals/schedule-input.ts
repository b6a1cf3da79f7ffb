/**
 * What a schedule sends the function: the request, wrapped with the schedule's name and the time
 * it was due, so the run's metrics (the heartbeat) and events can say which schedule ran it.
 * `<aws.scheduler.scheduled-time>` is an EventBridge Scheduler context attribute, filled in per
 * run. A direct invocation sends the bare request, as before.
 */

import { type RunOrigin, SCHEDULE_NAME } from '../formats/origin';
import type { Problem } from '../formats/problems';

export interface ScheduledInput {
  schedule: { name: string; scheduledTime?: string };
  request: unknown;
}

/** The Input of a schedule's target, built at package time (resources/signals). */
export function scheduledInput(name: string, request: unknown): ScheduledInput {
  return { schedule: { name, scheduledTime: '<aws.scheduler.scheduled-time>' }, request };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export type Unwrapped =
  | { ok: true; request: unknown; origin: RunOrigin }
  | { ok: false; problems: Problem[] };

/** Splits a schedule's wrapper from the request; anything else is a bare request. */
export function unwrapInvocation(event: unknown): Unwrapped {
  if (!isRecord(event) || !('schedule' in event)) {
    return { ok: true, request: event, origin: { kind: 'invoke' } };
  }
  const problems: Problem[] = [];
  const extra = Object.keys(event).filter((k) => k !== 'schedule' && k !== 'request');
  if (extra.length > 0) {
    problems.push({
      field: '(root)',
      message: `a scheduled event holds only "schedule" and "request", not ${extra.map((k) => `"${k}"`).join(', ')}; put request fields inside "request"`,
    });
  }
  const schedule = event.schedule;
  const name = isRecord(schedule) ? schedule.name : undefined;
  if (typeof name !== 'string' || !SCHEDULE_NAME.test(name)) {
    problems.push({
      field: 'schedule.name',
      message:
        'must be the schedule name from serverless.yml: 1-48 characters of letters, digits and _.-',
    });
  }
  if (!('request' in event)) {
    problems.push({
      field: 'request',
      message: 'is missing: a scheduled event wraps the request in "request"',
    });
  }
  if (problems.length > 0 || typeof name !== 'string') return { ok: false, problems };
  const time = isRecord(schedule) ? schedule.scheduledTime : undefined;
  return {
    ok: true,
    request: event.request,
    origin: {
      kind: 'schedule',
      schedule: name,
      ...(typeof time === 'string' && !time.startsWith('<') ? { scheduledTime: time } : {}),
    },
  };
}
