/**
 * Execution names that make a duplicate delivery harmless: one name per (schedule, scheduled
 * time), so Step Functions refuses a second StartExecution with ExecutionAlreadyExists. Names
 * may be 1-80 characters and must not contain `:` (among others), so the time is compacted.
 */
import { SchedulerError } from '../formats/scheduler-error';

/** Step Functions' limit on execution names. */
export const MAX_EXECUTION_NAME = 80;

export class InvalidScheduledTimeError extends SchedulerError {
  constructor(readonly value: unknown) {
    super(
      'InvalidScheduledTimeError',
      `scheduledTime is ${JSON.stringify(value)}; expected an ISO 8601 UTC time such as 2026-12-01T18:00:00Z (EventBridge Scheduler's <aws.scheduler.scheduled-time>)`,
    );
  }
}

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z$/;

/** `weekday-evening-stop` at `2026-12-01T18:00:00Z` → `weekday-evening-stop-20261201T180000Z`. */
export function executionName(schedule: string, scheduledTime: unknown): string {
  const match = typeof scheduledTime === 'string' ? ISO_UTC.exec(scheduledTime) : null;
  if (!match || Number.isNaN(Date.parse(scheduledTime as string))) {
    throw new InvalidScheduledTimeError(scheduledTime);
  }
  const [, y, mo, d, h, mi, s] = match;
  const stamp = `${y}${mo}${d}T${h}${mi}${s}Z`;
  // Letters, digits, - and _ are always allowed; anything else becomes -.
  const safe = schedule.replace(/[^A-Za-z0-9_-]/g, '-') || 'run';
  return `${safe.slice(0, MAX_EXECUTION_NAME - stamp.length - 1)}-${stamp}`;
}
