import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  ListTagsForResourceCommand,
  paginateDescribeDBInstances,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { loadSeedFile, type SeedInput } from '../../scripts/local-aws';
import { failureOf } from './local-aws-fixture';
import { type RdsFixture, startRdsFixture } from './rds-fixture';

const EU_WEST_1_IDS = [
  'app-postgres',
  'reports-mysql',
  'legacy-sqlserver',
  'orders-source',
  'orders-replica',
  'aurora-pg-writer',
  'aurora-pg-reader',
];

describe('local-aws: RDS DescribeDBInstances / DescribeDBClusters / ListTagsForResource (SDK)', () => {
  let world: RdsFixture;
  let rds: RDSClient;

  beforeAll(async () => {
    world = await startRdsFixture();
    rds = world.rds;
  });

  afterAll(async () => {
    await world.fixture.stop();
  });

  it('lists the caller account and region DB instances in seed order, with TagList, status and engine', async () => {
    // Act
    const answer = await rds.send(new DescribeDBInstancesCommand({}));

    // Assess
    const instances = answer.DBInstances ?? [];
    expect(instances.map((db) => db.DBInstanceIdentifier)).toEqual(EU_WEST_1_IDS);
    expect(answer.Marker).toBeUndefined();
    const app = instances[0];
    expect(app).toMatchObject({
      DBInstanceStatus: 'available',
      Engine: 'postgres',
      EngineVersion: '16.4',
      MultiAZ: false,
      DBInstanceArn: 'arn:aws:rds:eu-west-1:222222222222:db:app-postgres',
      TagList: [
        { Key: 'Name', Value: 'app-db' },
        { Key: 'xacct-ec2:managed', Value: 'local' },
      ],
    });
    expect(app?.DbiResourceId).toMatch(/^db-[A-Z2-7]{26}$/);
    expect(app?.Endpoint?.Port).toBe(5432);
  });

  it('reports replication and cluster membership, and when a stopped instance will be started by AWS', async () => {
    // Act
    const answer = await rds.send(new DescribeDBInstancesCommand({}));

    // Assess
    const byId = new Map((answer.DBInstances ?? []).map((db) => [db.DBInstanceIdentifier, db]));
    expect(byId.get('orders-source')?.ReadReplicaDBInstanceIdentifiers).toEqual(['orders-replica']);
    expect(byId.get('orders-replica')?.ReadReplicaSourceDBInstanceIdentifier).toBe('orders-source');
    expect(byId.get('aurora-pg-reader')?.DBClusterIdentifier).toBe('aurora-pg');
    expect(byId.get('reports-mysql')?.TagList).toEqual([{ Key: 'Name', Value: 'reports-db' }]);
    // Stopped 167 hours before the world started: AWS starts it one hour after.
    const restart = byId.get('reports-mysql')?.AutomaticRestartTime?.getTime();
    expect(restart).toBe(world.clock.now() + 3600_000);
  });

  it('filters by engine, db-cluster-id and db-instance-id (name or ARN)', async () => {
    // Act
    const ids = async (filters: Array<{ Name: string; Values: string[] }>) =>
      (
        (await rds.send(new DescribeDBInstancesCommand({ Filters: filters }))).DBInstances ?? []
      ).map((db) => db.DBInstanceIdentifier);

    // Assess
    expect(await ids([{ Name: 'engine', Values: ['postgres'] }])).toEqual([
      'app-postgres',
      'orders-source',
      'orders-replica',
    ]);
    expect(await ids([{ Name: 'db-cluster-id', Values: ['aurora-pg'] }])).toEqual([
      'aurora-pg-writer',
      'aurora-pg-reader',
    ]);
    expect(
      await ids([
        {
          Name: 'db-instance-id',
          Values: ['arn:aws:rds:eu-west-1:222222222222:db:legacy-sqlserver', 'app-postgres'],
        },
      ]),
    ).toEqual(['app-postgres', 'legacy-sqlserver']);
  });

  it('refuses a filter RDS does not have (there is no tag filter: read TagList)', async () => {
    // Act
    const error = await failureOf(
      rds.send(
        new DescribeDBInstancesCommand({
          Filters: [{ Name: 'tag:xacct-ec2:managed', Values: ['local'] }],
        }),
      ),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidParameterValue', 400]);
    expect(error.message).toContain('tag:xacct-ec2:managed');
  });

  it.each([19, 101])(
    'refuses MaxRecords %i with InvalidParameterValue (20 to 100)',
    async (max) => {
      // Act
      const error = await failureOf(rds.send(new DescribeDBInstancesCommand({ MaxRecords: max })));

      // Assess
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
        'InvalidParameterValue',
        400,
        `Invalid value ${max} for MaxRecords. Must be between 20 and 100`,
      ]);
    },
  );

  it('answers DBInstanceNotFound (404) for a named instance the caller region does not hold', async () => {
    // Act
    const missing = await failureOf(
      rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'no-such-db' })),
    );
    // billing-postgres exists, but in 333333333333: a caller sees its own account only.
    const elsewhere = await failureOf(
      rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'billing-postgres' })),
    );

    // Assess
    expect([missing.name, missing.$metadata.httpStatusCode, missing.message]).toEqual([
      'DBInstanceNotFoundFault',
      404,
      'DBInstance no-such-db not found.',
    ]);
    expect(elsewhere.name).toBe('DBInstanceNotFoundFault');
  });

  it('lists Aurora (provisioned and Serverless v1) clusters with their members and tags', async () => {
    // Act
    const answer = await rds.send(new DescribeDBClustersCommand({}));

    // Assess
    const [aurora, serverless] = answer.DBClusters ?? [];
    expect(aurora).toMatchObject({
      DBClusterIdentifier: 'aurora-pg',
      Status: 'available',
      Engine: 'aurora-postgresql',
      EngineMode: 'provisioned',
      DBClusterArn: 'arn:aws:rds:eu-west-1:222222222222:cluster:aurora-pg',
      DBClusterMembers: [
        { DBInstanceIdentifier: 'aurora-pg-writer', IsClusterWriter: true },
        { DBInstanceIdentifier: 'aurora-pg-reader', IsClusterWriter: false },
      ],
      TagList: [
        { Key: 'Name', Value: 'aurora-app' },
        { Key: 'xacct-ec2:managed', Value: 'local' },
      ],
    });
    expect(serverless).toMatchObject({
      DBClusterIdentifier: 'aurora-sls',
      EngineMode: 'serverless',
    });
    expect(answer.DBClusters).toHaveLength(2);
  });

  it('names the global database of a member cluster (DBCluster.GlobalClusterIdentifier), and none for others', async () => {
    // Act
    const answer = await world.rdsIn('us-east-1').send(new DescribeDBClustersCommand({}));

    // Assess
    expect(
      answer.DBClusters?.map((c) => [c.DBClusterIdentifier, c.GlobalClusterIdentifier]),
    ).toEqual([
      ['catalog-docdb', undefined],
      ['orders-east', 'orders-global'],
    ]);
  });

  it('returns DocumentDB clusters through the same API, told apart by Engine', async () => {
    // Act
    const answer = await world
      .rdsIn('us-east-1')
      .send(new DescribeDBClustersCommand({ Filters: [{ Name: 'engine', Values: ['docdb'] }] }));

    // Assess
    expect(answer.DBClusters?.map((c) => [c.DBClusterIdentifier, c.Engine])).toEqual([
      ['catalog-docdb', 'docdb'],
    ]);
  });

  it('answers DBClusterNotFoundFault (404) for a cluster that does not exist', async () => {
    // Act
    const error = await failureOf(
      rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'no-such-cluster' })),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'DBClusterNotFoundFault',
      404,
      'DBCluster no-such-cluster not found.',
    ]);
  });

  it('lists the tags of an instance and of a cluster by ARN', async () => {
    // Act
    const instance = await rds.send(
      new ListTagsForResourceCommand({
        ResourceName: 'arn:aws:rds:eu-west-1:222222222222:db:reports-mysql',
      }),
    );
    const cluster = await rds.send(
      new ListTagsForResourceCommand({
        ResourceName: 'arn:aws:rds:eu-west-1:222222222222:cluster:aurora-sls',
      }),
    );

    // Assess
    expect(instance.TagList).toEqual([{ Key: 'Name', Value: 'reports-db' }]);
    expect(cluster.TagList).toEqual([{ Key: 'xacct-ec2:managed', Value: 'local' }]);
  });
});

