/**
 * A scheduled run on an excluded date or holiday of its schedule does nothing: no AWS call, a
 * result that says why (`skipped`), and the run-level signals of a run that went as planned (the
 * heartbeat counts it, so a holiday never reads as a missed run). The date is the schedule's local
 * date at the time the run was due (`scheduledTime`), so a late retry after midnight still
 * belongs to the day it was due on.
 */
import { dateSkip, localDate, type ScheduleCalendar } from '../config/excluded-dates';
import { EMPTY_SUMMARY } from '../core/merge';
import { RESULT_FORMAT_VERSION, type RunResult, type RunSkip } from '../core/results';
import type { Action } from '../core/types';
import type { RunOrigin } from '../formats/origin';

type CalendarOf = ScheduleCalendar & { name: string; timezone: string };

/** Why this scheduled run does nothing, or undefined (not scheduled, or a date it runs on). */
export function scheduledRunSkip(
  origin: RunOrigin,
  schedules: readonly CalendarOf[] | undefined,
  now: number,
): RunSkip | undefined {
  if (origin.kind !== 'schedule') return undefined;
  const schedule = schedules?.find((s) => s.name === origin.schedule);
  if (!schedule) return undefined;
  const due = origin.scheduledTime ? Date.parse(origin.scheduledTime) : now;
  return dateSkip(schedule, localDate(new Date(Number.isNaN(due) ? now : due), schedule.timezone));
}

/** The result of a skipped run: no target, nothing counted, the reason. */
export function skippedRunResult(run: {
  task: string;
  action: Action;
  dryRun: boolean;
  requestId: string;
  startedAt: number;
  skipped: RunSkip;
}): RunResult {
  return {
    version: RESULT_FORMAT_VERSION,
    task: run.task,
    action: run.action,
    dryRun: run.dryRun,
    requestId: run.requestId,
    startedAt: new Date(run.startedAt).toISOString(),
    durationMs: 0,
    summary: { ...EMPTY_SUMMARY },
    targets: [],
    unmatchedIds: [],
    skipped: run.skipped,
  };
}
