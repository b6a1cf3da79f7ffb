import { Cron } from 'croner';
import {
  firingTimes,
  longestGapSeconds,
  nextFiringTime,
  parseScheduleExpression,
  type ScheduleExpression,
} from '../../resources/home-stack/schedule-expression';

function parsed(text: string): ScheduleExpression {
  const result = parseScheduleExpression(text);
  if (!result.ok) throw new Error(result.message);
  return result.expression;
}

function fires(text: string, timezone: string, after: string, until: string): string[] {
  return firingTimes(parsed(text), {
    timezone,
    after: new Date(after),
    until: new Date(until),
  }).map((d) => d.toISOString().replace('.000Z', 'Z'));
}

describe('Function: parseScheduleExpression', () => {
  it.each([
    'cron(0 19 ? * MON-FRI *)',
    'cron(0/15 * * * ? *)',
    'cron(*/5 8 * * ? *)',
    'cron(0 8 L * ? *)',
    'cron(0 8 15W * ? *)',
    'cron(0 8 ? * 6L *)',
    'cron(0 8 ? * 3#2 *)',
    'cron(0 8 ? * L *)',
    'cron(0 8 * JAN-MAR ? 2026-2027)',
    'cron(0 7,19 ? * SUN,SAT *)',
    'rate(1 minute)',
    'rate(15 minutes)',
    'rate(1 day)',
    'at(2026-12-24T18:00:00)',
  ])('reads %s as AWS does', (text) => {
    // Act
    const result = parseScheduleExpression(text);

    // Assess
    expect(result).toEqual({ ok: true, expression: expect.objectContaining({ text }) });
  });

  it.each([
    ['cron(oops) and rate(1 minute)', "has 4 fields; AWS's cron has six"],
    ['cron(0 19 ? * MON-FRI)', 'has 5 fields'],
    ['cron(0 19 * * MON-FRI *)', 'are both set; AWS needs ? in one of them'],
    ['cron(0 19 1 * 2 *)', 'are both set'],
    ['cron(0 19 ? * ? *)', 'are both ?'],
    ['cron(0 19 ? * 0 *)', 'day-of-week "0" has a value out of range ("0"); use 1-7 or SUN-SAT'],
    ['cron(0 19 ? * 8 *)', 'day-of-week "8" has a value out of range'],
    ['cron(0 24 * * ? *)', 'hours "24"'],
    ['cron(60 1 * * ? *)', 'minutes "60"'],
    ['cron(0 1 32 * ? *)', 'day-of-month "32"'],
    ['cron(0 1 * 13 ? *)', 'month "13"'],
    ['cron(0 1 * jan ? *)', 'month "jan"'],
    ['cron(0 1 * * ? 1969)', 'year "1969"'],
    ['cron(0 1 ? * 3#1,6#3 *)', '# must stand alone'],
    ['cron(0 1 ? * 3#6 *)', 'a week other than #1-#5'],
    ['cron(? 1 * * ? *)', 'minutes "?" cannot be ?'],
    ['cron(5-2 8 * * ? *)', 'runs backwards'],
    ['cron(0/0 8 * * ? *)', 'has the step "/0"'],
    ['rate(1 minutes)', 'takes the singular unit, write rate(1 minute)'],
    ['rate(5 minute)', 'takes the plural unit, write rate(5 minutes)'],
    ['rate(0 minutes)', 'must be 1 or more'],
    ['rate(1 week)', 'is not rate(value unit)'],
    ['rate(1.5 hours)', 'is not rate(value unit)'],
    ['at(2026-02-30T10:00:00)', 'a real date and time'],
    ['at(2026-12-24 18:00:00)', 'is not at(yyyy-mm-ddThh:mm:ss)'],
    ['0 19 * * 1-5', 'is none of cron('],
    ['@daily', 'is none of'],
  ])('refuses %s, saying what to write', (text, said) => {
    // Act
    const result = parseScheduleExpression(text);

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.message).toContain(said);
  });
});

/**
 * EventBridge Scheduler User Guide, "Schedule types", daylight saving time: "When the time shifts
 * forward in Spring, your schedule invocation gets skipped if the cron expression falls on a
 * non-existent date and time. When the time shifts back in the Fall, your schedule runs only
 * once and doesn't repeat its invocation." croner alone would run the spring time after the gap
 * and an interval schedule twice in the repeated hour.
 */
