import { DescribeInstancesCommand, StartInstancesCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  ConfiguredRetryStrategy,
  isServerError,
  isThrottlingError,
  isTransientError,
} from '@smithy/core/retry';
import { type ManualClock, TravelClock } from '../../scripts/local-aws';
import { type Fixture, failureOf, startFixture } from './local-aws-fixture';

const WEB_1 = 'i-0222a000000000001';
const BATCH_1 = 'i-0222a000000000003';

describe('local-aws: EC2 token buckets', () => {
  let fixture: Fixture;

  afterEach(async () => {
    await fixture.stop();
  });

  it('empties the StartInstances request bucket after 5 calls and refills it at 2 per second', async () => {
    // Prepare
    fixture = await startFixture();
    const ec2 = fixture.ec2(await fixture.assume('222222222222'));
    const start = () => ec2.send(new StartInstancesCommand({ InstanceIds: [WEB_1] }));
    for (let call = 0; call < 5; call += 1) await start();

    // Act
    const throttled = await failureOf(start());
    (fixture.clock as ManualClock).advance(500);
    const afterRefill = await start();

    // Assess
    expect([throttled.name, throttled.$metadata.httpStatusCode, throttled.message]).toEqual([
      'RequestLimitExceeded',
      503,
      'Request limit exceeded.',
    ]);
    expect(isThrottlingError(throttled as never)).toBe(true);
    expect(afterRefill.$metadata.httpStatusCode).toBe(200);
    expect(
      fixture.aws.calls.list().find((entry) => entry.action === 'StartInstances')?.outcomes,
    ).toEqual({
      OK: 6,
      RequestLimitExceeded: 1,
    });
  });

  it('lets the SDK standard retry absorb throttling once the bucket refills in real time', async () => {
    // Prepare
    fixture = await startFixture({ clock: new TravelClock() });
    const ec2 = fixture.ec2(await fixture.assume('222222222222'), undefined, {
      // Standard strategy with a fixed 600 ms backoff: the bucket refills one token per 500 ms.
      retryStrategy: new ConfiguredRetryStrategy(3, 600),
    });
    for (let call = 0; call < 5; call += 1)
      await ec2.send(new StartInstancesCommand({ InstanceIds: [WEB_1] }));

    // Act
    const answer = await ec2.send(new StartInstancesCommand({ InstanceIds: [WEB_1] }));

    // Assess
    expect(answer.$metadata.attempts).toBe(2);
    expect(
      fixture.aws.calls.count({ action: 'StartInstances', outcome: 'RequestLimitExceeded' }),
    ).toBe(1);
  });

  it('counts instances against the resource bucket', async () => {
    // Prepare
    fixture = await startFixture({
      faults: { buckets: { 'StartInstances:instances': { capacity: 1, refillPerSecond: 0 } } },
    });
    const ec2 = fixture.ec2(await fixture.assume('222222222222'));

    // Act
    const error = await failureOf(
      ec2.send(new StartInstancesCommand({ InstanceIds: [WEB_1, BATCH_1] })),
    );

    // Assess
    expect(error.name).toBe('RequestLimitExceeded');
    expect(fixture.aws.world.instance(BATCH_1)?.state).toBe('stopped');
  });

  it('keeps separate buckets per account and region', async () => {
    // Prepare
    fixture = await startFixture({
      faults: { buckets: { DescribeInstances: { capacity: 1, refillPerSecond: 0 } } },
    });
    const credentials = await fixture.assume('222222222222');
    const describe = (region: string) =>
      fixture.ec2(credentials, region).send(new DescribeInstancesCommand({ MaxResults: 5 }));
    await describe('eu-west-1');

    // Act
    const sameRegion = await failureOf(describe('eu-west-1'));
    const otherRegion = await describe('us-east-1');

    // Assess
    expect(sameRegion.name).toBe('RequestLimitExceeded');
    expect(otherRegion.$metadata.httpStatusCode).toBe(200);
  });

  it('can be switched off', async () => {
    // Prepare
    fixture = await startFixture({ faults: { throttling: false } });
    const ec2 = fixture.ec2(await fixture.assume('222222222222'));

    // Act
    for (let call = 0; call < 8; call += 1)
      await ec2.send(new StartInstancesCommand({ InstanceIds: [WEB_1] }));

    // Assess
    expect(fixture.aws.calls.count({ action: 'StartInstances', outcome: 'OK' })).toBe(8);
  });
});

