/**
 * The local endpoint driven by clients nobody here wrote: the AWS CLI v2 and boto3, each in its
 * own process with credentials in that process's environment only and the endpoint passed per
 * call (--endpoint-url, endpoint_url). What they send and expect (signing, query encoding,
 * pagination tokens, waiters, error shapes) is theirs, not the SDK's this project uses.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TravelClock } from '../../scripts/local-aws';
import {
  EXTERNAL_ID_222,
  type Fixture,
  startFixture,
  TARGET_ROLE,
} from '../local-aws/local-aws-fixture';
import {
  type Credentials,
  clientEnvironment,
  type InstalledClients,
  installedClients,
} from './installed-clients';

const run = promisify(execFile);

const REGION = 'eu-west-1';
/** Running and control-tagged in 222222222222 eu-west-1 (scripts/local-aws/seed.json). */
const INSTANCE = 'i-0222a000000000001';
const MANAGED_FILTER = 'Name=tag:xacct-ec2:managed,Values=local';

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

// Each client is a Python process (about a second to start on two busy cores).
jest.setTimeout(120_000);

describe('AWS CLI v2 and boto3 against the local endpoint', () => {
  let clients: InstalledClients;
  let fixture: Fixture;
  let home: string;
  let clock: TravelClock;

  beforeAll(async () => {
    // Fails (never skips) naming the missing client and how to install it.
    clients = installedClients();
    clock = new TravelClock();
    // EC2's transitions at a hundredth of their real length: waiters finish within a second or two.
    fixture = await startFixture({ clock, settings: { timeFactor: 0.01 } });
    home = await mkdtemp(path.join(tmpdir(), 'xacct-ec2-clients-'));
  }, 60_000);

  afterAll(async () => {
    await fixture?.stop();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const homeCredentials = (): Credentials => fixture.aws.homeCredentials;

  async function cli(credentials: Credentials, args: string[]): Promise<Outcome> {
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
        env: clientEnvironment(credentials, REGION, home),
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  async function cliJson<T>(credentials: Credentials, args: string[]): Promise<T> {
    const outcome = await cli(credentials, args);
    if (outcome.code !== 0) throw new Error(`aws ${args.join(' ')} failed: ${outcome.stderr}`);
    return JSON.parse(outcome.stdout) as T;
  }

  async function assumeWithCli(): Promise<Credentials> {
    const answer = await cliJson<{
      Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    }>(homeCredentials(), [
      'sts',
      'assume-role',
      '--role-arn',
      TARGET_ROLE('222222222222'),
      '--role-session-name',
      'cli',
      '--external-id',
      EXTERNAL_ID_222,
    ]);
    return {
      accessKeyId: answer.Credentials.AccessKeyId,
      secretAccessKey: answer.Credentials.SecretAccessKey,
      sessionToken: answer.Credentials.SessionToken,
    };
  }

  const managedIds = () =>
    fixture.aws.world
      .instancesIn('222222222222', REGION)
      .filter((i) => i.tags.some((t) => t.key === 'xacct-ec2:managed' && t.value === 'local'))
      .map((i) => i.instanceId)
      .sort();

  describe('AWS CLI v2', () => {
    it('assumes the target role with its ExternalId, and one that needs none without', async () => {
      // Act
      const withId = await assumeWithCli();
      const plain = await cliJson<{ AssumedRoleUser: { Arn: string } }>(homeCredentials(), [
        'sts',
        'assume-role',
        '--role-arn',
        TARGET_ROLE('333333333333'),
        '--role-session-name',
        'cli',
      ]);
      const refused = await cli(homeCredentials(), [
        'sts',
        'assume-role',
        '--role-arn',
        TARGET_ROLE('222222222222'),
        '--role-session-name',
        'cli',
      ]);

      // Assess
      expect(withId.accessKeyId).toMatch(/^ASIA/);
      expect(plain.AssumedRoleUser.Arn).toBe(
        'arn:aws:sts::333333333333:assumed-role/xacct-ec2-local-target/cli',
      );
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('(AccessDenied)');
    });

    it('describes with a filter, page by page (--page-size) and in one go, to the same instances', async () => {
      // Prepare
      const target = await assumeWithCli();
      const before = fixture.aws.calls.count({
        accountId: '222222222222',
        action: 'DescribeInstances',
      });
      type Described = { Reservations: { Instances: { InstanceId: string }[] }[] };
      const ids = (d: Described) =>
        d.Reservations.flatMap((r) => r.Instances.map((i) => i.InstanceId)).sort();

      // Act
      const paged = await cliJson<Described>(target, [
        'ec2',
        'describe-instances',
        '--filters',
        MANAGED_FILTER,
        '--page-size',
        '5',
      ]);
      const pagedCalls =
        fixture.aws.calls.count({ accountId: '222222222222', action: 'DescribeInstances' }) -
        before;
      const whole = await cliJson<Described>(target, [
        'ec2',
        'describe-instances',
        '--filters',
        MANAGED_FILTER,
      ]);
      const firstPage = await cliJson<Described & { NextToken?: string }>(target, [
        'ec2',
        'describe-instances',
        '--filters',
        MANAGED_FILTER,
        '--max-items',
        '5',
      ]);

      // Assess
      expect(ids(paged)).toEqual(managedIds());
      expect(ids(whole)).toEqual(managedIds());
      expect(pagedCalls).toBe(
        Math.ceil(managedIds().length / 5) + (managedIds().length % 5 === 0 ? 1 : 0),
      );
      // --max-items counts the result key, Reservations (two of these instances share one).
      expect(firstPage.Reservations).toHaveLength(5);
      expect(firstPage.NextToken).toEqual(expect.any(String));
    });

    it('answers a dry-run stop with DryRunOperation and stops nothing', async () => {
      // Prepare
      const target = await assumeWithCli();

      // Act
      const outcome = await cli(target, [
        'ec2',
        'stop-instances',
        '--instance-ids',
        INSTANCE,
        '--dry-run',
      ]);

      // Assess
      expect(outcome.code).not.toBe(0);
      expect(outcome.stderr).toContain('(DryRunOperation)');
      expect(fixture.aws.world.instance(INSTANCE)?.state).toBe('running');
    });

    it("stops and starts an instance, each awaited with the CLI's own waiter", async () => {
      // Prepare
      const target = await assumeWithCli();

      // Act
      await cliJson(target, ['ec2', 'stop-instances', '--instance-ids', INSTANCE]);
      const stopped = await cli(target, [
        'ec2',
        'wait',
        'instance-stopped',
        '--instance-ids',
        INSTANCE,
      ]);
      const stateAfterStop = fixture.aws.world.instance(INSTANCE)?.state;
      await cliJson(target, ['ec2', 'start-instances', '--instance-ids', INSTANCE]);
      const running = await cli(target, [
        'ec2',
        'wait',
        'instance-running',
        '--instance-ids',
        INSTANCE,
      ]);

      // Assess
      expect(stopped).toMatchObject({ code: 0 });
      expect(stateAfterStop).toBe('stopped');
      expect(running).toMatchObject({ code: 0 });
      expect(fixture.aws.world.instance(INSTANCE)?.state).toBe('running');
    });

    // Both services name a wrong secret SignatureDoesNotMatch (STS and EC2 common errors).
    it('refuses a wrong signature on STS and on EC2', async () => {
      // Prepare
      const forged = { ...homeCredentials(), secretAccessKey: 'not-the-secret' };

      // Act
      const sts = await cli(forged, ['sts', 'get-caller-identity']);
      const ec2 = await cli(forged, ['ec2', 'describe-instances']);

      // Assess
      expect(sts.stderr).toContain('(SignatureDoesNotMatch)');
      expect(ec2.stderr).toContain('(SignatureDoesNotMatch)');
    });
  });

  describe('boto3', () => {
    async function boto3(
      credentials: Credentials,
      args: string[],
    ): Promise<Record<string, unknown>> {
      const script = path.join(__dirname, 'boto3_flow.py');
      const { stdout } = await run(clients.python, [script, ...args], {
        env: clientEnvironment(credentials, REGION, home),
      });
      return JSON.parse(stdout) as Record<string, unknown>;
    }

    it('assumes roles, pages through a filtered describe, dry-runs, stops and starts with its waiters, and is refused a wrong signature', async () => {
      // Act
      const seen = await boto3(homeCredentials(), [
        'flow',
        fixture.aws.url,
        REGION,
        TARGET_ROLE('222222222222'),
        EXTERNAL_ID_222,
        INSTANCE,
        TARGET_ROLE('333333333333'),
      ]);

      // Assess
      expect(seen).toEqual({
        callerArn: expect.stringMatching(/^arn:aws:sts::111111111111:assumed-role\//),
        assumedKeyPrefix: 'ASIA',
        withoutExternalIdToPlainRole:
          'arn:aws:sts::333333333333:assumed-role/xacct-ec2-local-target/boto3',
        withoutRequiredExternalId: 'AccessDenied',
        pages: Math.ceil(managedIds().length / 5),
        managedIds: managedIds(),
        dryRunStop: 'DryRunOperation',
        finalState: 'running',
        wrongSignature: 'SignatureDoesNotMatch',
      });
    });
  });

  it('fails, naming each missing client and how to install it, where none is found', () => {
    // Act
    const find = () =>
      installedClients({ aws: ['/nonexistent/aws'], python: ['/nonexistent/python3'] });

    // Assess
    expect(find).toThrow(
      'Missing AWS clients: the AWS CLI v2 (Debian package awscli) and boto3 for python3 (Debian package python3-boto3); install them with: apt-get install awscli python3-boto3',
    );
  });

  describe('after the session expired', () => {
    it('refuses the expired token to both clients', async () => {
      // Prepare: a target session (1 hour), then the world's clock past the home session's 12 hours.
      const target = await assumeWithCli();
      clock.advance((12 * 3600 + 1) * 1000);

      // Act
      const cliCall = await cli(target, ['ec2', 'describe-instances']);
      const cliSts = await cli(homeCredentials(), ['sts', 'get-caller-identity']);
      const boto = await boto3Describe(target);

      // Assess
      expect(cliCall.stderr).toContain('(RequestExpired)');
      expect(cliSts.stderr).toContain('(ExpiredToken)');
      expect(boto).toEqual({ describe: 'RequestExpired' });
    });

    async function boto3Describe(credentials: Credentials): Promise<Record<string, unknown>> {
      const { stdout } = await run(
        clients.python,
        [path.join(__dirname, 'boto3_flow.py'), 'describe', fixture.aws.url, REGION],
        {
          env: clientEnvironment(credentials, REGION, home),
        },
      );
      return JSON.parse(stdout) as Record<string, unknown>;
    }
  });
});