describe('Function: firingTimes (Scheduler daylight saving time)', () => {
  it('skips 02:30 on 2026-03-29 in Europe/Berlin, which does not exist', () => {
    expect(
      fires('cron(30 2 * * ? *)', 'Europe/Berlin', '2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z'),
    ).toEqual(['2026-03-27T01:30:00Z', '2026-03-28T01:30:00Z', '2026-03-30T00:30:00Z']);
  });

  it('runs 02:30 once on 2026-10-25 in Europe/Berlin, which occurs twice', () => {
    expect(
      fires('cron(30 2 * * ? *)', 'Europe/Berlin', '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z'),
    ).toEqual(['2026-10-24T00:30:00Z', '2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z']);
  });

  it('runs every half hour of the repeated hour once in Europe/Berlin', () => {
    expect(
      fires(
        'cron(0/30 * * * ? *)',
        'Europe/Berlin',
        '2026-10-24T23:50:00Z',
        '2026-10-25T02:10:00Z',
      ),
    ).toEqual(['2026-10-25T00:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T02:00:00Z']);
  });

  it('skips 02:30 on 2026-03-08 in America/New_York, which does not exist', () => {
    expect(
      fires(
        'cron(30 2 * * ? *)',
        'America/New_York',
        '2026-03-07T00:00:00Z',
        '2026-03-10T00:00:00Z',
      ),
    ).toEqual(['2026-03-07T07:30:00Z', '2026-03-09T06:30:00Z']);
  });

  it('runs 01:30 once on 2026-11-01 in America/New_York, at its first (EDT) occurrence', () => {
    expect(
      fires(
        'cron(30 1 * * ? *)',
        'America/New_York',
        '2026-10-31T00:00:00Z',
        '2026-11-03T00:00:00Z',
      ),
    ).toEqual(['2026-10-31T05:30:00Z', '2026-11-01T05:30:00Z', '2026-11-02T06:30:00Z']);
  });

  it('skips 02:15 on 2026-10-04 in Australia/Lord_Howe, whose clocks jump 30 minutes', () => {
    expect(
      fires(
        'cron(15 2 * * ? *)',
        'Australia/Lord_Howe',
        '2026-10-02T00:00:00Z',
        '2026-10-05T00:00:00Z',
      ),
    ).toEqual(['2026-10-02T15:45:00Z', '2026-10-04T15:15:00Z']);
  });

  it('runs 01:45 once on 2026-04-05 in Australia/Lord_Howe, which falls back 30 minutes', () => {
    expect(
      fires(
        'cron(45 1 * * ? *)',
        'Australia/Lord_Howe',
        '2026-04-03T00:00:00Z',
        '2026-04-06T00:00:00Z',
      ),
    ).toEqual(['2026-04-03T14:45:00Z', '2026-04-04T14:45:00Z', '2026-04-05T15:15:00Z']);
  });

  it('keeps Asia/Kolkata at UTC+05:30 all year (no daylight saving)', () => {
    expect(
      fires(
        'cron(0 9 ? * MON-FRI *)',
        'Asia/Kolkata',
        '2026-03-27T00:00:00Z',
        '2026-03-31T00:00:00Z',
      ),
    ).toEqual(['2026-03-27T03:30:00Z', '2026-03-30T03:30:00Z']);
  });

  it('reads at() in its time zone: a time in the gap never fires, a repeated one fires first', () => {
    const year = ['2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'] as const;
    expect(fires('at(2026-03-29T02:30:00)', 'Europe/Berlin', ...year)).toEqual([]);
    expect(fires('at(2026-10-25T02:30:00)', 'Europe/Berlin', ...year)).toEqual([
      '2026-10-25T00:30:00Z',
    ]);
  });

  it('evaluates the day fields with AND against ?: weekdays only, not the 15th too', () => {
    // croner OR-s day-of-month and day-of-week by default; AWS has one of them be ?.
    expect(
      fires('cron(0 8 ? * MON-FRI *)', 'UTC', '2026-03-13T00:00:00Z', '2026-03-17T00:00:00Z'),
    ).toEqual(['2026-03-13T08:00:00Z', '2026-03-16T08:00:00Z']);
    expect(
      fires('cron(0 8 15 * ? *)', 'UTC', '2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z'),
    ).toEqual(['2026-03-15T08:00:00Z', '2026-04-15T08:00:00Z']);
  });

  it('counts day-of-week from 1 = SUN to 7 = SAT, and L alone as Saturday', () => {
    expect(
      fires('cron(0 8 ? * 1 *)', 'UTC', '2026-03-01T00:00:00Z', '2026-03-09T00:00:00Z'),
    ).toEqual(['2026-03-01T08:00:00Z', '2026-03-08T08:00:00Z']);
    expect(
      fires('cron(0 8 ? * L *)', 'UTC', '2026-03-01T00:00:00Z', '2026-03-09T00:00:00Z'),
    ).toEqual(['2026-03-07T08:00:00Z']);
  });

  it('reads L, W and # as AWS documents them', () => {
    const spring = ['2026-02-01T00:00:00Z', '2026-04-01T00:00:00Z'] as const;
    expect(fires('cron(0 8 L * ? *)', 'UTC', ...spring)).toEqual([
      '2026-02-28T08:00:00Z',
      '2026-03-31T08:00:00Z',
    ]);
    // 2026-02-15 is a Sunday: the nearest weekday is Monday the 16th.
    expect(fires('cron(0 8 15W * ? *)', 'UTC', ...spring)).toEqual([
      '2026-02-16T08:00:00Z',
      '2026-03-16T08:00:00Z',
    ]);
    // 3#2: the second Tuesday.
    expect(fires('cron(0 8 ? * 3#2 *)', 'UTC', ...spring)).toEqual([
      '2026-02-10T08:00:00Z',
      '2026-03-10T08:00:00Z',
    ]);
    // 6L: the last Friday.
    expect(fires('cron(0 8 ? * 6L *)', 'UTC', ...spring)).toEqual([
      '2026-02-27T08:00:00Z',
      '2026-03-27T08:00:00Z',
    ]);
  });

  it('runs a rate from its start every interval, whatever the time zone', () => {
    const start = new Date('2026-01-01T00:00:00Z');
    expect(
      firingTimes(parsed('rate(10 minutes)'), {
        timezone: 'Europe/Berlin',
        rateStart: start,
        after: new Date('2026-01-01T00:05:00Z'),
        until: new Date('2026-01-01T00:30:00Z'),
      }).map((d) => d.toISOString()),
    ).toEqual(['2026-01-01T00:10:00.000Z', '2026-01-01T00:20:00.000Z', '2026-01-01T00:30:00.000Z']);
  });

  it('finds the next firing, and none for an at() in the past', () => {
    const after = new Date('2026-03-27T18:00:00Z');
    expect(
      nextFiringTime(parsed('cron(0 19 ? * MON-FRI *)'), { timezone: 'Europe/Berlin', after }),
    ).toEqual(new Date('2026-03-30T17:00:00Z'));
    expect(
      nextFiringTime(parsed('at(2026-01-01T00:00:00)'), { timezone: 'UTC', after }),
    ).toBeUndefined();
  });
});

