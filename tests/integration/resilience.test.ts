/**
 * The SDK's own machinery against the local endpoint's faults: EC2 throttling and server errors
 * absorbed by the standard retry strategy, and an expired assumed-role session replaced before
 * it is used, so no call fails.
 */

import { fakeDateOnly } from '../helpers/fake-date';
import { ACCOUNT_222, ACCOUNT_333, useHarness } from './harness';

const EU_WEST_1 = { accounts: [ACCOUNT_222], regions: ['eu-west-1'] };
const ALLOWED = { accounts: [ACCOUNT_222, ACCOUNT_333] };

describe('instances handler against the local endpoint: throttling and server errors', () => {
  const harness = useHarness({ resetBeforeEach: ['faults', 'calls'] });

  it('completes a stop although StopInstances is throttled (RequestLimitExceeded), through SDK retries', async () => {
    // Prepare: one StopInstances token per account and region, back after 100 ms. Stopping with
    // hibernate sends two calls back to back (with and without Hibernate), so the second is throttled.
    harness.endpoint.aws.faults.update({
      throttling: true,
      buckets: { StopInstances: { capacity: 1, refillPerSecond: 10 } },
    });
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke({
      action: 'stop',
      hibernate: true,
      wait: true,
      targets: EU_WEST_1,
    });

    // Assess
    expect(result.summary).toMatchObject({ targetsFailed: 0, failed: 0 });
    expect(result.summary.changed).toBeGreaterThanOrEqual(2);
    expect(
      harness.calls({ action: 'StopInstances', outcome: 'RequestLimitExceeded' }),
    ).toBeGreaterThanOrEqual(1);
    expect(harness.calls({ action: 'StopInstances', outcome: 'OK' })).toBe(2);
  });

  it('reports every target although a third of the DescribeInstances calls fail with 5xx', async () => {
    // Prepare
    harness.endpoint.aws.faults.update({
      serverErrorRate: 0.35,
      randomSeed: 7,
      scope: { services: ['ec2'], actions: ['DescribeInstances'] },
    });
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke({ action: 'status', targets: ALLOWED });

    // Assess
    expect(result.summary).toMatchObject({ targets: 3, targetsFailed: 0 });
    const errors = harness.nonOkOutcomes();
    expect((errors.InternalError ?? 0) + (errors.ServiceUnavailable ?? 0)).toBeGreaterThanOrEqual(
      1,
    );
    expect(harness.calls({ action: 'DescribeInstances', outcome: 'OK' })).toBe(3);
  });
});

describe('instances handler against the local endpoint: an expired session', () => {
  const harness = useHarness();

  // Real timers again before the harness stops (afterEach runs before afterAll).
  afterEach(() => {
    jest.useRealTimers();
  });

  it('assumes the role again on a warm invocation once the session expired, and no call fails', async () => {
    // Prepare: freeze Date (only Date) so that the SDK in the function and the endpoint's world
    // clock (real time plus an offset) move together when time is advanced.
    fakeDateOnly(Date.now());
    harness.endpoint.aws.world.updateSettings({ sessionLifetimeOverrideSeconds: 900 });
    const fn = await harness.loadFunction();
    await fn.invoke({ action: 'status', targets: ALLOWED });
    const first = harness.endpoint.aws.world.sessions
      .all()
      .filter((s) => s.role.accountId !== harness.endpoint.seed.home.accountId);
    harness.endpoint.aws.calls.reset();

    // Act: 16 minutes later, the 15-minute sessions have expired on both sides.
    jest.setSystemTime(Date.now() + 16 * 60_000);
    const result = await fn.invoke({ action: 'status', targets: ALLOWED });

    // Assess
    expect(first).toHaveLength(2);
    for (const session of first) {
      expect(harness.endpoint.aws.world.sessions.isExpired(session)).toBe(true);
    }
    expect(result.summary).toMatchObject({ targets: 3, targetsFailed: 0, failed: 0 });
    expect(harness.calls({ action: 'AssumeRole', outcome: 'OK' })).toBe(2);
    expect(harness.nonOkOutcomes()).toEqual({});
  });
});
