/**
 * A scheduled run on an excluded date or holiday of its schedule: nothing called, the reason in
 * the result and the Run Summary, RunsSkipped counted, and the heartbeat still emitted, so the
 * missed-run alarm never reads a holiday as a silence. Dates are the schedule's local dates
 * (TEST_CONFIG: weekday-evening-stop, Europe/Berlin, 2026-12-24 and 2026-12-28..2027-01-01
 * excluded, 2027-01-06 a DE-BY holiday).
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import {
  dateSkip,
  excludedDatesProblems,
  localDate,
} from '../../../handlers/config/excluded-dates';
import { parseStageConfig } from '../../../handlers/config/stage-config';
import type { RunResult } from '../../../handlers/core/results';
import { scheduledRunSkip } from '../../../handlers/signals/scheduled-skip';
import { TEST_CONFIG } from '../../helpers/config';
import { aContext } from '../../helpers/context';
import { pauseSwitch } from '../../helpers/pause-switch';

const SCHEDULES = TEST_CONFIG.schedules ?? [];
const due = (scheduledTime: string) =>
  ({ kind: 'schedule', schedule: 'weekday-evening-stop', scheduledTime }) as const;

describe('Function: excludedDatesProblems', () => {
  it('names the entry and the fix for a bad shape, an unreal date and a range that runs backwards', () => {
    // Act
    const problems = excludedDatesProblems(
      ['12-24', '2027-02-29', '2027-01-02..2026-12-24', '2028-02-29', '2026-12-24..2027-01-01'],
      'params.schedules[0].excludedDates',
    );

    // Assess
    expect(problems).toEqual([
      {
        field: 'params.schedules[0].excludedDates[0]',
        message:
          '"12-24" is neither a date YYYY-MM-DD nor a range YYYY-MM-DD..YYYY-MM-DD (with the year), e.g. 2026-12-24 or 2026-12-24..2027-01-01',
      },
      {
        field: 'params.schedules[0].excludedDates[1]',
        message: '"2027-02-29": 2027-02-29 is not a date in the calendar; check the month and day',
      },
      {
        field: 'params.schedules[0].excludedDates[2]',
        message:
          '"2027-01-02..2026-12-24" ends before it starts; write the earlier date first (2026-12-24..2027-01-02)',
      },
    ]);
  });

  it('stops the stage configuration with the field named', () => {
    // Prepare
    const [schedule] = SCHEDULES;
    const input = { ...TEST_CONFIG, schedules: [{ ...schedule, excludedDates: ['2026-13-01'] }] };

    // Act
    const parsed = parseStageConfig(input, 'params');

    // Assess
    expect(parsed).toEqual({
      ok: false,
      problems: [
        {
          field: 'params.schedules[0].excludedDates[0]',
          message:
            '"2026-13-01": 2026-13-01 is not a date in the calendar; check the month and day',
        },
      ],
    });
  });
});

describe('Function: dateSkip and localDate', () => {
  it('skips every date of a range across the year boundary, and no date beside it', () => {
    // Act
    const dates = ['2026-12-27', '2026-12-28', '2026-12-31', '2027-01-01', '2027-01-02'];
    const skips = dates.map((date) =>
      dateSkip({ excludedDates: ['2026-12-28..2027-01-01'] }, date),
    );

    // Assess
    expect(skips.map((s) => s?.reason ?? 'runs')).toEqual([
      'runs',
      'excluded-date',
      'excluded-date',
      'excluded-date',
      'runs',
    ]);
  });

  it('reads the date in the schedule’s zone: 23:30Z on 31 December is 1 January in Berlin', () => {
    expect(localDate(new Date('2026-12-31T23:30:00Z'), 'Europe/Berlin')).toBe('2027-01-01');
    expect(localDate(new Date('2026-12-31T23:30:00Z'), 'America/New_York')).toBe('2026-12-31');
  });

  it('decides on the time the run was due, not the time a late retry arrives', () => {
    // Act: due 2026-12-23 19:00 Berlin, retried after midnight.
    const skip = scheduledRunSkip(
      due('2026-12-23T18:00:00Z'),
      SCHEDULES,
      Date.parse('2026-12-24T00:10:00Z'),
    );

    // Assess
    expect(skip).toBeUndefined();
    expect(scheduledRunSkip(due('2027-01-06T18:00:00Z'), SCHEDULES, 0)).toEqual({
      reason: 'holiday',
      date: '2027-01-06',
      detail: 'Epiphany (DE-BY)',
    });
  });

  it('never skips a run that is not scheduled', () => {
    expect(
      scheduledRunSkip({ kind: 'invoke' }, SCHEDULES, Date.parse('2026-12-24T18:00:00Z')),
    ).toBeUndefined();
  });
});

type Emf = Record<string, unknown>;

describe('A scheduled run on a skipped date, through the handlers', () => {
  const ec2Mock = mockClient(EC2Client);
  const eventsMock = mockClient(EventBridgeClient);
  const stageSwitch = pauseSwitch();
  let printed: string[];

  beforeAll(() => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  });
  afterAll(() => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
  });
  beforeEach(() => {
    ec2Mock.reset();
    eventsMock.reset();
    stageSwitch.reset();
    jest.restoreAllMocks();
    printed = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      printed.push(String(line));
    });
    eventsMock.on(PutEventsCommand).callsFake((input: { Entries?: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: (input.Entries ?? []).map((_e, i) => ({ EventId: `event-${i}` })),
    }));
  });
  const emf = (): Emf[] =>
    printed.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Emf);

  it('does nothing on an excluded date, says why, counts RunsSkipped and still beats the heartbeat', async () => {
    // Prepare
    const { handler } = await import('../../../handlers/instances');
    const event = {
      schedule: { name: 'weekday-evening-stop', scheduledTime: '2026-12-30T18:00:00Z' },
      request: { action: 'stop' },
    };

    // Act
    const result = (await handler(event, aContext({ requestId: 'req-skip' }))) as RunResult;

    // Assess: no call to a target, none to the pause switch.
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(0);
    expect(stageSwitch.sfn.calls()).toHaveLength(0);
    expect(result).toMatchObject({
      action: 'stop',
      targets: [],
      summary: expect.objectContaining({ targets: 0, changed: 0 }),
      skipped: { reason: 'excluded-date', date: '2026-12-30', detail: '2026-12-28..2027-01-01' },
    });
    const summary = JSON.parse(
      eventsMock.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.Detail ?? '{}',
    );
    expect(summary).toMatchObject({
      outcome: 'skipped',
      skipped: { reason: 'excluded-date', date: '2026-12-30' },
      origin: { kind: 'schedule', schedule: 'weekday-evening-stop' },
    });
    expect(emf()).toEqual([
      expect.objectContaining({
        RunsSkipped: 1,
        outcome: 'skipped',
        skipped: 'excluded-date 2026-12-30',
      }),
      expect.objectContaining({ schedule: 'weekday-evening-stop', ScheduledRunsCompleted: 1 }),
    ]);
    expect(emf()[0]).not.toHaveProperty('RunsCompleted');
  });

  it('runs as usual on the day before the range', async () => {
    // Prepare
    const { handler } = await import('../../../handlers/instances');
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const event = {
      schedule: { name: 'weekday-evening-stop', scheduledTime: '2026-12-23T18:00:00Z' },
      request: { action: 'stop' },
    };

    // Act
    const result = (await handler(event, aContext())) as RunResult;

    // Assess
    expect(result.skipped).toBeUndefined();
    expect(ec2Mock.commandCalls(DescribeInstancesCommand).length).toBeGreaterThan(0);
  });

  it('starts no engine run on a holiday, sends its Run Summary marked skipped, and still beats the heartbeat', async () => {
    // Prepare
    const { handler } = await import('../../../handlers/engine/start');
    const event = {
      schedule: 'weekday-evening-stop',
      scheduledTime: '2027-01-06T18:00:00Z',
      request: { action: 'stop' },
    };

    // Act
    const outcome = await handler(event, aContext());

    // Assess
    expect(outcome).toEqual({
      started: false,
      name: 'weekday-evening-stop-20270106T180000Z',
      skipped: { reason: 'holiday', date: '2027-01-06', detail: 'Epiphany (DE-BY)' },
    });
    expect(stageSwitch.sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(stageSwitch.sfn.calls()).toHaveLength(0);
    const entries = eventsMock
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => e.DetailType)).toEqual(['Run Summary']);
    expect(JSON.parse(entries[0]?.Detail ?? '{}')).toMatchObject({
      runId: 'weekday-evening-stop-20270106T180000Z',
      outcome: 'skipped',
      skipped: { reason: 'holiday', date: '2027-01-06' },
    });
    expect(emf()).toEqual([
      expect.objectContaining({ RunsSkipped: 1, runId: 'weekday-evening-stop-20270106T180000Z' }),
      expect.objectContaining({ schedule: 'weekday-evening-stop', ScheduledRunsCompleted: 1 }),
    ]);
  });
});
