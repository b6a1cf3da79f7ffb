import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import {
  CLIENTS_PER_CONCURRENCY,
  createTargetClients,
  DEFAULT_MAX_ATTEMPTS,
} from '../../../handlers/aws/clients';
import { UnknownTargetError } from '../../../handlers/core/errors';
import { ec2Task } from '../../../handlers/tasks/ec2/task';
import { TEST_CONFIG } from '../../helpers/config';

jest.mock('@aws-sdk/credential-providers', () => ({ fromTemporaryCredentials: jest.fn() }));

const mockedFromTemporaryCredentials = jest.mocked(fromTemporaryCredentials);

const OPTIONS = {
  config: TEST_CONFIG,
  homeRegion: 'eu-west-1',
  serviceName: 'xacct-ec2',
  stage: 'test',
  requestId: () => currentRequestId,
};

let currentRequestId = 'req: 42 / 7';

/** Each provider the factory builds; calls to it stand for AssumeRole calls. */
let assumeRoleCalls: jest.Mock[];
let expiresInMillis: number;

describe('Function: createTargetClients', () => {
  beforeEach(() => {
    assumeRoleCalls = [];
    expiresInMillis = 3_600_000;
    currentRequestId = 'req: 42 / 7';
    mockedFromTemporaryCredentials.mockReset();
    mockedFromTemporaryCredentials.mockImplementation(() => {
      const provider = jest.fn(async () => ({
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'test-secret',
        sessionToken: 'test-token',
        expiration: new Date(Date.now() + expiresInMillis),
      }));
      assumeRoleCalls.push(provider);
      return provider;
    });
  });

  it('memoises one EC2 client per (account, region)', () => {
    // Prepare
    const clients = createTargetClients(OPTIONS);

    // Act
    const first = clients.clientFor(ec2Task, { accountId: '222222222222', region: 'eu-west-1' });
    const again = clients.clientFor(ec2Task, { accountId: '222222222222', region: 'eu-west-1' });
    const otherRegion = clients.clientFor(ec2Task, {
      accountId: '222222222222',
      region: 'us-east-1',
    });

    // Assess
    expect(again).toBe(first);
    expect(otherRegion).not.toBe(first);
  });

  it('holds at most maxClients clients, letting the least recently used go', () => {
    // Prepare
    const clients = createTargetClients({ ...OPTIONS, maxClients: 2 });
    const ireland = { accountId: '222222222222', region: 'eu-west-1' };
    const virginia = { accountId: '222222222222', region: 'us-east-1' };
    const frankfurt = { accountId: '333333333333', region: 'eu-central-1' };
    const first = clients.clientFor(ec2Task, ireland);
    clients.clientFor(ec2Task, virginia);
    clients.clientFor(ec2Task, ireland);

    // Act: a third client pushes out the least recently used (virginia, not ireland)
    clients.clientFor(ec2Task, frankfurt);

    // Assess
    expect(clients.size()).toBe(2);
    expect(clients.clientFor(ec2Task, ireland)).toBe(first);
    expect(clients.size()).toBe(2);
  });

  it('bounds the cache by the concurrency by default, not by the number of targets', () => {
    // Prepare
    const clients = createTargetClients({
      ...OPTIONS,
      config: { ...TEST_CONFIG, concurrency: 1 },
    });

    // Act
    for (const region of ['eu-west-1', 'us-east-1']) {
      clients.clientFor(ec2Task, { accountId: '222222222222', region });
    }
    clients.clientFor(ec2Task, { accountId: '333333333333', region: 'eu-central-1' });

    // Assess: CLIENTS_PER_CONCURRENCY x 1
    expect(clients.size()).toBe(Math.min(3, CLIENTS_PER_CONCURRENCY));
  });

  it('rebuilds a client it let go on the account session it already holds: no AssumeRole again', async () => {
    // Prepare: a first invocation opens the session; its client is then pushed out
    const clients = createTargetClients({ ...OPTIONS, maxClients: 1 });
    const ireland = { accountId: '222222222222', region: 'eu-west-1' };
    const first = clients.clientFor(ec2Task, ireland);
    await first.config.credentials();
    await clients
      .clientFor(ec2Task, { accountId: '333333333333', region: 'eu-central-1' })
      .config.credentials();

    // Act: a warm invocation needs the first target's client again
    currentRequestId = 'req-2';
    const rebuilt = clients.clientFor(ec2Task, ireland);
    await rebuilt.config.credentials();

    // Assess
    expect(rebuilt).not.toBe(first);
    expect(mockedFromTemporaryCredentials).toHaveBeenCalledTimes(2);
    expect(assumeRoleCalls.map((call) => call.mock.calls.length)).toEqual([1, 1]);
  });

  it('assumes the role of each account with the AssumeRole parameters when a session is needed', async () => {
    // Prepare
    const clients = createTargetClients(OPTIONS);
    const ireland = clients.clientFor(ec2Task, { accountId: '222222222222', region: 'eu-west-1' });
    const virginia = clients.clientFor(ec2Task, { accountId: '222222222222', region: 'us-east-1' });
    const frankfurt = clients.clientFor(ec2Task, {
      accountId: '333333333333',
      region: 'eu-central-1',
    });

    // Act
    await ireland.config.credentials();
    await virginia.config.credentials();
    await frankfurt.config.credentials();

    // Assess
    expect(mockedFromTemporaryCredentials).toHaveBeenCalledTimes(2);
    expect(mockedFromTemporaryCredentials).toHaveBeenNthCalledWith(1, {
      params: {
        RoleArn: 'arn:aws:iam::222222222222:role/xacct-ec2-target',
        RoleSessionName: 'xacct-ec2-test-req-42-7',
        ExternalId: 'xacct-ec2-test-222222222222',
        DurationSeconds: 3600,
      },
      clientConfig: { region: 'eu-west-1' },
    });
    expect(mockedFromTemporaryCredentials).toHaveBeenNthCalledWith(2, {
      params: {
        RoleArn: 'arn:aws:iam::333333333333:role/xacct-ec2-target',
        RoleSessionName: 'xacct-ec2-test-req-42-7',
        DurationSeconds: 3600,
      },
      clientConfig: { region: 'eu-west-1' },
    });
    expect(clients.sessionNames()).toEqual({
      '222222222222': 'xacct-ec2-test-req-42-7',
      '333333333333': 'xacct-ec2-test-req-42-7',
    });
  });

  it('reuses the session in a later (warm) invocation without assuming the role again', async () => {
    // Prepare: the first invocation opens the session
    const clients = createTargetClients(OPTIONS);
    await clients
      .clientFor(ec2Task, { accountId: '222222222222', region: 'eu-west-1' })
      .config.credentials();

    // Act: a second invocation in the same container
    currentRequestId = 'req-2';
    const again = clients.clientFor(ec2Task, { accountId: '222222222222', region: 'eu-west-1' });
    await again.config.credentials();

    // Assess
    expect(mockedFromTemporaryCredentials).toHaveBeenCalledTimes(1);
    expect(assumeRoleCalls[0]).toHaveBeenCalledTimes(1);
    expect(clients.sessionNames()['222222222222']).toBe('xacct-ec2-test-req-42-7');
  });

  it('lets an expired session go when it opens a new one: a warm container keeps the last hour, not every account it served', async () => {
    // Prepare: a session of one account that expires within the hour
    const clients = createTargetClients(OPTIONS);
    await clients
      .clientFor(ec2Task, { accountId: '222222222222', region: 'eu-west-1' })
      .config.credentials();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 2 * 3_600_000);

    // Act: two hours on, another account's first session
    await clients
      .clientFor(ec2Task, { accountId: '333333333333', region: 'eu-central-1' })
      .config.credentials();
    clock.mockRestore();

    // Assess
    expect(Object.keys(clients.sessionNames())).toEqual(['333333333333']);
  });

  it('names a refreshed session after the invocation that opened it', async () => {
    // Prepare: sessions that expire within the SDK's five-minute refresh window
    expiresInMillis = 60_000;
    const clients = createTargetClients(OPTIONS);
    const ireland = clients.clientFor(ec2Task, { accountId: '222222222222', region: 'eu-west-1' });
    await ireland.config.credentials();

    // Act
    currentRequestId = 'req-2';
    await ireland.config.credentials();

    // Assess
    const sessionNames = mockedFromTemporaryCredentials.mock.calls.map(
      ([options]) => options.params.RoleSessionName,
    );
    expect(sessionNames[0]).toBe('xacct-ec2-test-req-42-7');
    expect(sessionNames.at(-1)).toBe('xacct-ec2-test-req-2');
    expect(clients.sessionNames()['222222222222']).toBe('xacct-ec2-test-req-2');
  });

  it('caps the session at the one-hour role-chaining limit', async () => {
    // Prepare
    const clients = createTargetClients({
      ...OPTIONS,
      config: { ...TEST_CONFIG, sessionDurationSeconds: 7200 },
    });

    // Act
    await clients
      .clientFor(ec2Task, { accountId: '333333333333', region: 'eu-central-1' })
      .config.credentials();

    // Assess
    expect(mockedFromTemporaryCredentials.mock.calls[0]?.[0].params.DurationSeconds).toBe(3600);
  });

  it('shares one assumed-role session between the regions of an account', async () => {
    // Prepare
    const clients = createTargetClients(OPTIONS);
    const ireland = clients.clientFor(ec2Task, { accountId: '222222222222', region: 'eu-west-1' });
    const virginia = clients.clientFor(ec2Task, { accountId: '222222222222', region: 'us-east-1' });

    // Act
    const a = await ireland.config.credentials();
    const b = await virginia.config.credentials();

    // Assess
    expect(a.accessKeyId).toBe(b.accessKeyId);
    expect(assumeRoleCalls).toHaveLength(1);
    expect(assumeRoleCalls[0]).toHaveBeenCalledTimes(1);
  });

  it('uses the standard retry strategy with the configured attempts', async () => {
    // Prepare
    const defaults = createTargetClients(OPTIONS);
    const tuned = createTargetClients({ ...OPTIONS, maxAttempts: 2 });

    // Act
    const target = { accountId: '333333333333', region: 'eu-central-1' };
    const defaultAttempts = await defaults.clientFor(ec2Task, target).config.maxAttempts();
    const tunedAttempts = await tuned.clientFor(ec2Task, target).config.maxAttempts();
    const strategy = await defaults.clientFor(ec2Task, target).config.retryStrategy();

    // Assess
    expect(defaultAttempts).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(tunedAttempts).toBe(2);
    expect((strategy as { mode?: string }).mode).toBe('standard');
  });

  it('refuses an (account, region) pair that is not configured', () => {
    // Prepare
    const clients = createTargetClients(OPTIONS);

    // Act
    const build = () =>
      clients.clientFor(ec2Task, { accountId: '333333333333', region: 'us-east-1' });

    // Assess
    expect(build).toThrow(UnknownTargetError);
  });

  it('leaves the endpoint to the SDK, so AWS_ENDPOINT_URL_EC2 is honoured', async () => {
    // Prepare
    process.env.AWS_ENDPOINT_URL_EC2 = 'http://localhost:4566';
    const clients = createTargetClients(OPTIONS);
    const client = clients.clientFor(ec2Task, {
      accountId: '333333333333',
      region: 'eu-central-1',
    });
    let seen: { hostname?: string; port?: number } | undefined;
    client.middlewareStack.add(
      () => async (args) => {
        seen = args.request as { hostname?: string; port?: number };
        throw new Error('stop before signing');
      },
      { step: 'build' },
    );

    // Act
    try {
      await client.send(new DescribeInstancesCommand({}));
    } catch {
      // expected: the middleware stops the request
    } finally {
      delete process.env.AWS_ENDPOINT_URL_EC2;
    }

    // Assess
    expect(seen).toMatchObject({ hostname: 'localhost', port: 4566 });
    await client.config.credentials();
    const stsConfig = mockedFromTemporaryCredentials.mock.calls[0]?.[0].clientConfig;
    expect(stsConfig).not.toHaveProperty('endpoint');
  });
});
