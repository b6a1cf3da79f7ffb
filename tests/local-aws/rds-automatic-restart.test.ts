import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  type RDSClient,
  StopDBClusterCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { failureOf } from './local-aws-fixture';
import { type RdsFixture, startRdsFixture } from './rds-fixture';

const HOUR_MS = 3600_000;
const SEVEN_DAYS_MS = 7 * 24 * HOUR_MS;
// Seed timeFactor 0.025 on RDS's typical 5-minute stop and 10-minute start; aurora-pg's own 8 and 20.
const STOP_MS = 5 * 60_000 * 0.025;
const START_MS = 10 * 60_000 * 0.025;
const AURORA_STOP_MS = 8 * 60_000 * 0.025;

const INSTANCE_RESTART =
  'DB instance is being started due to it exceeding the maximum allowed time being stopped.';
const CLUSTER_RESTART =
  'DB cluster is being started due to it exceeding the maximum allowed time being stopped.';

/** AWS starts a stopped DB instance or cluster by itself after 7 days (RDS API reference, StopDBInstance). */
describe('local-aws: RDS automatic start after 7 days stopped, and DescribeEvents', () => {
  let world: RdsFixture;
  let rds: RDSClient;

  beforeEach(async () => {
    world = await startRdsFixture({
      rules: { request: (check) => check.action.startsWith('rds:') },
      // The world clock moves weeks on: the assumed session must outlive it.
      settings: { sessionLifetimeOverrideSeconds: 30 * 24 * 3600 },
    });
    rds = world.rds;
  });

  afterEach(async () => {
    await world.fixture.stop();
  });

  const instanceStatus = async (id: string) =>
    (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0]
      ?.DBInstanceStatus;

  it('starts a stopped instance 7 days after its stop and says so with RDS-EVENT-0154, then it is available', async () => {
    // Prepare
    const stoppedAt = world.clock.now();
    await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'app-postgres' }));
    await world.fixture.aws.advanceClock(STOP_MS);

    // Act
    await world.fixture.aws.advanceClock(SEVEN_DAYS_MS - 1);
    const lastMoment = await instanceStatus('app-postgres');
    await world.fixture.aws.advanceClock(1);
    const restarted = await instanceStatus('app-postgres');
    await world.fixture.aws.advanceClock(START_MS);
    const available = await instanceStatus('app-postgres');
    const events = await rds.send(
      new DescribeEventsCommand({
        SourceType: 'db-instance',
        SourceIdentifier: 'app-postgres',
        StartTime: new Date(stoppedAt),
      }),
    );

    // Assess
    expect([lastMoment, restarted, available]).toEqual(['stopped', 'starting', 'available']);
    expect(
      events.Events?.map((event) => [event.Message, event.Date?.getTime(), event.EventCategories]),
    ).toEqual([
      ['DB instance stopped.', stoppedAt + STOP_MS, ['notification']],
      [INSTANCE_RESTART, stoppedAt + STOP_MS + SEVEN_DAYS_MS, ['notification']],
      ['DB instance started.', stoppedAt + STOP_MS + SEVEN_DAYS_MS + START_MS, ['notification']],
    ]);
    expect(events.Events?.[1]).toMatchObject({
      SourceIdentifier: 'app-postgres',
      SourceType: 'db-instance',
      SourceArn: 'arn:aws:rds:eu-west-1:222222222222:db:app-postgres',
    });
  });

  it('starts a stopped Aurora cluster and its instances after 7 days, with RDS-EVENT-0153', async () => {
    // Prepare
    await rds.send(new StopDBClusterCommand({ DBClusterIdentifier: 'aurora-pg' }));
    await world.fixture.aws.advanceClock(AURORA_STOP_MS);

    // Act
    await world.fixture.aws.advanceClock(SEVEN_DAYS_MS);
    const cluster = (
      await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'aurora-pg' }))
    ).DBClusters?.[0];
    const members = [
      await instanceStatus('aurora-pg-writer'),
      await instanceStatus('aurora-pg-reader'),
    ];
    const events = await rds.send(
      new DescribeEventsCommand({ SourceType: 'db-cluster', Duration: 10 }),
    );

    // Assess
    expect(cluster?.Status).toBe('starting');
    expect(cluster?.AutomaticRestartTime).toBeUndefined();
    expect(members).toEqual(['starting', 'starting']);
    expect(events.Events?.map((event) => [event.SourceIdentifier, event.Message])).toEqual([
      ['aurora-pg', CLUSTER_RESTART],
    ]);
  });

  it('records the automatic start of a seeded instance even when nobody looked at it', async () => {
    // Act: reports-mysql was stopped 167 hours before the world started.
    await world.fixture.aws.advanceClock(HOUR_MS);
    const events = await rds.send(new DescribeEventsCommand({}));

    // Assess: the default window is the last 60 minutes, and the start happened just now.
    expect(events.Events?.map((event) => [event.SourceIdentifier, event.Message])).toEqual([
      ['reports-mysql', INSTANCE_RESTART],
    ]);
    expect(await instanceStatus('reports-mysql')).toBe('starting');
  });

  it('looks back 60 minutes by default, Duration minutes when given, and 14 days at most', async () => {
    // Prepare: app-postgres stopped; its event is then 2 hours old.
    await rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'app-postgres' }));
    await world.fixture.aws.advanceClock(STOP_MS + 2 * HOUR_MS);

    // Act
    const ofAppPostgres = { SourceType: 'db-instance', SourceIdentifier: 'app-postgres' } as const;
    const byDefault = await rds.send(new DescribeEventsCommand(ofAppPostgres));
    const threeHours = await rds.send(
      new DescribeEventsCommand({ ...ofAppPostgres, Duration: 180 }),
    );
    await world.fixture.aws.advanceClock(15 * 24 * HOUR_MS);
    const fromTheStart = await rds.send(
      new DescribeEventsCommand({
        ...ofAppPostgres,
        StartTime: new Date(world.clock.now() - 16 * 24 * HOUR_MS),
      }),
    );

    // Assess
    expect(byDefault.Events).toEqual([]);
    expect(threeHours.Events?.map((event) => event.Message)).toEqual(['DB instance stopped.']);
    // 15 days later the stop is past RDS's 14 days; the automatic start 7 days after it is not.
    expect(fromTheStart.Events?.map((event) => event.Message)).toEqual([
      INSTANCE_RESTART,
      'DB instance started.',
    ]);
  });

  it('refuses a SourceIdentifier without SourceType, and an unknown SourceType', async () => {
    // Act
    const noType = await failureOf(
      rds.send(new DescribeEventsCommand({ SourceIdentifier: 'app-postgres' })),
    );
    const badType = await failureOf(
      rds.send(new DescribeEventsCommand({ SourceType: 'db-cluster-instance' as 'db-cluster' })),
    );

    // Assess
    expect([noType.name, noType.$metadata.httpStatusCode]).toEqual([
      'InvalidParameterCombination',
      400,
    ]);
    expect([badType.name, badType.$metadata.httpStatusCode]).toEqual([
      'InvalidParameterValue',
      400,
    ]);
  });
});
