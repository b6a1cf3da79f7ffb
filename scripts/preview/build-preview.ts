/**
 * When each schedule of a stage fires over a window, by the project's one evaluator
 * (resources/home-stack/schedule-expression.ts, which follows EventBridge Scheduler's documented
 * daylight-saving rule: a local time that does not exist when clocks spring forward is skipped, one
 * that occurs twice when they fall back runs once, at the first). Beside the firings: the zone's
 * clock changes in the window, the cron times they make nonexistent or repeated, and the runs the
 * function skips on an excluded date or holiday (handlers/config/excluded-dates.ts).
 */

import { type DateSkip, dateSkip, type HolidayDate } from '../../handlers/config/excluded-dates';
import type { ScheduleConfig } from '../../handlers/config/stage-config';
import {
  firingTimes,
  parseScheduleExpression,
  type ScheduleExpression,
  utcOffsetMinutes,
  type WallTime,
  wallTimeAt,
  wallTimeInstants,
} from '../../resources/home-stack/schedule-expression';

export type PreviewEntry =
  | {
      kind: 'fires';
      utc: string;
      local: string;
      offset: string;
      /** The local time occurs twice (clocks fell back): Scheduler runs it once, at this first one. */
      repeated?: true;
    }
  | {
      /** Scheduler invokes the function, which does nothing (no AWS call) and says why. */
      kind: 'skipped';
      utc: string;
      local: string;
      offset: string;
      reason: DateSkip['reason'];
      detail: string;
    }
  | {
      /** The cron names a local time the clocks jump over: Scheduler does not fire at all. */
      kind: 'nonexistent';
      local: string;
      detail: string;
    }
  | {
      kind: 'clock-change';
      utc: string;
      local: string;
      fromOffset: string;
      toOffset: string;
      detail: string;
    };

export interface SchedulePreview {
  name: string;
  expression: string;
  timezone: string;
  action: string;
  enabled: boolean;
  entries: PreviewEntry[];
  /** Counts over the window. */
  fires: number;
  skipped: number;
  nonexistent: number;
  note?: string;
}

