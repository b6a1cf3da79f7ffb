/**
 * Dates a schedule does nothing on: `excludedDates` (a date `YYYY-MM-DD` or a range
 * `YYYY-MM-DD..YYYY-MM-DD`, inclusive, with the year) and the public holidays of `holidays`, which
 * packaging resolves to dates (resources/home-stack/schedules/holiday-dates.ts), so the function
 * carries a list, never the holiday library. Every date is read in the schedule's time zone: a run
 * due at 23:30 in Berlin on 24 December is on the 24th, whatever the date in UTC.
 */
import type { Problem } from '../formats/problems';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The shapes an `excludedDates` entry may take (checked for real dates and order beyond this). */
export const EXCLUDED_ENTRY = /^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?$/;
/** `US`, `DE-BY`: an ISO 3166-1 country code, optionally a region of it (date-holidays' codes). */
export const HOLIDAY_CODE = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

export interface HolidayDate {
  date: string;
  name: string;
}

/** What of a schedule decides its skipped dates. */
export interface ScheduleCalendar {
  excludedDates?: readonly string[] | undefined;
  holidays?: readonly string[] | undefined;
  /** Resolved at package time from `holidays`. */
  holidayDates?: readonly HolidayDate[] | undefined;
}

export interface DateSkip {
  reason: 'excluded-date' | 'holiday';
  /** The schedule's local date of the run. */
  date: string;
  /** The entry that matched (`2026-12-24..2027-01-01`) or the holiday's name and code. */
  detail: string;
}

/** True for a date the calendar has (2027-02-29 is not one). */
export function isRealDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const probe = new Date(Date.UTC(year, month - 1, day));
  return (
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === day
  );
}

/** The first and last date of an entry (a single date is both). */
export function entryBounds(entry: string): { from: string; to: string } {
  const [from = '', to = from] = entry.split('..');
  return { from, to };
}

/** Problems of one schedule's `excludedDates`, each naming the entry and the fix. */
export function excludedDatesProblems(entries: readonly string[], field: string): Problem[] {
  const problems: Problem[] = [];
  entries.forEach((entry, index) => {
    const at = `${field}[${index}]`;
    if (!EXCLUDED_ENTRY.test(entry)) {
      problems.push({
        field: at,
        message: `"${entry}" is neither a date YYYY-MM-DD nor a range YYYY-MM-DD..YYYY-MM-DD (with the year), e.g. 2026-12-24 or 2026-12-24..2027-01-01`,
      });
      return;
    }
    const { from, to } = entryBounds(entry);
    const unreal = [from, to].filter((date) => !isRealDate(date));
    if (unreal.length > 0) {
      problems.push({
        field: at,
        message: `"${entry}": ${unreal[0]} is not a date in the calendar; check the month and day`,
      });
    } else if (to < from) {
      problems.push({
        field: at,
        message: `"${entry}" ends before it starts; write the earlier date first (${to}..${from})`,
      });
    }
  });
  return problems;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The date (YYYY-MM-DD) an instant falls on in a time zone. */
export function localDate(instant: Date, timezone: string): string {
  let format = dateFormats.get(timezone);
  if (!format) {
    // en-CA writes YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(timezone, format);
  }
  return format.format(instant);
}

/** Why a schedule skips a local date, or undefined when it runs. Explicit dates are checked first. */
export function dateSkip(calendar: ScheduleCalendar, date: string): DateSkip | undefined {
  for (const entry of calendar.excludedDates ?? []) {
    const { from, to } = entryBounds(entry);
    // YYYY-MM-DD strings order as the dates do.
    if (from <= date && date <= to) return { reason: 'excluded-date', date, detail: entry };
  }
  const holiday = calendar.holidayDates?.find((h) => h.date === date);
  if (holiday) return { reason: 'holiday', date, detail: holiday.name };
  return undefined;
}
