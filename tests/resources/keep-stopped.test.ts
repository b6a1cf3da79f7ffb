import type { StageConfig } from '../../handlers/config/stage-config';
import { withKeepStoppedSchedules } from '../../resources/home-stack/schedules/keep-stopped';
import { heartbeatPeriodSeconds } from '../../resources/home-stack/signals/heartbeat-period';

type Schedule = StageConfig['schedules'][number];

const rdsStop = (extra: Partial<Schedule> = {}): Schedule => ({
  name: 'nightly-db-stop',
  expression: 'cron(0 20 ? * MON-FRI *)',
  timezone: 'Europe/Berlin',
  enabled: true,
  request: { task: 'rds', action: 'stop', targets: { accounts: ['222222222222'] } },
  keepStopped: true,
  ...extra,
});

describe('Package time: keepStopped adds a companion that stops again what RDS restarts after 7 days', () => {
  it('adds <name>-keep-stopped right after it: same targets and selection, onlyRestartedByAws, every 6 hours', () => {
    // Act
    const expanded = withKeepStoppedSchedules({ schedules: [rdsStop()] });

    // Assess
    expect(expanded).toEqual({
      ok: true,
      value: {
        schedules: [
          rdsStop(),
          {
            name: 'nightly-db-stop-keep-stopped',
            expression: 'rate(6 hours)',
            timezone: 'Europe/Berlin',
            enabled: true,
            request: {
              task: 'rds',
              action: 'stop',
              targets: { accounts: ['222222222222'] },
              onlyRestartedByAws: true,
            },
          },
        ],
      },
    });
  });

  it('fires at keepStoppedEvery, and its heartbeat follows its own period (6 h + 2 h grace), not the stop schedule', () => {
    // Act
    const expanded = withKeepStoppedSchedules({
      schedules: [rdsStop({ keepStoppedEvery: 'rate(12 hours)' })],
    });
    const companion = expanded.ok ? expanded.value.schedules[1] : undefined;

    // Assess
    expect(companion?.expression).toBe('rate(12 hours)');
    expect(heartbeatPeriodSeconds('rate(6 hours)')).toBe(8 * 3600);
  });

  it.each([
    [
      'an EC2 stop schedule',
      { request: { action: 'stop' as const } },
      'params.schedules[0].keepStopped',
      'only an RDS stop schedule (request task "rds", action "stop") can keep what it stopped stopped: RDS restarts a DB after 7 days stopped, EC2 does not; this request is task "ec2", action "stop". Drop keepStopped',
    ],
    [
      'an RDS start schedule',
      { request: { task: 'rds', action: 'start' as const } },
      'params.schedules[0].keepStopped',
      'only an RDS stop schedule (request task "rds", action "stop") can keep what it stopped stopped: RDS restarts a DB after 7 days stopped, EC2 does not; this request is task "rds", action "start". Drop keepStopped',
    ],
    [
      'a period longer than a day',
      { keepStoppedEvery: 'rate(2 days)' },
      'params.schedules[0].keepStoppedEvery',
      "is every 48 hours; at most every 24 hours, so RDS's restart event is still within the 48-hour lookback at the next firing",
    ],
    [
      'a cron period',
      { keepStoppedEvery: 'cron(0 * * * ? *)' },
      'params.schedules[0].keepStoppedEvery',
      'must be a rate(...) expression such as "rate(6 hours)"',
    ],
    [
      'keepStoppedEvery without keepStopped',
      { keepStopped: undefined, keepStoppedEvery: 'rate(6 hours)' },
      'params.schedules[0].keepStoppedEvery',
      'is only read with keepStopped: true; add keepStopped: true or drop keepStoppedEvery',
    ],
    [
      'a name with no room for the suffix',
      { name: 'a'.repeat(40) },
      'params.schedules[0].name',
      `keepStopped adds the schedule "${'a'.repeat(40)}-keep-stopped", over 48 characters; shorten the name to at most 35 characters`,
    ],
  ])('refuses keepStopped on %s, naming the field and the fix', (_what, extra, field, message) => {
    // Act
    const expanded = withKeepStoppedSchedules({ schedules: [rdsStop(extra as Partial<Schedule>)] });

    // Assess
    expect(expanded).toEqual({ ok: false, problems: [{ field, message }] });
  });

  it("does not copy the stop's confirmCount: the companion's count (what RDS restarted) is not known in advance, and a copied one would be refused by the guard", () => {
    // Prepare
    const stop = rdsStop({
      request: {
        task: 'rds',
        action: 'stop',
        targets: { accounts: ['222222222222'] },
        confirmCount: 12,
      },
    });

    // Act
    const expanded = withKeepStoppedSchedules({ schedules: [stop] });

    // Assess: the stop keeps its count, the companion has none.
    const [parent, companion] = expanded.ok ? expanded.value.schedules : [];
    expect(parent?.request).toMatchObject({ confirmCount: 12 });
    expect(companion?.request).toEqual({
      task: 'rds',
      action: 'stop',
      targets: { accounts: ['222222222222'] },
      onlyRestartedByAws: true,
    });
  });

  it('leaves a schedule without keepStopped alone', () => {
    // Act
    const expanded = withKeepStoppedSchedules({ schedules: [rdsStop({ keepStopped: undefined })] });

    // Assess
    expect(expanded.ok && expanded.value.schedules.map((s) => s.name)).toEqual(['nightly-db-stop']);
  });
});
