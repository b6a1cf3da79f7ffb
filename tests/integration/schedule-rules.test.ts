/**
 * The schedule rules (handlers/core/resource-rules.ts, handlers/config/README.md) against the
 * local world over real HTTP: the snooze tag `xacct-ec2:snooze-until` and the runtime cap
 * `maxRunningHours`, for EC2 (LaunchTime: "the time that the instance was last launched", EC2 API
 * reference, Instance) and RDS (whose describes give no last-start time, so the cap skips it).
 * Scheduled runs arrive as EventBridge Scheduler delivers them to the function: the schedule's
 * wrapper around the request (handlers/signals/schedule-input.ts), and, once, as the packaged
 * schedule fires into the engine, whose Run Summary counts the snoozes.
 *
 * The next night: only Date is faked and moved a day on, so the function and the world's clock
 * (real time plus an offset) move together, as in resilience.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedInput } from '../../scripts/local-aws';
import { fakeDateOnly } from '../helpers/fake-date';
import { ACCOUNT_222, instanceOf, targetOf, useHarness } from './harness';

const HOUR = 3_600_000;
const WEEK_SECONDS = 7 * 24 * 3600;
const SNOOZE_KEY = 'xacct-ec2:snooze-until';
const WEB_1 = 'i-0222a000000000001';
const WEB_2 = 'i-0222a000000000002';
const DEV_DESKTOP = 'i-0222a000000000006';
const NIGHTLY_STOP = (request: Record<string, unknown>) => ({
  schedule: { name: 'weekday-evening-stop', scheduledTime: new Date(Date.now()).toISOString() },
  request: { action: 'stop', ...request },
});

interface SeedRegion {
  instances?: Array<{ instanceId: string; launchTime: string; tags: Record<string, string> }>;
  dbInstances?: Array<{ id: string; tags: Record<string, string> }>;
}

/** scripts/local-aws/seed.json with `edit` applied to 222222222222's eu-west-1. */
function seedWith(edit: (region: SeedRegion) => void): SeedInput {
  const seed = JSON.parse(
    readFileSync(join(__dirname, '../../scripts/local-aws/seed.json'), 'utf8'),
  ) as { accounts: Array<{ accountId: string; regions: Record<string, SeedRegion> }> };
  const region = seed.accounts.find((a) => a.accountId === ACCOUNT_222)?.regions['eu-west-1'];
  if (!region) throw new Error('the seed has no 222222222222 eu-west-1');
  edit(region);
  return seed as unknown as SeedInput;
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('schedule rules for EC2: the snooze across two nights', () => {
  const seededAt = Date.now();
  // Snoozed until three hours after the world starts: tonight's stop keeps it, tomorrow's stops it.
  const snoozeUntil = iso(seededAt + 3 * HOUR);
  const harness = useHarness({
    seed: seedWith((region) => {
      const desktop = region.instances?.find((i) => i.instanceId === DEV_DESKTOP);
      if (desktop) desktop.tags[SNOOZE_KEY] = snoozeUntil;
    }),
    settings: { homeSessionLifetimeSeconds: WEEK_SECONDS },
    resetBeforeEach: ['calls'],
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('keeps the snoozed instance running through tonight’s scheduled stop, skipped with its expiry', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke(NIGHTLY_STOP({}));

    // Assess
    expect(instanceOf(result, DEV_DESKTOP)).toEqual({
      id: DEV_DESKTOP,
      type: 'ec2:instance',
      currentState: 'running',
      outcome: 'skipped',
      reason: `snoozed until ${snoozeUntil} (${SNOOZE_KEY})`,
      snooze: { status: 'honoured', until: snoozeUntil },
    });
    expect(instanceOf(result, WEB_1)).toMatchObject({ outcome: 'changed' });
    expect(result.snoozes).toEqual({ honoured: 1, ignored: 0, expired: 0 });
    const world = harness.endpoint.aws.world.instance(DEV_DESKTOP);
    expect(world?.state).toBe('running');
  });

  it('stops it the night after its snooze expired, saying the snooze expired', async () => {
    // Prepare: the next night, 24 hours on, for the function and the world alike.
    fakeDateOnly(Date.now() + 24 * HOUR);
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke(NIGHTLY_STOP({}));

    // Assess
    expect(instanceOf(result, DEV_DESKTOP)).toMatchObject({
      outcome: 'changed',
      snooze: { status: 'expired', detail: `expired at ${snoozeUntil}` },
    });
    expect(result.snoozes).toEqual({ honoured: 0, ignored: 0, expired: 1 });
    expect(harness.calls({ action: 'StopInstances', outcome: 'OK' })).toBe(1);
  });
});

describe('schedule rules for EC2: the snooze through the schedule firing into the engine', () => {
  const DAY = 24 * HOUR;
  const seededAt = Date.now();
  // Four days on: after the next weekday-evening firing (at most three days away), before a later one.
  const snoozeUntil = iso(seededAt + 4 * DAY);
  const harness = useHarness({
    seed: seedWith((region) => {
      const desktop = region.instances?.find((i) => i.instanceId === DEV_DESKTOP);
      if (desktop) desktop.tags[SNOOZE_KEY] = snoozeUntil;
    }),
    settings: { homeSessionLifetimeSeconds: 2 * WEEK_SECONDS },
    startTimeoutMs: 240_000,
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** Moves Date (the function's and the world's clock) to the next firing, fires it, and returns its run's Run Summary. */
  async function fireNext(): Promise<Record<string, unknown> | undefined> {
    const { aws } = harness.endpoint;
    const next = aws.firing.nextFiring();
    if (!next) throw new Error('no schedule is due to fire');
    jest.setSystemTime(next.at.getTime());
    const [firing] = await aws.firing.fireDue();
    const started = (await firing?.invocation?.done)?.result as {
      name: string;
      executionArn: string;
    };
    await aws.executions.finished(started.executionArn);
    return aws.events
      .list()
      .filter((e) => e.detailType === 'Run Summary')
      .map((e) => e.detail as Record<string, unknown>)
      .find((d) => d.runId === started.name);
  }

  it('keeps it running through each nightly engine run until the snooze expires, then stops it; each Run Summary counts the snooze', async () => {
    // Prepare
    fakeDateOnly(Date.now());
    await harness.registerStarter();

    // Act: the first night, then every night until one falls after the snooze's end.
    const first = await fireNext();
    const during: Array<Record<string, unknown> | undefined> = [];
    let last = first;
    while (Date.now() <= Date.parse(snoozeUntil)) {
      expect(harness.endpoint.aws.world.instance(DEV_DESKTOP)?.state).toBe('running');
      last = await fireNext();
      during.push(last);
    }

    // Assess
    // (The seed's refused targets fail every nightly run; the snooze counts are what is asserted.)
    expect(first).toMatchObject({ snoozes: { honoured: 1, ignored: 0, expired: 0 } });
    expect(last).toMatchObject({ snoozes: { honoured: 0, ignored: 0, expired: 1 } });
    for (const night of during.slice(0, -1)) {
      expect(night).toMatchObject({ snoozes: { honoured: 1, ignored: 0, expired: 0 } });
    }
    expect(harness.endpoint.aws.world.instance(DEV_DESKTOP)?.state).toMatch(/^(stopping|stopped)$/);
  }, 120_000);
});

describe('schedule rules for EC2: the runtime cap', () => {
  const seededAt = Date.now();
  const harness = useHarness({
    seed: seedWith((region) => {
      for (const instance of region.instances ?? []) {
        if (instance.instanceId === WEB_1) instance.launchTime = iso(seededAt - 20 * HOUR);
        if (instance.instanceId === WEB_2) instance.launchTime = iso(seededAt - 2 * HOUR);
      }
    }),
  });

  it('stops only the instances running longer than maxRunningHours, each with its running time', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke({ action: 'stop', maxRunningHours: 12 });

    // Assess
    expect(instanceOf(result, WEB_1)).toMatchObject({ outcome: 'changed', runningHours: 20 });
    expect(instanceOf(result, WEB_2)).toEqual({
      id: WEB_2,
      type: 'ec2:instance',
      currentState: 'running',
      runningHours: 2,
      outcome: 'skipped',
      reason: `running 2 h since ${iso(seededAt - 2 * HOUR)}, within maxRunningHours 12`,
    });
    expect(harness.endpoint.aws.world.instance(WEB_2)?.state).toBe('running');
    for (const resource of targetOf(result, ACCOUNT_222, 'eu-west-1').resources) {
      if (resource.outcome === 'changed') expect(resource.runningHours).toBeGreaterThan(12);
    }
  });
});

describe('schedule rules for RDS: snooze and runtime cap', () => {
  const seededAt = Date.now();
  const snoozeUntil = iso(seededAt + 3 * HOUR);
  const harness = useHarness({
    seed: seedWith((region) => {
      const db = region.dbInstances?.find((d) => d.id === 'app-postgres');
      if (db) db.tags[SNOOZE_KEY] = snoozeUntil;
    }),
    settings: { homeSessionLifetimeSeconds: WEEK_SECONDS },
    resetBeforeEach: ['calls'],
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('skips every RDS resource under the runtime cap: RDS gives no start time', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke({ task: 'rds', action: 'stop', maxRunningHours: 1 });

    // Assess
    expect(instanceOf(result, 'app-postgres')).toMatchObject({
      outcome: 'skipped',
      reason:
        'maxRunningHours: task rds gives no start time for this resource (state available), so its running time is unknown',
    });
    expect(instanceOf(result, 'aurora-pg')).toMatchObject({
      outcome: 'skipped',
      reason:
        'maxRunningHours: task rds gives no start time for this resource (state available), so its running time is unknown',
    });
    expect(
      harness.calls({ action: 'StopDBInstance' }) + harness.calls({ action: 'StopDBCluster' }),
    ).toBe(0);
  });

  it('keeps a snoozed DB instance running through an on-demand stop with respectSnooze: true', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke({ task: 'rds', action: 'stop', respectSnooze: true });

    // Assess
    expect(instanceOf(result, 'app-postgres')).toMatchObject({
      type: 'rds:db',
      currentState: 'available',
      outcome: 'skipped',
      reason: `snoozed until ${snoozeUntil} (${SNOOZE_KEY})`,
      snooze: { status: 'honoured', until: snoozeUntil },
    });
    expect(instanceOf(result, 'aurora-pg')).toMatchObject({ outcome: 'changed' });
    expect(harness.calls({ action: 'StopDBInstance' })).toBe(0);
    expect(result.snoozes).toEqual({ honoured: 1, ignored: 0, expired: 0 });
  });

  it('stops it at the scheduled stop the night after its snooze expired', async () => {
    // Prepare
    fakeDateOnly(Date.now() + 24 * HOUR);
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke(NIGHTLY_STOP({ task: 'rds' }));

    // Assess
    expect(instanceOf(result, 'app-postgres')).toMatchObject({
      outcome: 'changed',
      currentState: 'stopping',
      snooze: { status: 'expired', detail: `expired at ${snoozeUntil}` },
    });
    expect(harness.calls({ action: 'StopDBInstance', outcome: 'OK' })).toBe(1);
  });
});