describe('croner 11 alone, the evidence for the corrections above', () => {
  const run = (pattern: string, options: Record<string, unknown>, from: string, n: number) =>
    new Cron(pattern, { paused: true, ...options })
      .nextRuns(n, new Date(from))
      .map((d) => d.toISOString().replace('.000Z', 'Z'));

  it('OR-s day-of-month and day-of-week: the 15th OR Mondays, which AWS refuses outright', () => {
    // Act
    const fired = run(
      '0 0 8 15 * 2 *',
      { timezone: 'UTC', alternativeWeekdays: true },
      '2026-03-01T00:00:00Z',
      4,
    );

    // Assess
    expect(fired).toEqual([
      '2026-03-02T08:00:00Z',
      '2026-03-09T08:00:00Z',
      '2026-03-15T08:00:00Z',
      '2026-03-16T08:00:00Z',
    ]);
    expect(parseScheduleExpression('cron(0 8 15 * 2 *)').ok).toBe(false);
  });

  it('runs a spring-forward time after the gap, and an interval twice in the repeated hour', () => {
    // Act
    const spring = run('0 30 2 * * * *', { timezone: 'Europe/Berlin' }, '2026-03-28T12:00:00Z', 1);
    const autumn = run(
      '0 */30 * * * * *',
      { timezone: 'Europe/Berlin' },
      '2026-10-24T23:50:00Z',
      4,
    );

    // Assess: 03:00 CEST on the 29th; 02:00 and 02:30 both in CEST and in CET.
    expect(spring).toEqual(['2026-03-29T01:00:00Z']);
    expect(autumn).toEqual([
      '2026-10-25T00:00:00Z',
      '2026-10-25T00:30:00Z',
      '2026-10-25T01:00:00Z',
      '2026-10-25T01:30:00Z',
    ]);
  });

  it('accepts what AWS does not: day-of-week 8 and numeric steps only when told', () => {
    expect(
      () => new Cron('0 0 8 * * 8 *', { alternativeWeekdays: true, paused: true }),
    ).not.toThrow();
    expect(parseScheduleExpression('cron(0 8 ? * 8 *)').ok).toBe(false);
    expect(() => new Cron('0 0/15 8 * * * *', { paused: true })).toThrow('numeric prefix');
    expect(parseScheduleExpression('cron(0/15 8 * * ? *)').ok).toBe(true);
  });
});

describe('Function: longestGapSeconds', () => {
  it.each([
    ['cron(0 19 ? * MON-FRI *)', 72 * 3600],
    ['cron(0 7 * * ? *)', 24 * 3600],
    ['cron(0/15 * ? * * *)', 15 * 60],
    ['rate(6 hours)', 6 * 3600],
  ])('%s is at most %i s apart', (text, gap) => {
    expect(longestGapSeconds(parsed(text))).toBe(gap);
  });

  it.each([
    'cron(0 9 1 * ? *)',
    'cron(0 9 ? * 2#1 *)',
    'cron(0 9 ? * 6L *)',
    'at(2026-12-24T18:00:00)',
  ])('cannot bound %s by a week', (text) => {
    expect(longestGapSeconds(parsed(text))).toBeUndefined();
  });
});
