/**
 * The RDS task's select, act and wait against the local endpoint's RDS (its seed world: an RDS
 * instance, a Multi-AZ SQL Server, a replica and its source, an Aurora cluster and its members,
 * an Aurora Serverless v1 cluster), through the real SDK client: every skip kind the seed holds
 * is reported with its reason, and only what RDS can stop is stopped.
 */
import { DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { actOnDatabases } from '../../handlers/tasks/rds/act';
import { selectDatabases } from '../../handlers/tasks/rds/select';
import { waitForFinalStates } from '../../handlers/tasks/rds/wait';
import { type RdsFixture, startRdsFixture } from './rds-fixture';

const CONTROL_TAG = { key: 'xacct-ec2:managed', value: 'local' };

describe('local-aws: the RDS task over the seed world', () => {
  let world: RdsFixture;

  beforeEach(async () => {
    world = await startRdsFixture();
  });

  afterEach(async () => {
    await world.fixture.stop();
  });

  it('selects what RDS can stop, skips every other kind with its reason, and stops the selected', async () => {
    // Act
    const selection = await selectDatabases(world.rds, { action: 'stop', controlTag: CONTROL_TAG });
    const acted = await actOnDatabases(world.rds, selection.selected, {
      action: 'stop',
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(selection.selected.map((s) => `${s.kind}/${s.id}`).sort()).toEqual([
      'cluster/aurora-pg',
      'db/app-postgres',
    ]);
    const reasons = Object.fromEntries(selection.skipped.map((s) => [s.id, s.reason ?? '']));
    expect(Object.keys(reasons).sort()).toEqual([
      'aurora-pg-reader',
      'aurora-pg-writer',
      'aurora-sls',
      'legacy-sqlserver',
      'orders-replica',
      'orders-source',
    ]);
    expect(reasons['aurora-pg-writer']).toMatch(/member of Aurora cluster "aurora-pg"/);
    expect(reasons['aurora-sls']).toMatch(/Aurora Serverless v1/);
    expect(reasons['legacy-sqlserver']).toMatch(/Multi-AZ RDS for SQL Server/);
    expect(reasons['orders-replica']).toMatch(/read replica of "orders-source"/);
    expect(reasons['orders-source']).toMatch(/has read replicas \(orders-replica\)/);
    // The untagged reports-mysql is not part of a selection without identifiers.
    expect(selection.foundIds).not.toContain('reports-mysql');
    expect(acted.map((r) => [r.id, r.type, r.outcome, r.currentState]).sort()).toEqual([
      ['app-postgres', 'rds:db', 'changed', 'stopping'],
      ['aurora-pg', 'rds:cluster', 'changed', 'stopping'],
    ]);
  });

  it('reports an untagged instance named by identifier as skipped, with the tag to add', async () => {
    // Act
    const selection = await selectDatabases(world.rds, {
      action: 'start',
      dbInstanceIdentifiers: ['reports-mysql'],
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(selection.selected).toEqual([]);
    expect(selection.skipped).toEqual([
      expect.objectContaining({
        id: 'reports-mysql',
        type: 'rds:db',
        outcome: 'skipped',
        reason: expect.stringContaining('not tagged xacct-ec2:managed=local'),
      }),
    ]);
  });

  it('waits for a stop to reach stopped on the world clock', async () => {
    // Prepare
    const [app] = (
      await selectDatabases(world.rds, {
        action: 'stop',
        dbInstanceIdentifiers: ['app-postgres'],
        controlTag: CONTROL_TAG,
      })
    ).selected;
    const acted = await actOnDatabases(world.rds, app ? [app] : [], {
      action: 'stop',
      controlTag: CONTROL_TAG,
    });

    // Act
    const waiting = waitForFinalStates(world.rds, 'stop', acted, {
      minDelaySeconds: 0.01,
      maxDelaySeconds: 0.02,
      maxWaitSeconds: 5,
    });
    // RDS's typical stop on the seed's time factor, then some.
    await world.fixture.aws.advanceClock(10 * 60_000);
    const [result] = await waiting;

    // Assess
    expect(result).toMatchObject({
      id: 'app-postgres',
      outcome: 'changed',
      currentState: 'stopped',
    });
    const described = await world.rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'app-postgres' }),
    );
    expect(described.DBInstances?.[0]?.DBInstanceStatus).toBe('stopped');
    const clusters = await world.rds.send(new DescribeDBClustersCommand({}));
    expect(clusters.DBClusters?.find((c) => c.DBClusterIdentifier === 'aurora-pg')?.Status).toBe(
      'available',
    );
  });
});
