/**
 * `holidays` resolved at package time with date-holidays 3.37.0 (dev only): public holidays alone,
 * by local date, for the packaging year and the next two; unknown codes refused with the fix.
 */
import {
  holidayCodeProblems,
  holidayDates,
  holidayYears,
  withHolidayDates,
} from '../../resources/home-stack/schedules/holiday-dates';
import { scheduleProblems } from '../../resources/home-stack/schedules/schedule-checks';
import { TEST_CONFIG } from '../helpers/config';

describe('Function: holidayDates', () => {
  it('lists the public holidays of DE-BY in 2027, not its observances', () => {
    // Act
    const dates = holidayDates(['DE-BY'], [2027]);

    // Assess
    expect(dates.slice(0, 4)).toEqual([
      { date: '2027-01-01', name: "New Year's Day (DE-BY)" },
      { date: '2027-01-06', name: 'Epiphany (DE-BY)' },
      { date: '2027-03-26', name: 'Good Friday (DE-BY)' },
      { date: '2027-03-29', name: 'Easter Monday (DE-BY)' },
    ]);
    // Valentine's Day (an observance) is not a day off.
    expect(dates.map((d) => d.date)).not.toContain('2027-02-14');
  });

  it('merges two calendars by date and keeps substitute days', () => {
    // Act
    const dates = holidayDates(['US', 'GB'], [2027]);

    // Assess
    expect(dates.find((d) => d.date === '2027-01-01')?.name).toBe(
      "New Year's Day (US), New Year's Day (GB)",
    );
    expect(dates).toContainEqual({
      date: '2027-07-05',
      name: 'Independence Day (substitute day) (US)',
    });
  });

  it('resolves the packaging year and the next two into the function’s copy', () => {
    // Act
    const [schedule] = withHolidayDates(
      [{ name: 's', holidays: ['US'] }],
      new Date('2026-12-06T12:00:00Z'),
    );

    // Assess
    expect(holidayYears(new Date('2026-12-06T12:00:00Z'))).toEqual([2026, 2027, 2028]);
    const years = new Set(schedule?.holidayDates?.map((d) => d.date.slice(0, 4)));
    expect([...years]).toEqual(['2026', '2027', '2028']);
  });
});

describe('Function: holidayCodeProblems (package time)', () => {
  it('refuses an unknown country and an unknown region, naming the field and the choices', () => {
    // Act
    const problems = holidayCodeProblems(
      ['XX', 'DE-ZZ', 'US', 'DE-BY'],
      'params.schedules[0].holidays',
    );

    // Assess
    expect(problems).toEqual([
      {
        field: 'params.schedules[0].holidays[0]',
        message:
          '"XX" names no country date-holidays knows; use an ISO 3166-1 code such as "US", "DE" or "FR"',
      },
      {
        field: 'params.schedules[0].holidays[1]',
        message: expect.stringMatching(
          /^"DE-ZZ": DE has the regions DE-BB, DE-BE, .*DE-BY.*; use one of them or "DE" alone$/,
        ),
      },
    ]);
  });

  it('stops packaging on a bad code and on a hand-written holidayDates', () => {
    // Prepare
    const [schedule] = TEST_CONFIG.schedules ?? [];
    if (!schedule) throw new Error('TEST_CONFIG has a schedule');
    const config = { schedules: [{ ...schedule, holidays: ['XX'] }] };

    // Act
    const problems = scheduleProblems(config, { service: 'xacct-ec2', stage: 'test' });

    // Assess
    expect(problems.map((p) => p.field)).toEqual([
      'params.schedules[0].holidays[0]',
      'params.schedules[0].holidayDates',
    ]);
  });
});
