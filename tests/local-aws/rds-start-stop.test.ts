import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type RDSClient,
  StartDBClusterCommand,
  StartDBInstanceCommand,
  StopDBClusterCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { failureOf } from './local-aws-fixture';
import { type RdsFixture, startRdsFixture } from './rds-fixture';

// Seed timeFactor 0.025: RDS's typical 5-minute stop takes 7.5 s on the world clock.
const STOP_MS = 5 * 60_000 * 0.025;

const SEVEN_DAYS_MS = 7 * 24 * 3600_000;

describe('local-aws: RDS StartDBInstance / StopDBInstance (SDK)', () => {
  let world: RdsFixture;
  let rds: RDSClient;

  beforeEach(async () => {
    world = await startRdsFixture();
    rds = world.rds;
  });

  afterEach(async () => {
    await world.fixture.stop();
  });

  const statusOf = async (id: string, client = rds) =>
    (await client.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })))
      .DBInstances?.[0]?.DBInstanceStatus;

  it('stops an available instance: stopping, then stopped after its stop time, with the 7-day restart time', async () => {
    // Act
    const answer = await rds.send(
      new StopDBInstanceCommand({ DBInstanceIdentifier: 'app-postgres' }),
    );
    await world.fixture.aws.advanceClock(STOP_MS - 1);
    const justBefore = await statusOf('app-postgres');
    await world.fixture.aws.advanceClock(1);
    const after = await rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'app-postgres' }),
    );

    // Assess
    expect(answer.DBInstance?.DBInstanceStatus).toBe('stopping');
    expect(justBefore).toBe('stopping');
    const db = after.DBInstances?.[0];
    expect(db?.DBInstanceStatus).toBe('stopped');
    expect(db?.AutomaticRestartTime?.getTime()).toBe(world.clock.now() + SEVEN_DAYS_MS);
  });

  it('answers InvalidDBInstanceState for a stop of an instance that is not available, and for a start of one not stopped', async () => {
    // Prepare
    await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'app-postgres' }));

    // Act
    const stopStopping = await failureOf(
      rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'app-postgres' })),
    );
    const startAvailable = await failureOf(
      rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: 'app-postgres' })),
    );

    // Assess
    expect([
      stopStopping.name,
      stopStopping.$metadata.httpStatusCode,
      stopStopping.message,
    ]).toEqual([
      'InvalidDBInstanceStateFault',
      400,
      'Instance app-postgres is not in available state.',
    ]);
    expect([startAvailable.name, startAvailable.$metadata.httpStatusCode]).toEqual([
      'InvalidDBInstanceStateFault',
      400,
    ]);
  });

  it('says plainly that it takes no snapshot when a stop asks for one, and stops nothing', async () => {
    // Act
    const error = await failureOf(
      rds.send(
        new StopDBInstanceCommand({
          DBInstanceIdentifier: 'app-postgres',
          DBSnapshotIdentifier: 'before-stop',
        }),
      ),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'UnsupportedOperation',
      400,
      'The local endpoint does not take snapshots: stop without DBSnapshotIdentifier.',
    ]);
    expect(await statusOf('app-postgres')).toBe('available');
  });

  it('refuses an Aurora member instance with InvalidParameterCombination, as RDS does', async () => {
    // Act
    const error = await failureOf(
      rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'aurora-pg-reader' })),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'InvalidParameterCombination',
      400,
      'aurora-postgresql DB instances are not eligible for stopping and starting.',
    ]);
    expect(await statusOf('aurora-pg-reader')).toBe('available');
  });

  it.each([
    ['orders-replica', 'InvalidDBInstanceStateFault', 'a read replica'],
    ['orders-source', 'InvalidDBInstanceStateFault', 'the source of a read replica'],
    ['legacy-sqlserver', 'InvalidParameterCombination', 'Multi-AZ SQL Server'],
  ])('refuses to stop %s (%s: %s) and leaves it available', async (id, code) => {
    // Act
    const error = await failureOf(
      rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: id })),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode]).toEqual([code, 400]);
    expect(await statusOf(id)).toBe('available');
  });

  it('refuses a missing instance under the tag-scoped rule with AccessDenied: it has no tags to match', async () => {
    // Act
    const error = await failureOf(
      rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'no-such-db' })),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
  });

  it('refuses an untagged instance under the tag-scoped rule with AccessDenied (403), before its status', async () => {
    // Act: reports-mysql is stopped and untagged; the rule allows start/stop on tagged ones only.
    const error = await failureOf(
      rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: 'reports-mysql' })),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(error.message).toContain(
      'is not authorized to perform: rds:StartDBInstance on resource: arn:aws:rds:eu-west-1:222222222222:db:reports-mysql',
    );
    // The decision saw the resource's ARN and the RDS tag keys.
    const check = world.fixture.authorizer.requestChecks.at(-1);
    expect(check).toMatchObject({
      action: 'rds:StartDBInstance',
      resourceArn: 'arn:aws:rds:eu-west-1:222222222222:db:reports-mysql',
      resourceTags: { Name: 'reports-db' },
      context: { 'rds:db-tag/Name': 'reports-db' },
    });
  });
});

