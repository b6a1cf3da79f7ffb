import { StopDBInstanceCommand } from '@aws-sdk/client-rds';
import { type RdsFixture, startRdsFixture } from './rds-fixture';

describe('local-aws: GET /_local/state shows RDS', () => {
  let world: RdsFixture;

  beforeAll(async () => {
    world = await startRdsFixture();
  });

  afterAll(async () => {
    await world.fixture.stop();
  });

  it('lists each account and region’s DB instances, clusters and RDS events as they are now', async () => {
    // Prepare
    await world.rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: 'app-postgres' }));
    await world.fixture.aws.advanceClock(5 * 60_000 * 0.025);

    // Act
    const response = await fetch(`${world.fixture.aws.url}/_local/state`, {
      headers: { 'x-local-aws-admin': '1' },
    });
    const state = (await response.json()) as {
      accounts: Array<{
        accountId: string;
        rds: Record<
          string,
          {
            dbInstances: Array<{ id: string; status: string; automaticRestartTime: string | null }>;
            dbClusters: Array<{ id: string; status: string }>;
            events: Array<{ sourceId: string; eventId: string; message: string }>;
          }
        >;
      }>;
    };

    // Assess
    const place = state.accounts.find((a) => a.accountId === '222222222222')?.rds['eu-west-1'];
    expect(place?.dbInstances.find((db) => db.id === 'app-postgres')).toMatchObject({
      status: 'stopped',
      automaticRestartTime: new Date(world.clock.now() + 7 * 24 * 3600_000).toISOString(),
    });
    expect(place?.dbClusters.map((c) => [c.id, c.status])).toEqual([
      ['aurora-pg', 'available'],
      ['aurora-sls', 'available'],
    ]);
    expect(place?.events).toEqual([
      expect.objectContaining({
        sourceId: 'app-postgres',
        eventId: 'RDS-EVENT-0087',
        message: 'DB instance stopped.',
      }),
    ]);
  });
});
