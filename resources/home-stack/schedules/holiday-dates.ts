/**
 * Public holidays of a schedule's `holidays` codes, resolved to dates at package time with
 * date-holidays (a dev dependency: the function carries the dates, never the library or its
 * data, which is CC BY-SA 3.0). Only holidays of type `public` count (date-holidays also lists
 * observances, such as Valentine's Day, on which offices are open).
 */
import Holidays from 'date-holidays';
import type { HolidayDate } from '../../../handlers/config/excluded-dates';
import type { Problem } from '../../../handlers/formats/problems';

/** Years resolved: the packaging year and the next two. Repackage within them (README). */
export const HOLIDAY_YEARS = 3;

/** Problems of one schedule's `holidays`: each code must be a country, or a region of one, that date-holidays knows. */
export function holidayCodeProblems(codes: readonly string[], field: string): Problem[] {
  const countries = new Holidays().getCountries('en');
  return codes.flatMap((code, index) => {
    const [country = '', region] = code.split('-');
    if (!(country in countries)) {
      return [
        {
          field: `${field}[${index}]`,
          message: `"${code}" names no country date-holidays knows; use an ISO 3166-1 code such as "US", "DE" or "FR"`,
        },
      ];
    }
    if (region === undefined) return [];
    const regions = new Holidays().getStates(country, 'en') ?? {};
    if (region in regions) return [];
    const known = Object.keys(regions);
    return [
      {
        field: `${field}[${index}]`,
        message: `"${code}": ${country} has ${known.length > 0 ? `the regions ${known.map((r) => `${country}-${r}`).join(', ')}` : 'no regions'}; use one of them or "${country}" alone`,
      },
    ];
  });
}

/** The public holidays of these codes in the given years, by date (one entry per date). */
export function holidayDates(codes: readonly string[], years: readonly number[]): HolidayDate[] {
  const byDate = new Map<string, string[]>();
  for (const code of codes) {
    const [country = '', region] = code.split('-');
    const calendar = region ? new Holidays(country, region) : new Holidays(country);
    for (const year of years) {
      for (const holiday of calendar.getHolidays(year, 'en')) {
        if (holiday.type !== 'public') continue;
        // `date` is the local date and time the holiday starts, e.g. "2027-03-26 00:00:00".
        const date = holiday.date.slice(0, 10);
        const names = byDate.get(date) ?? [];
        const name = `${holiday.name} (${code})`;
        if (!names.includes(name)) names.push(name);
        byDate.set(date, names);
      }
    }
  }
  return [...byDate]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, names]) => ({ date, name: names.join(', ') }));
}

/** The function's copy of the schedules: each with `holidays` gets its `holidayDates`. */
export function withHolidayDates<Schedule extends { holidays?: string[] | undefined }>(
  schedules: readonly Schedule[],
  now: Date,
): (Schedule & { holidayDates?: HolidayDate[] })[] {
  return schedules.map((schedule) =>
    schedule.holidays && schedule.holidays.length > 0
      ? { ...schedule, holidayDates: holidayDates(schedule.holidays, holidayYears(now)) }
      : schedule,
  );
}

/** The packaging year and the next ones (HOLIDAY_YEARS in all). */
export function holidayYears(now: Date): number[] {
  const first = now.getUTCFullYear();
  return Array.from({ length: HOLIDAY_YEARS }, (_, i) => first + i);
}