describe('local-aws: RDS StartDBCluster / StopDBCluster (SDK)', () => {
  let world: RdsFixture;
  let rds: RDSClient;

  beforeEach(async () => {
    world = await startRdsFixture();
    rds = world.rds;
  });

  afterEach(async () => {
    await world.fixture.stop();
  });

  const clusterStatus = async () =>
    (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'aurora-pg' })))
      .DBClusters?.[0]?.Status;
  const memberStatuses = async () =>
    (
      (
        await rds.send(
          new DescribeDBInstancesCommand({
            Filters: [{ Name: 'db-cluster-id', Values: ['aurora-pg'] }],
          }),
        )
      ).DBInstances ?? []
    ).map((db) => db.DBInstanceStatus);

  it('stops the cluster and its member instances together, then starts them together', async () => {
    // Act: aurora-pg stops in 8 minutes and starts in 20 (its own times in the seed).
    const stop = await rds.send(new StopDBClusterCommand({ DBClusterIdentifier: 'aurora-pg' }));
    const whileStopping = [await clusterStatus(), ...(await memberStatuses())];
    await world.fixture.aws.advanceClock(8 * 60_000 * 0.025);
    const stopped = [await clusterStatus(), ...(await memberStatuses())];
    const start = await rds.send(new StartDBClusterCommand({ DBClusterIdentifier: 'aurora-pg' }));
    const whileStarting = [await clusterStatus(), ...(await memberStatuses())];
    await world.fixture.aws.advanceClock(20 * 60_000 * 0.025);
    const available = [await clusterStatus(), ...(await memberStatuses())];

    // Assess
    expect(stop.DBCluster?.Status).toBe('stopping');
    expect(whileStopping).toEqual(['stopping', 'stopping', 'stopping']);
    expect(stopped).toEqual(['stopped', 'stopped', 'stopped']);
    expect(start.DBCluster?.Status).toBe('starting');
    expect(whileStarting).toEqual(['starting', 'starting', 'starting']);
    expect(available).toEqual(['available', 'available', 'available']);
  });

  it('answers InvalidDBClusterStateFault for a stop of a stopping cluster', async () => {
    // Prepare
    await rds.send(new StopDBClusterCommand({ DBClusterIdentifier: 'aurora-pg' }));

    // Act
    const error = await failureOf(
      rds.send(new StopDBClusterCommand({ DBClusterIdentifier: 'aurora-pg' })),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'InvalidDBClusterStateFault',
      400,
      'DbCluster aurora-pg is in stopping state but expected it to be one of available.',
    ]);
  });

  it('refuses Aurora Serverless v1 and a global database member', async () => {
    // Act
    const serverless = await failureOf(
      rds.send(new StopDBClusterCommand({ DBClusterIdentifier: 'aurora-sls' })),
    );
    const global = await failureOf(
      world
        .rdsIn('us-east-1')
        .send(new StopDBClusterCommand({ DBClusterIdentifier: 'orders-east' })),
    );

    // Assess
    expect([serverless.name, serverless.$metadata.httpStatusCode]).toEqual([
      'InvalidDBClusterStateFault',
      400,
    ]);
    expect([global.name, global.$metadata.httpStatusCode]).toEqual([
      'InvalidDBClusterStateFault',
      400,
    ]);
  });

  it('stops a DocumentDB cluster through the same API', async () => {
    // Act
    const answer = await world
      .rdsIn('us-east-1')
      .send(new StopDBClusterCommand({ DBClusterIdentifier: 'catalog-docdb' }));

    // Assess
    expect([answer.DBCluster?.Engine, answer.DBCluster?.Status]).toEqual(['docdb', 'stopping']);
  });
});

describe('local-aws: RDS start/stop under a policy that allows any DB', () => {
  let world: RdsFixture;

  beforeAll(async () => {
    world = await startRdsFixture({
      rules: { request: (check) => check.action.startsWith('rds:') },
    });
  });

  afterAll(async () => {
    await world.fixture.stop();
  });

  it('starts an untagged stopped instance: starting, then available after its own start time (75 min)', async () => {
    // Act
    const statusOf = async () =>
      (
        await world.rds.send(
          new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'reports-mysql' }),
        )
      ).DBInstances?.[0]?.DBInstanceStatus;
    const answer = await world.rds.send(
      new StartDBInstanceCommand({ DBInstanceIdentifier: 'reports-mysql' }),
    );
    await world.fixture.aws.advanceClock(75 * 60_000 * 0.025 - 1);
    const justBefore = await statusOf();
    await world.fixture.aws.advanceClock(1);

    // Assess
    expect(answer.DBInstance?.DBInstanceStatus).toBe('starting');
    expect(justBefore).toBe('starting');
    expect(await statusOf()).toBe('available');
  });

  it('answers DBInstanceNotFound (404) for an instance that does not exist', async () => {
    // Act
    const error = await failureOf(
      world.rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'no-such-db' })),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'DBInstanceNotFoundFault',
      404,
      'DBInstance no-such-db not found.',
    ]);
  });

  it('answers DBClusterNotFoundFault (404) for a cluster that does not exist', async () => {
    // Act
    const error = await failureOf(
      world.rds.send(new StartDBClusterCommand({ DBClusterIdentifier: 'no-such-cluster' })),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'DBClusterNotFoundFault',
      404,
      'DBCluster no-such-cluster not found.',
    ]);
  });
});
