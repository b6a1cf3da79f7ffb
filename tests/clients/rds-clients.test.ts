/**
 * The local endpoint's RDS API driven by clients nobody here wrote: the AWS CLI v2 and boto3,
 * each in its own process with the target role's credentials in its environment only and the
 * endpoint passed per call. Their query encoding (Filters.Filter.N, MaxRecords/Marker),
 * paginators, waiters and error parsing are theirs, not the SDK's.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TravelClock } from '../../scripts/local-aws';
import { type Fixture, startFixture } from '../local-aws/local-aws-fixture';
import { rdsTagRule } from '../local-aws/rds-fixture';
import {
  type Credentials,
  clientEnvironment,
  type InstalledClients,
  installedClients,
} from './installed-clients';

const run = promisify(execFile);
const REGION = 'eu-west-1';
const SEED_ORDER = [
  'app-postgres',
  'reports-mysql',
  'legacy-sqlserver',
  'orders-source',
  'orders-replica',
  'aurora-pg-writer',
  'aurora-pg-reader',
];
const INSTANCE_RESTART =
  'DB instance is being started due to it exceeding the maximum allowed time being stopped.';

// Each client is a Python process (about a second to start on two busy cores).
jest.setTimeout(120_000);

describe('AWS CLI v2 and boto3 against the local endpoint’s RDS API', () => {
  let clients: InstalledClients;
  let fixture: Fixture;
  let home: string;
  let target: Credentials;

  beforeAll(async () => {
    // Fails (never skips) naming the missing client and how to install it.
    clients = installedClients();
    // RDS's transitions at a hundredth of their real length: a stop takes 3 s, a start 6 s.
    fixture = await startFixture({
      clock: new TravelClock(),
      settings: { timeFactor: 0.01, sessionLifetimeOverrideSeconds: 30 * 24 * 3600 },
      rules: { request: rdsTagRule },
    });
    target = await fixture.assume('222222222222');
    home = await mkdtemp(path.join(tmpdir(), 'xacct-ec2-rds-clients-'));
  }, 60_000);

  afterAll(async () => {
    await fixture?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const argv = [
      ...args,
      '--endpoint-url',
      fixture.aws.url,
      '--region',
      REGION,
      '--output',
      'json',
    ];
    try {
      const { stdout, stderr } = await run(clients.aws, argv, {
        env: clientEnvironment(target, REGION, home),
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  async function cliJson<T>(args: string[]): Promise<T> {
    const outcome = await cli(args);
    if (outcome.code !== 0) throw new Error(`aws ${args.join(' ')} failed: ${outcome.stderr}`);
    return JSON.parse(outcome.stdout) as T;
  }

  describe('AWS CLI v2', () => {
    it('describes DB instances whole and with --max-items / --starting-token, in seed order with tags', async () => {
      // Act
      type Described = {
        DBInstances: { DBInstanceIdentifier: string; TagList: unknown[] }[];
        NextToken?: string;
      };
      const whole = await cliJson<Described>(['rds', 'describe-db-instances']);
      const first = await cliJson<Described>(['rds', 'describe-db-instances', '--max-items', '3']);
      const rest = await cliJson<Described>([
        'rds',
        'describe-db-instances',
        '--starting-token',
        first.NextToken ?? '',
      ]);

      // Assess
      expect(whole.DBInstances.map((db) => db.DBInstanceIdentifier)).toEqual(SEED_ORDER);
      expect(whole.DBInstances[0]?.TagList).toEqual([
        { Key: 'Name', Value: 'app-db' },
        { Key: 'xacct-ec2:managed', Value: 'local' },
      ]);
      expect(
        [...first.DBInstances, ...rest.DBInstances].map((db) => db.DBInstanceIdentifier),
      ).toEqual(SEED_ORDER);
    });

    it('filters clusters by engine (Filters.Filter.N on the wire)', async () => {
      // Act
      const answer = await cliJson<{
        DBClusters: { DBClusterIdentifier: string; DBClusterMembers: unknown[] }[];
      }>(['rds', 'describe-db-clusters', '--filters', 'Name=engine,Values=aurora-postgresql']);

      // Assess
      expect(
        answer.DBClusters.map((c) => [c.DBClusterIdentifier, c.DBClusterMembers.length]),
      ).toEqual([['aurora-pg', 2]]);
    });

    it('stops a tagged cluster, and shows RDS’s refusals with their codes and messages', async () => {
      // Act
      const refusal = async (args: string[]) => {
        const outcome = await cli(['rds', ...args]);
        // "An error occurred (Code) when calling the Op operation (reached max retries: 0): message"
        const match =
          /\((\w+)\) when calling the \w+ operation(?: \(reached max retries: \d+\))?: (.*)/.exec(
            outcome.stderr,
          );
        return [outcome.code === 0 ? 'succeeded' : match?.[1], match?.[2]?.trim()];
      };
      const replica = await refusal([
        'stop-db-instance',
        '--db-instance-identifier',
        'orders-replica',
      ]);
      const member = await refusal([
        'stop-db-instance',
        '--db-instance-identifier',
        'aurora-pg-writer',
      ]);
      const untagged = await refusal([
        'start-db-instance',
        '--db-instance-identifier',
        'reports-mysql',
      ]);
      const tooFew = await refusal(['describe-db-instances', '--max-records', '10']);
      const cluster = await cliJson<{ DBCluster: { Status: string } }>([
        'rds',
        'stop-db-cluster',
        '--db-cluster-identifier',
        'aurora-pg',
      ]);

      // Assess
      expect(replica[0]).toBe('InvalidDBInstanceState');
      expect(member).toEqual([
        'InvalidParameterCombination',
        'aurora-postgresql DB instances are not eligible for stopping and starting.',
      ]);
      expect(untagged[0]).toBe('AccessDenied');
      expect(untagged[1]).toContain(
        'is not authorized to perform: rds:StartDBInstance on resource: arn:aws:rds:eu-west-1:222222222222:db:reports-mysql',
      );
      expect(tooFew).toEqual([
        'InvalidParameterValue',
        'Invalid value 10 for MaxRecords. Must be between 20 and 100',
      ]);
      expect(cluster.DBCluster.Status).toBe('stopping');
    });

    it('lists the automatic start of the instance stopped 167 hours before, once the clock has moved on', async () => {
      // Prepare: AWS starts it an hour in; its 75-minute start takes 45 s at this time factor.
      await fixture.aws.advanceClock(2 * 3600_000);

      // Act
      const answer = await cliJson<{ Events: { SourceIdentifier: string; Message: string }[] }>([
        'rds',
        'describe-events',
        '--source-type',
        'db-instance',
        '--source-identifier',
        'reports-mysql',
        '--duration',
        '180',
      ]);

      // Assess
      expect(answer.Events.map((event) => [event.SourceIdentifier, event.Message])).toEqual([
        ['reports-mysql', INSTANCE_RESTART],
        ['reports-mysql', 'DB instance started.'],
      ]);
    });
  });

  describe('boto3', () => {
    it('pages, stops and waits, starts with the db_instance_available waiter, and reads the errors', async () => {
      // Act
      const { stdout } = await run(
        clients.python,
        [path.join(__dirname, 'boto3_rds_flow.py'), fixture.aws.url, REGION],
        { env: clientEnvironment(target, REGION, home) },
      );
      const seen = JSON.parse(stdout) as Record<string, unknown>;

      // Assess
      expect(seen.pages).toBe(1);
      expect((seen.instances as string[][]).map(([id]) => id)).toEqual(SEED_ORDER);
      expect((seen.instances as unknown[][])[0]).toEqual([
        'app-postgres',
        'postgres',
        'available',
        2,
      ]);
      expect(seen.auroraMembers).toEqual([
        ['aurora-pg-writer', true],
        ['aurora-pg-reader', false],
      ]);
      expect([seen.stopAnswer, seen.afterStop, seen.startAnswer, seen.afterStart]).toEqual([
        'stopping',
        'stopped',
        'starting',
        'available',
      ]);
      expect(seen.auroraMember).toEqual(['InvalidParameterCombination', 400]);
      expect(seen.untagged).toEqual(['AccessDenied', 403]);
      expect(seen.missingCluster).toEqual(['DBClusterNotFoundFault', 404]);
      expect(seen.maxRecords).toEqual(['InvalidParameterValue', 400]);
      expect(seen.events).toEqual(['DB instance stopped.', 'DB instance started.']);
    });
  });
});
