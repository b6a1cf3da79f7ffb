import type { ScheduleConfig } from '../../handlers/config/stage-config';
import { scheduleProblems } from '../../resources/home-stack/schedules/schedule-checks';
import { scheduleResources } from '../../resources/home-stack/schedules/schedule-resources';

const NAMES = { service: 'xacct-ec2', stage: 'prod' };

function schedule(name: string, expression = 'cron(0 19 ? * MON-FRI *)'): ScheduleConfig {
  return {
    name,
    expression,
    timezone: 'Europe/Berlin',
    enabled: true,
    request: { action: 'stop' },
  } as ScheduleConfig;
}

describe('Function: scheduleProblems', () => {
  it('passes distinct, well-formed schedules', () => {
    // Act
    const problems = scheduleProblems(
      { schedules: [schedule('weekday-evening-stop'), schedule('weekday-morning-start')] },
      NAMES,
    );

    // Assess
    expect(problems).toEqual([]);
  });

  it('refuses a malformed expression, naming the field and the form AWS reads', () => {
    // Act
    const problems = scheduleProblems(
      { schedules: [schedule('stop', 'cron(oops) and rate(1 minute)')] },
      NAMES,
    );

    // Assess
    expect(problems).toEqual([
      {
        field: 'params.schedules[0].expression',
        message:
          "cron(oops) and rate(1 minute) has 4 fields; AWS's cron has six: minutes hours day-of-month month day-of-week year, e.g. cron(0 19 ? * MON-FRI *)",
      },
    ]);
  });

  it.each([
    ['weekday-start', 'weekday.start'],
    ['weekday-start', 'weekday_start'],
    ['weekday-start', 'WeekdayStart'],
  ])('refuses %s beside %s: one CloudFormation resource for two schedules', (first, second) => {
    // Act
    const problems = scheduleProblems({ schedules: [schedule(first), schedule(second)] }, NAMES);

    // Assess
    expect(problems).toEqual([
      {
        field: 'params.schedules[1].name',
        message: expect.stringContaining(
          `"${second}" and "${first}" differ only in punctuation or case`,
        ),
      },
    ]);
    expect(problems[0]?.message).toContain('rename one of them');
  });

  it.each([
    ['Group', 'ScheduleGroup'],
    ['rInvokeRole', 'SchedulerInvokeRole'],
    ['dead-letter-queue', 'Scheduledeadletterqueue'],
  ])('refuses %s, whose logical ID %s the stack already uses (in any case)', (name, id) => {
    // Act
    const problems = scheduleProblems({ schedules: [schedule(name)] }, NAMES);

    // Assess
    expect(problems).toEqual([
      {
        field: 'params.schedules[0].name',
        message: `"${name}" would be CloudFormation resource ${id}, which the stack already uses for something else; rename the schedule`,
      },
    ]);
  });

  it('refuses a name that would pass 64 characters instead of cutting it', () => {
    // Prepare: "xacct-ec2-production-eu-" takes 24 of the 64.
    const long = 'weekday-evening-stop-of-the-whole-fleet-xyz';

    // Act
    const problems = scheduleProblems(
      { schedules: [schedule(long)] },
      { service: 'xacct-ec2', stage: 'production-eu' },
    );

    // Assess
    expect(problems).toEqual([
      {
        field: 'params.schedules[0].name',
        message: `makes the schedule name "xacct-ec2-production-eu-${long}" (67 characters), over EventBridge Scheduler's 64; shorten "${long}" to at most 40 characters`,
      },
    ]);
  });

  it('would otherwise lose a schedule: scheduleResources refuses to overwrite one', () => {
    // Act
    const build = () =>
      scheduleResources(
        {
          scheduledRuns: 'engine',
          schedules: [schedule('weekday-start'), schedule('weekday.start')],
        } as never,
        NAMES,
      );

    // Assess
    expect(build).toThrow('Scheduleweekdaystart is taken');
  });
});