describe('local-aws: RDS paging with MaxRecords and Marker (SDK paginator)', () => {
  let world: RdsFixture;

  beforeAll(async () => {
    // Prepare: 45 more instances in 222222222222 eu-west-1, so pages of 20 need three calls.
    const seed = structuredClone(loadSeedFile()) as SeedInput;
    const place = seed.accounts.find((a) => a.accountId === '222222222222')?.regions?.['eu-west-1'];
    if (!place) throw new Error('seed has no 222222222222 eu-west-1');
    place.dbInstances = [
      ...(place.dbInstances ?? []),
      ...Array.from({ length: 45 }, (_, index) => ({
        id: `bulk-${String(index).padStart(2, '0')}`,
        engine: 'mysql',
        engineVersion: '8.0.39',
        status: 'available' as const,
        availabilityZone: 'eu-west-1a',
        createTime: '2026-01-05T08:00:00.000Z',
      })),
    ];
    world = await startRdsFixture({ seed });
  });

  afterAll(async () => {
    await world.fixture.stop();
  });

  it('walks every page of 20 with the SDK paginator, each instance once', async () => {
    // Act
    const pages: string[][] = [];
    for await (const page of paginateDescribeDBInstances({ client: world.rds, pageSize: 20 }, {})) {
      pages.push((page.DBInstances ?? []).map((db) => db.DBInstanceIdentifier ?? ''));
    }

    // Assess
    expect(pages.map((page) => page.length)).toEqual([20, 20, 12]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(52);
    expect(all.slice(0, 7)).toEqual(EU_WEST_1_IDS);
  });

  it('refuses a Marker made for another query', async () => {
    // Prepare
    const first = await world.rds.send(new DescribeDBInstancesCommand({ MaxRecords: 20 }));

    // Act
    const error = await failureOf(
      world.rds.send(
        new DescribeDBInstancesCommand({
          MaxRecords: 20,
          Marker: first.Marker,
          Filters: [{ Name: 'engine', Values: ['mysql'] }],
        }),
      ),
    );

    // Assess
    expect(first.Marker).toEqual(expect.any(String));
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['InvalidParameterValue', 400]);
  });

  it('pages DescribeEvents with a Marker that stays valid while the default window moves on', async () => {
    // Prepare: 25 instances stop; each raises "DB instance stopped." when its stop ends.
    const rdsWorld = world.fixture.aws.world.rds;
    for (let index = 0; index < 25; index += 1) {
      rdsWorld.beginInstanceStop(
        '222222222222',
        'eu-west-1',
        `bulk-${String(index).padStart(2, '0')}`,
      );
    }
    await world.fixture.aws.advanceClock(5 * 60_000 * 0.025);

    // Act
    const first = await world.rds.send(new DescribeEventsCommand({ MaxRecords: 20 }));
    await world.fixture.aws.advanceClock(1);
    const second = await world.rds.send(
      new DescribeEventsCommand({ MaxRecords: 20, Marker: first.Marker }),
    );

    // Assess
    expect([first.Events?.length, second.Events?.length, second.Marker]).toEqual([
      20,
      5,
      undefined,
    ]);
    const ids = [...(first.Events ?? []), ...(second.Events ?? [])].map((e) => e.SourceIdentifier);
    expect(new Set(ids).size).toBe(25);
  });
});
