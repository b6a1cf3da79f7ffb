import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand, StopDBInstanceCommand } from '@aws-sdk/client-rds';
import { failureOf } from './local-aws-fixture';
import { type RdsFixture, startRdsFixture } from './rds-fixture';

describe('local-aws: RDS fault injection and throttling, like EC2', () => {
  let world: RdsFixture | undefined;

  afterEach(async () => {
    await world?.fixture.stop();
    world = undefined;
  });

  it('answers injected server errors in RDS’s shape when the fault scope names rds, and leaves EC2 alone', async () => {
    // Prepare
    world = await startRdsFixture({ faults: { serverErrorRate: 1, scope: { services: ['rds'] } } });
    const ec2 = world.fixture.ec2(await world.fixture.assume('222222222222'), 'eu-west-1');
    const { rds } = world;

    // Act
    const errors = await Promise.all(
      [1, 2, 3, 4].map(() => failureOf(rds.send(new DescribeDBInstancesCommand({})))),
    );
    const ec2Answer = await ec2.send(new DescribeInstancesCommand({}));

    // Assess
    for (const error of errors) {
      expect(['InternalFailure', 'ServiceUnavailable']).toContain(error.name);
      expect([500, 503]).toContain(error.$metadata.httpStatusCode);
      expect(error.$fault).toBe('server');
    }
    expect(ec2Answer.Reservations?.length).toBeGreaterThan(0);
  });

  it('throttles with Throttling (400) once the account and region bucket is empty, and lets calls through again once it refills', async () => {
    // Prepare: one token, refilled one per second of the world clock.
    world = await startRdsFixture({
      faults: { buckets: { 'rds:requests': { capacity: 1, refillPerSecond: 1 } } },
    });
    // assume() itself is STS: the RDS bucket is still full.
    const { rds } = world;

    // Act
    await rds.send(new DescribeDBInstancesCommand({}));
    const throttled = await failureOf(
      rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'app-postgres' })),
    );
    await world.fixture.aws.advanceClock(1000);
    const afterRefill = await rds.send(
      new StopDBInstanceCommand({ DBInstanceIdentifier: 'app-postgres' }),
    );

    // Assess
    expect([throttled.name, throttled.$metadata.httpStatusCode, throttled.message]).toEqual([
      'Throttling',
      400,
      'Rate exceeded',
    ]);
    expect(afterRefill.DBInstance?.DBInstanceStatus).toBe('stopping');
    expect(world.fixture.aws.calls.count({ service: 'rds', outcome: 'Throttling' })).toBe(1);
  });
});