describe('local-aws: injected faults', () => {
  let fixture: Fixture;

  afterEach(async () => {
    await fixture.stop();
  });

  it('answers InternalError (500) or ServiceUnavailable (503) at the configured rate, which the SDK classes as retryable', async () => {
    // Prepare
    fixture = await startFixture({ faults: { serverErrorRate: 1, scope: { services: ['ec2'] } } });
    const ec2 = fixture.ec2(fixture.aws.homeCredentials);

    // Act
    const errors = [];
    for (let call = 0; call < 6; call += 1)
      errors.push(await failureOf(ec2.send(new DescribeInstancesCommand({}))));

    // Assess
    const seen = new Set(errors.map((error) => `${error.name} ${error.$metadata.httpStatusCode}`));
    expect(seen).toEqual(new Set(['InternalError 500', 'ServiceUnavailable 503']));
    for (const error of errors) {
      expect(error.$fault).toBe('server');
      expect(isServerError(error as never) || isTransientError(error as never)).toBe(true);
    }
  });

  it('answers STS calls with InternalFailure (500) or ServiceUnavailable (503) in the STS error shape', async () => {
    // Prepare
    fixture = await startFixture({ faults: { serverErrorRate: 1, scope: { services: ['sts'] } } });

    // Act
    const errors = [];
    for (let call = 0; call < 6; call += 1)
      errors.push(await failureOf(fixture.sts().send(new GetCallerIdentityCommand({}))));

    // Assess
    const seen = new Set(errors.map((error) => `${error.name} ${error.$metadata.httpStatusCode}`));
    expect(seen).toEqual(new Set(['InternalFailure 500', 'ServiceUnavailable 503']));
  });

  it('lets the SDK standard retry absorb injected server errors', async () => {
    // Prepare
    fixture = await startFixture({
      faults: { serverErrorRate: 0.5, randomSeed: 3, scope: { services: ['ec2'] } },
    });
    const ec2 = fixture.ec2(fixture.aws.homeCredentials, undefined, {
      retryStrategy: new ConfiguredRetryStrategy(5, 10),
    });

    // Act
    const attempts = [];
    for (let call = 0; call < 8; call += 1)
      attempts.push((await ec2.send(new DescribeInstancesCommand({}))).$metadata.attempts);

    // Assess
    expect(attempts.some((count) => (count ?? 1) > 1)).toBe(true);
    expect(fixture.aws.calls.count({ action: 'DescribeInstances', outcome: 'OK' })).toBe(8);
  });

  it('draws the same faults from the same seed', async () => {
    // Prepare
    const runOnce = async () => {
      const run = await startFixture({ faults: { serverErrorRate: 0.5, randomSeed: 7 } });
      const ec2 = run.ec2(run.aws.homeCredentials);
      const outcomes: string[] = [];
      for (let call = 0; call < 12; call += 1) {
        outcomes.push(
          await ec2.send(new DescribeInstancesCommand({})).then(
            () => 'OK',
            (error: Error) => error.name,
          ),
        );
      }
      await run.stop();
      return outcomes;
    };

    // Act
    const first = await runOnce();
    const second = await runOnce();
    fixture = await startFixture();

    // Assess
    expect(second).toEqual(first);
    expect(first).toContain('OK');
    expect(first.some((outcome) => outcome !== 'OK')).toBe(true);
  });

  it('throttles STS with Throttling "Rate exceeded" (400)', async () => {
    // Prepare
    fixture = await startFixture({ faults: { stsThrottleRate: 1 } });

    // Act
    const error = await failureOf(fixture.sts().send(new GetCallerIdentityCommand({})));

    // Assess
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'Throttling',
      400,
      'Rate exceeded',
    ]);
    expect(isThrottlingError(error as never)).toBe(true);
  });

  it('adds the configured latency to each call', async () => {
    // Prepare
    fixture = await startFixture({ faults: { latencyMs: 120 } });
    const started = Date.now();

    // Act
    await fixture.sts().send(new GetCallerIdentityCommand({}));

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
  });

  it('limits faults to a scope', async () => {
    // Prepare
    fixture = await startFixture({
      faults: { serverErrorRate: 1, scope: { accounts: ['222222222222'] } },
    });

    // Act
    const home = await fixture
      .ec2(fixture.aws.homeCredentials)
      .send(new DescribeInstancesCommand({}));

    // Assess
    expect(home.$metadata.httpStatusCode).toBe(200);
  });
});