export interface PreviewWindow {
  /** First local date, YYYY-MM-DD, read in each schedule's own zone. */
  from: string;
  days: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function wallMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** `Mon 2027-03-22 19:00` from a wall time (read as if it were UTC). */
function formatWall(wall: WallTime): string {
  const day = new Date(wallMs(wall)).getUTCDay();
  return `${DAY_NAMES[day]} ${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}`;
}

const wallOfMs = (ms: number): WallTime => wallTimeAt(ms, 'UTC');

/** `2027-03-22 18:00Z`. */
function formatUtc(instant: number): string {
  return `${new Date(instant).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

/** The first instant of a local date (midnight, or the first minute after a gap that swallows it). */
export function startOfLocalDay(date: string, timezone: string): number {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  for (let minutes = 0; minutes < 24 * 60; minutes += 15) {
    const wall = {
      year,
      month,
      day,
      hour: Math.floor(minutes / 60),
      minute: minutes % 60,
      second: 0,
    };
    const first = wallTimeInstants(wall, timezone)[0];
    if (first !== undefined) return first;
  }
  throw new Error(`${date} has no time in ${timezone}`);
}

export function addDays(date: string, days: number): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

export interface ClockChange {
  /** The instant the offset changes. */
  at: number;
  fromMinutes: number;
  toMinutes: number;
}

/** The zone's offset changes in [start, end): hourly probes, then a search to the minute. */
export function clockChanges(timezone: string, start: number, end: number): ClockChange[] {
  const changes: ClockChange[] = [];
  let before = utcOffsetMinutes(start, timezone);
  for (let t = start; t < end; t += HOUR_MS) {
    const next = Math.min(t + HOUR_MS, end);
    const after = utcOffsetMinutes(next, timezone);
    if (after === before) continue;
    let low = t;
    let high = next;
    while (high - low > MINUTE_MS) {
      const mid = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
      if (utcOffsetMinutes(mid, timezone) === before) low = mid;
      else high = mid;
    }
    changes.push({ at: high, fromMinutes: before, toMinutes: after });
    before = after;
  }
  return changes;
}

function hhmm(ms: number): string {
  const wall = wallOfMs(ms);
  return `${pad(wall.hour)}:${pad(wall.minute)}`;
}

function clockChangeEntry(change: ClockChange, timezone: string): PreviewEntry {
  const shift = change.toMinutes - change.fromMinutes;
  const oldWall = change.at + change.fromMinutes * MINUTE_MS;
  const newWall = change.at + change.toMinutes * MINUTE_MS;
  const size = Math.abs(shift) % 60 === 0 ? `${Math.abs(shift) / 60} h` : `${Math.abs(shift)} min`;
  const span = `${hhmm(Math.min(oldWall, newWall))}-${hhmm(Math.max(oldWall, newWall) - MINUTE_MS)}`;
  const detail =
    shift > 0
      ? `clocks spring forward ${size} at ${hhmm(oldWall)} to ${hhmm(newWall)} (${timezone}): local times ${span} do not exist`
      : `clocks fall back ${size} at ${hhmm(oldWall)} to ${hhmm(newWall)} (${timezone}): local times ${span} occur twice`;
  return {
    kind: 'clock-change',
    utc: formatUtc(change.at),
    local: formatWall(wallOfMs(oldWall)),
    fromOffset: formatOffset(change.fromMinutes),
    toOffset: formatOffset(change.toMinutes),
    detail,
  };
}

/** The local times of a spring-forward gap the expression names: Scheduler skips them. */
function nonexistentTimes(expression: ScheduleExpression, change: ClockChange): PreviewEntry[] {
  if (expression.kind === 'rate' || change.toMinutes <= change.fromMinutes) return [];
  const gapStart = change.at + change.fromMinutes * MINUTE_MS;
  const gapEnd = change.at + change.toMinutes * MINUTE_MS;
  // The evaluator read in UTC gives the expression's wall times themselves.
  const named = firingTimes(expression, {
    timezone: 'UTC',
    after: new Date(gapStart - 1),
    until: new Date(gapEnd - 1),
  });
  return named.map((wall) => ({
    kind: 'nonexistent' as const,
    local: formatWall(wallOfMs(wall.getTime())),
    detail: `${hhmm(wall.getTime())} does not exist on this date (clocks jump from ${hhmm(gapStart)} to ${hhmm(gapEnd)}): EventBridge Scheduler skips it, no run`,
  }));
}

/** Where each entry sorts: its instant, a nonexistent time at its clock change. */
type Timed = { at: number; entry: PreviewEntry };

export function previewSchedule(
  schedule: ScheduleConfig,
  window: PreviewWindow,
  holidayDates: readonly HolidayDate[] = [],
): SchedulePreview {
  const parsed = parseScheduleExpression(schedule.expression);
  const base = {
    name: schedule.name,
    expression: schedule.expression,
    timezone: schedule.timezone,
    action: schedule.request.action,
    enabled: schedule.enabled,
  };
  if (!parsed.ok) throw new Error(`schedule ${schedule.name}: ${parsed.message}`);
  if (!schedule.enabled) {
    return {
      ...base,
      entries: [],
      fires: 0,
      skipped: 0,
      nonexistent: 0,
      note: 'disabled (enabled: false): never fires',
    };
  }
  const expression = parsed.expression;
  const { timezone } = schedule;
  const start = startOfLocalDay(window.from, timezone);
  const end = startOfLocalDay(addDays(window.from, window.days), timezone);
  const timed: Timed[] = [];
  const calendar = { excludedDates: schedule.excludedDates, holidayDates };

  for (const instant of firingTimes(expression, {
    timezone,
    after: new Date(start - 1),
    until: new Date(end - 1),
    rateStart: new Date(start),
  })) {
    const at = instant.getTime();
    const wall = wallTimeAt(at, timezone);
    const place = {
      utc: formatUtc(at),
      local: formatWall(wall),
      offset: formatOffset(utcOffsetMinutes(at, timezone)),
    };
    const date = `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
    const skip = dateSkip(calendar, date);
    if (skip) {
      timed.push({
        at,
        entry: { kind: 'skipped', ...place, reason: skip.reason, detail: skip.detail },
      });
      continue;
    }
    const repeated = expression.kind !== 'rate' && wallTimeInstants(wall, timezone).length > 1;
    timed.push({
      at,
      entry: { kind: 'fires', ...place, ...(repeated ? { repeated: true as const } : {}) },
    });
  }
  for (const change of clockChanges(timezone, start, end)) {
    timed.push({ at: change.at - 1, entry: clockChangeEntry(change, timezone) });
    for (const entry of nonexistentTimes(expression, change)) timed.push({ at: change.at, entry });
  }
  const entries = timed.sort((a, b) => a.at - b.at).map((t) => t.entry);
  const count = (kind: PreviewEntry['kind']) => entries.filter((e) => e.kind === kind).length;
  return {
    ...base,
    entries,
    fires: count('fires'),
    skipped: count('skipped'),
    nonexistent: count('nonexistent'),
    ...(expression.kind === 'rate'
      ? {
          note: 'a rate counts from when the schedule was created (or its StartDate); shown from the start of the window',
        }
      : {}),
  };
}
