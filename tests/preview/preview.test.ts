/**
 * npm run preview over fixed dates. The daylight-saving rule is EventBridge Scheduler's own
 * (Scheduler User Guide, "Schedule types", daylight saving time): "your schedule invocation gets
 * skipped if the cron expression falls on a non-existent date and time ... [in the Fall] your
 * schedule runs only once". Zone rules are the IANA database's, as Node's Intl carries it.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { ScheduleConfig } from '../../handlers/config/stage-config';
import {
  clockChanges,
  type PreviewEntry,
  previewSchedule,
  startOfLocalDay,
} from '../../scripts/preview/build-preview';
import { parsePreviewArgs } from '../../scripts/preview/preview-args';
import { renderStagePreview } from '../../scripts/preview/render-preview';
import { previewStage } from '../../scripts/preview/stage-preview';
import { stageSchedules } from '../../scripts/shared/stack/stage-schedules';
import { UsageError } from '../../scripts/shared/usage-error';

const REPO = path.resolve(__dirname, '../..');

function schedule(
  fields: Partial<ScheduleConfig> & Pick<ScheduleConfig, 'expression' | 'timezone'>,
): ScheduleConfig {
  return { name: 'one', enabled: true, request: { action: 'stop' }, ...fields } as ScheduleConfig;
}

const of = (entries: PreviewEntry[], kind: PreviewEntry['kind']) =>
  entries.filter((e) => e.kind === kind);
const runs = (entries: PreviewEntry[]) =>
  entries.flatMap((e) => (e.kind === 'fires' ? [`${e.local} ${e.offset} ${e.utc}`] : []));

describe('Function: previewSchedule (daylight saving, Scheduler rule)', () => {
  it('skips 02:30 America/New_York on 2027-03-14, which does not exist, and says so', () => {
    // Prepare
    const daily = schedule({ expression: 'cron(30 2 * * ? *)', timezone: 'America/New_York' });

    // Act
    const preview = previewSchedule(daily, { from: '2027-03-13', days: 3 });

    // Assess
    expect(runs(preview.entries)).toEqual([
      'Sat 2027-03-13 02:30 -05:00 2027-03-13 07:30Z',
      'Mon 2027-03-15 02:30 -04:00 2027-03-15 06:30Z',
    ]);
    expect(of(preview.entries, 'nonexistent')).toEqual([
      {
        kind: 'nonexistent',
        local: 'Sun 2027-03-14 02:30',
        detail:
          '02:30 does not exist on this date (clocks jump from 02:00 to 03:00): EventBridge Scheduler skips it, no run',
      },
    ]);
    expect(of(preview.entries, 'clock-change')).toEqual([
      expect.objectContaining({
        utc: '2027-03-14 07:00Z',
        fromOffset: '-05:00',
        toOffset: '-04:00',
        detail:
          'clocks spring forward 1 h at 02:00 to 03:00 (America/New_York): local times 02:00-02:59 do not exist',
      }),
    ]);
    expect([preview.fires, preview.nonexistent]).toEqual([2, 1]);
  });

  it('runs 01:30 America/New_York once on 2027-11-07, at its first (EDT) occurrence', () => {
    // Prepare
    const daily = schedule({ expression: 'cron(30 1 * * ? *)', timezone: 'America/New_York' });

    // Act
    const preview = previewSchedule(daily, { from: '2027-11-07', days: 1 });

    // Assess
    expect(preview.entries.filter((e) => e.kind === 'fires')).toEqual([
      {
        kind: 'fires',
        local: 'Sun 2027-11-07 01:30',
        offset: '-04:00',
        utc: '2027-11-07 05:30Z',
        repeated: true,
      },
    ]);
  });

  it('skips 02:30 Europe/Berlin on 2027-03-28 and runs 02:30 once on 2027-10-31', () => {
    // Prepare
    const daily = schedule({ expression: 'cron(30 2 * * ? *)', timezone: 'Europe/Berlin' });

    // Act
    const spring = previewSchedule(daily, { from: '2027-03-28', days: 1 });
    const autumn = previewSchedule(daily, { from: '2027-10-31', days: 1 });

    // Assess
    expect(runs(spring.entries)).toEqual([]);
    expect(of(spring.entries, 'nonexistent')).toHaveLength(1);
    expect(runs(autumn.entries)).toEqual(['Sun 2027-10-31 02:30 +02:00 2027-10-31 00:30Z']);
  });

  it('shifts a 19:00 Berlin stop from 18:00Z to 17:00Z across 2027-03-28, one run each weekday', () => {
    // Prepare
    const stop = schedule({ expression: 'cron(0 19 ? * MON-FRI *)', timezone: 'Europe/Berlin' });

    // Act
    const preview = previewSchedule(stop, { from: '2027-03-22', days: 14 });

    // Assess
    expect(preview.fires).toBe(10);
    expect(runs(preview.entries)[4]).toBe('Fri 2027-03-26 19:00 +01:00 2027-03-26 18:00Z');
    expect(runs(preview.entries)[5]).toBe('Mon 2027-03-29 19:00 +02:00 2027-03-29 17:00Z');
    expect(of(preview.entries, 'nonexistent')).toEqual([]);
  });

  it('springs Australia/Adelaide forward at 02:00 on 2027-10-03 and back at 03:00 on 2027-04-04', () => {
    // Prepare
    const daily = schedule({ expression: 'cron(30 2 * * ? *)', timezone: 'Australia/Adelaide' });

    // Act
    const autumn = previewSchedule(daily, { from: '2027-04-04', days: 1 });
    const spring = previewSchedule(daily, { from: '2027-10-03', days: 1 });

    // Assess: +10:30 to +09:30 in April (02:30 occurs twice), +09:30 to +10:30 in October (gap).
    expect(runs(autumn.entries)).toEqual(['Sun 2027-04-04 02:30 +10:30 2027-04-03 16:00Z']);
    expect(autumn.entries.find((e) => e.kind === 'fires')).toMatchObject({ repeated: true });
    expect(runs(spring.entries)).toEqual([]);
    expect(of(spring.entries, 'nonexistent')).toEqual([
      expect.objectContaining({ local: 'Sun 2027-10-03 02:30' }),
    ]);
  });

  it('keeps Asia/Kolkata at +05:30 with no clock change at all', () => {
    // Prepare
    const daily = schedule({ expression: 'cron(30 2 * * ? *)', timezone: 'Asia/Kolkata' });

    // Act
    const preview = previewSchedule(daily, { from: '2027-03-01', days: 366 });

    // Assess
    expect(preview.fires).toBe(366);
    expect(of(preview.entries, 'clock-change')).toEqual([]);
    expect(runs(preview.entries)[0]).toBe('Mon 2027-03-01 02:30 +05:30 2027-02-28 21:00Z');
  });

  it('runs at midnight on the local date, the UTC date being the day before', () => {
    // Prepare
    const midnight = schedule({ expression: 'cron(0 0 * * ? *)', timezone: 'Europe/Berlin' });

    // Act
    const preview = previewSchedule(midnight, { from: '2027-01-01', days: 2 });

    // Assess
    expect(runs(preview.entries)).toEqual([
      'Fri 2027-01-01 00:00 +01:00 2026-12-31 23:00Z',
      'Sat 2027-01-02 00:00 +01:00 2027-01-01 23:00Z',
    ]);
  });

  it('finds leap day 2028-02-29 for the last day of February', () => {
    // Prepare
    const lastDay = schedule({ expression: 'cron(0 12 L 2 ? *)', timezone: 'UTC' });

    // Act
    const preview = previewSchedule(lastDay, { from: '2027-01-01', days: 731 });

    // Assess
    expect(runs(preview.entries)).toEqual([
      'Sun 2027-02-28 12:00 +00:00 2027-02-28 12:00Z',
      'Tue 2028-02-29 12:00 +00:00 2028-02-29 12:00Z',
    ]);
  });

  it('lists nothing for a disabled schedule, and says why', () => {
    // Prepare
    const off = schedule({ expression: 'cron(0 7 * * ? *)', timezone: 'UTC', enabled: false });

    // Act
    const preview = previewSchedule(off, { from: '2027-01-01', days: 7 });

    // Assess
    expect(preview.entries).toEqual([]);
    expect(preview.note).toBe('disabled (enabled: false): never fires');
  });
});

describe('Function: clockChanges', () => {
  it('finds both 2027 changes of America/New_York to the minute', () => {
    // Act
    const changes = clockChanges(
      'America/New_York',
      Date.parse('2027-01-01T00:00:00Z'),
      Date.parse('2028-01-01T00:00:00Z'),
    );

    // Assess
    expect(changes.map((c) => [new Date(c.at).toISOString(), c.fromMinutes, c.toMinutes])).toEqual([
      ['2027-03-14T07:00:00.000Z', -300, -240],
      ['2027-11-07T06:00:00.000Z', -240, -300],
    ]);
  });

  it('starts a local day at the first minute after a gap that swallows midnight', () => {
    // America/Santiago springs forward at 24:00 on 2027-09-04: 2027-09-05 starts at 01:00 (-03:00).
    expect(new Date(startOfLocalDay('2027-09-05', 'America/Santiago')).toISOString()).toBe(
      '2027-09-05T04:00:00.000Z',
    );
  });
});

describe('Function: previewStage (warnings)', () => {
  const weekdays = (name: string, hour: number, action: 'start' | 'stop', days = 'MON-FRI') =>
    schedule({
      name,
      expression: `cron(0 ${hour} ? * ${days} *)`,
      timezone: 'Europe/Berlin',
      request: { action },
    });

  it('says nothing of a weekday stop and start on the same resources', () => {
    // Act
    const preview = previewStage(
      'prod',
      [weekdays('stop', 19, 'stop'), weekdays('start', 7, 'start')],
      { from: '2027-03-22', days: 14 },
    );

    // Assess
    expect(preview.warnings).toEqual([]);
  });

  it('warns of resources left running over a weekend when the stop misses Friday', () => {
    // Act
    const preview = previewStage(
      'prod',
      [weekdays('stop', 19, 'stop', 'MON-THU'), weekdays('start', 7, 'start')],
      { from: '2027-03-22', days: 7 },
    );

    // Assess
    expect(preview.warnings).toEqual([
      '"start" starts resources at Fri 2027-03-26 07:00 (Europe/Berlin) and no schedule stops them before the preview ends: they run over the weekend of 2027-03-27 and 2027-03-28',
    ]);
  });

  it('warns of a Friday holiday that skips the stop and leaves resources running over the weekend', () => {
    // Prepare: Good Friday 2027 is 26 March; the start skips no date.
    const stop = { ...weekdays('stop', 19, 'stop'), excludedDates: ['2027-03-26'] };

    // Act
    const preview = previewStage('prod', [stop, weekdays('start', 7, 'start')], {
      from: '2027-03-22',
      days: 14,
    });

    // Assess
    expect(preview.warnings).toEqual([
      '"start" starts resources at Fri 2027-03-26 07:00 (Europe/Berlin) and "stop" stops them only at Mon 2027-03-29 19:00: they run over the weekend of 2027-03-27 and 2027-03-28',
    ]);
  });

  it('says a stop that nothing starts again and a start that nothing stops are allowed', () => {
    // Act
    const preview = previewStage(
      'test',
      [
        weekdays('stop', 19, 'stop'),
        {
          ...weekdays('start', 7, 'start'),
          request: { action: 'start', targets: { regions: ['us-east-1'] } },
        } as ScheduleConfig,
      ],
      { from: '2027-03-22', days: 7 },
    );

    // Assess
    expect(preview.warnings).toEqual([
      '"stop" stops resources that no schedule starts again (allowed: they stay stopped until started on demand)',
      '"start" starts resources that no schedule stops (allowed: they run until stopped on demand)',
    ]);
  });
});

describe('Function: previewSchedule (excluded dates and holidays)', () => {
  it('marks excluded dates across a year boundary and public holidays, runs the rest', () => {
    // Prepare
    const stop = schedule({
      expression: 'cron(0 19 ? * MON-FRI *)',
      timezone: 'Europe/Berlin',
      excludedDates: ['2027-12-30..2028-01-04'],
      holidays: ['DE-BY'],
    });

    // Act
    const preview = previewStage('prod', [stop], { from: '2027-12-20', days: 21 }).schedules[0];

    // Assess
    const skipped = preview?.entries.flatMap((e) =>
      e.kind === 'skipped' ? [`${e.local} ${e.reason} ${e.detail}`] : [],
    );
    expect(skipped).toEqual([
      'Thu 2027-12-30 19:00 excluded-date 2027-12-30..2028-01-04',
      'Fri 2027-12-31 19:00 excluded-date 2027-12-30..2028-01-04',
      'Mon 2028-01-03 19:00 excluded-date 2027-12-30..2028-01-04',
      'Tue 2028-01-04 19:00 excluded-date 2027-12-30..2028-01-04',
      'Thu 2028-01-06 19:00 holiday Epiphany (DE-BY)',
    ]);
    // 15 weekdays from 2027-12-20 to 2028-01-09; Christmas and New Year's Day fall on weekends.
    expect(preview?.fires).toBe(10);
  });
});

describe('Function: parsePreviewArgs', () => {
  const today = new Date('2027-03-22T10:00:00Z');

  it('defaults to seven days from today', () => {
    expect(parsePreviewArgs([], today)).toEqual({ days: 7, from: '2027-03-22', json: false });
  });

  it.each([
    [['--days', '0'], '--days must be a whole number from 1 to 366, not 0'],
    [['--days', '2.5'], '--days must be a whole number from 1 to 366, not 2.5'],
    [
      ['--from', '2027-02-29'],
      '--from must be a date YYYY-MM-DD such as 2027-03-22, not 2027-02-29',
    ],
    [['--stage', 'a b'], '--stage "a b" is not a stage name'],
  ])('refuses %j', (argv, message) => {
    expect(() => parsePreviewArgs(argv, today)).toThrow(UsageError);
    expect(() => parsePreviewArgs(argv, today)).toThrow(message);
  });
});

describe('npm run preview over the shipped serverless.yml', () => {
  it('prints the fortnight across Europe’s 2027-03-28 change for the prod stage', () => {
    // Act
    const text = renderStagePreview(
      previewStage('prod', stageSchedules('prod'), { from: '2027-03-22', days: 14 }),
    );

    // Assess
    expect(text).toContain(
      'weekday-evening-stop: stop on cron(0 19 ? * MON-FRI *) in Europe/Berlin (10 runs, 0 skipped by date, 0 nonexistent)',
    );
    expect(text).toContain('  Fri 2027-03-26 19:00 +01:00  2027-03-26 18:00Z  runs');
    expect(text).toContain('  Mon 2027-03-29 07:00 +02:00  2027-03-29 05:00Z  runs');
    expect(text).toContain(
      '  -- Sun 2027-03-28 02:00 +01:00 -> +02:00  2027-03-28 01:00Z  clocks spring forward 1 h at 02:00 to 03:00 (Europe/Berlin): local times 02:00-02:59 do not exist',
    );
    expect(text).not.toContain('Warnings');
  });

  it('runs as a command with --json, for every stage, without AWS', () => {
    // Act
    const out = execFileSync(
      'npx',
      ['tsx', 'scripts/preview/main.ts', '--from', '2027-03-22', '--days', '14', '--json'],
      {
        cwd: REPO,
        encoding: 'utf8',
        env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '' },
      },
    );

    // Assess
    const { stages } = JSON.parse(out) as {
      stages: { stage: string; schedules: { fires: number }[] }[];
    };
    expect(stages.map((s) => [s.stage, s.schedules.map((x) => x.fires)])).toEqual([
      ['dev', []],
      ['prod', [10, 10]],
      ['test', [10, 10]],
      ['fleet', []],
      ['local', [10]],
    ]);
  });

  it('names the stage and the choices when the stage is unknown', () => {
    expect(() => stageSchedules('nope')).toThrow(
      '--stage nope is not configured in serverless.yml; give one of: dev, prod, test, fleet, local',
    );
  });
});
