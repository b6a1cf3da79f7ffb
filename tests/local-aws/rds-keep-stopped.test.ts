/**
 * RDS stays stopped, in the local world: the stop schedule stops a DB instance and an Aurora
 * cluster; a person starts the cluster again; 7 days later RDS starts the instance by itself
 * (RDS-EVENT-0154, RDS User Guide event table); the keep-stopped companion's run
 * (onlyRestartedByAws) stops the instance again and leaves the person's cluster running.
 */
import { DescribeDBInstancesCommand, StartDBClusterCommand } from '@aws-sdk/client-rds';
import { NOT_RESTARTED_BY_AWS } from '../../handlers/tasks/rds/restarted-by-aws';
import { rdsTask } from '../../handlers/tasks/rds/task';
import { type RdsFixture, startRdsFixture } from './rds-fixture';

const CONTROL_TAG = { key: 'xacct-ec2:managed', value: 'local' };
const context = { controlTag: CONTROL_TAG, timeLeftMillis: () => 600_000 };
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
// Seed timeFactor 0.025: stops and starts take minutes of world time; an hour covers each.
const stopRequest = (extra: Record<string, unknown> = {}) => ({
  task: 'rds',
  action: 'stop' as const,
  targets: [],
  dryRun: false,
  wait: false,
  ...extra,
});

describe('local-aws: an RDS stop schedule with keepStopped', () => {
  let world: RdsFixture;

  beforeEach(async () => {
    world = await startRdsFixture({
      rules: { request: (check) => check.action.startsWith('rds:') },
      settings: { sessionLifetimeOverrideSeconds: 30 * 24 * 3600 },
    });
  });

  afterEach(async () => {
    await world.fixture.stop();
  });

  it('stops again the DB RDS restarted after 7 days, and leaves the one a person started running', async () => {
    // Prepare: the stop schedule's run.
    const stop = await rdsTask.select(world.rds, stopRequest(), context);
    await rdsTask.act(world.rds, stop.selected, stopRequest(), context);
    await world.fixture.aws.advanceClock(HOUR_MS);
    // A person starts the cluster three days later.
    await world.fixture.aws.advanceClock(3 * DAY_MS);
    await world.rds.send(new StartDBClusterCommand({ DBClusterIdentifier: 'aurora-pg' }));
    // RDS starts the instance by itself 7 days after its stop; an hour later it is available.
    await world.fixture.aws.advanceClock(4 * DAY_MS);

    // Act: the companion's run.
    const companion = await rdsTask.select(
      world.rds,
      stopRequest({ onlyRestartedByAws: true }),
      context,
    );
    const acted = await rdsTask.act(
      world.rds,
      companion.selected,
      stopRequest({ onlyRestartedByAws: true }),
      context,
    );

    // Assess
    expect(stop.selected.map((s) => `${s.kind}/${s.id}`).sort()).toEqual([
      'cluster/aurora-pg',
      'db/app-postgres',
    ]);
    expect(companion.selected.map((s) => `${s.kind}/${s.id}`)).toEqual(['db/app-postgres']);
    expect(companion.skipped.find((s) => s.id === 'aurora-pg')).toEqual({
      id: 'aurora-pg',
      type: 'rds:cluster',
      currentState: 'available',
      outcome: 'skipped',
      reason: NOT_RESTARTED_BY_AWS,
    });
    expect(acted.map((r) => [r.id, r.outcome, r.currentState])).toEqual([
      ['app-postgres', 'changed', 'stopping'],
    ]);
    const status = (
      await world.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'app-postgres' }))
    ).DBInstances?.[0]?.DBInstanceStatus;
    expect(status).toBe('stopping');
  });
});
