import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { type Fixture, startFixture } from './local-aws-fixture';

describe('local-aws: call counters and admin API', () => {
  let fixture: Fixture;

  beforeEach(async () => {
    fixture = await startFixture();
  });

  afterEach(async () => {
    await fixture.stop();
  });

  const admin = async (method: 'GET' | 'POST', route: string, body?: unknown) => {
    const response = await fetch(`${fixture.aws.url}/_local/${route}`, {
      method,
      headers: { 'x-local-aws-admin': '1' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('counts calls per service, account, region, action and outcome', async () => {
    // Prepare
    const credentials = await fixture.assume('222222222222');
    await fixture.ec2(credentials).send(new DescribeInstancesCommand({}));
    await fixture.ec2(credentials, 'us-east-1').send(new DescribeInstancesCommand({}));
    await fixture
      .ec2(credentials)
      .send(new DescribeInstancesCommand({ InstanceIds: ['i-0222a0000000000ff'] }))
      .catch(() => undefined);

    // Act
    const { body } = await admin('GET', 'calls');

    // Assess
    expect(body.total).toBe(4);
    expect(body.calls).toEqual(
      expect.arrayContaining([
        {
          service: 'sts',
          accountId: '111111111111',
          region: 'eu-west-1',
          action: 'AssumeRole',
          count: 1,
          outcomes: { OK: 1 },
        },
        {
          service: 'ec2',
          accountId: '222222222222',
          region: 'eu-west-1',
          action: 'DescribeInstances',
          count: 2,
          outcomes: { OK: 1, 'InvalidInstanceID.NotFound': 1 },
        },
        {
          service: 'ec2',
          accountId: '222222222222',
          region: 'us-east-1',
          action: 'DescribeInstances',
          count: 1,
          outcomes: { OK: 1 },
        },
      ]),
    );
    expect(fixture.aws.calls.count({ accountId: '222222222222', region: 'eu-west-1' })).toBe(2);
  });

  it('reports the peak number of calls answered at once', async () => {
    // Prepare
    fixture.aws.faults.update({ latencyMs: 50 });
    const sts = fixture.sts();

    // Act
    await Promise.all(Array.from({ length: 5 }, () => sts.send(new GetCallerIdentityCommand({}))));

    // Assess
    expect(fixture.aws.calls.concurrency()).toEqual({ inFlight: 0, peak: 5 });
  });

  it('resets the counters', async () => {
    // Prepare
    await fixture.sts().send(new GetCallerIdentityCommand({}));

    // Act
    const { body } = await admin('POST', 'calls/reset');

    // Assess
    expect(body.total).toBe(0);
  });

  it('changes fault knobs at runtime and refuses unknown ones', async () => {
    // Act
    const accepted = await admin('POST', 'faults', { latencyMs: 5, serverErrorRate: 0.25 });
    const refused = await admin('POST', 'faults', { latency: 5 });

    // Assess
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ latencyMs: 5, serverErrorRate: 0.25, throttling: true });
    expect(refused.status).toBe(400);
    expect(String(refused.body.error)).toContain('latency');
    expect(fixture.aws.faults.current().latencyMs).toBe(5);
  });

  it('moves the world clock on and with it instance transitions', async () => {
    // Prepare
    const before = await admin('GET', 'state');

    // Act
    const moved = await admin('POST', 'clock', { advanceMs: 60_000 });

    // Assess
    expect(moved.status).toBe(200);
    expect(Date.parse(String(moved.body.now)) - Date.parse(String(before.body.now))).toBe(60_000);
    expect(fixture.aws.world.instance('i-0222a000000000008')?.state).toBe('running');
  });

  it('changes transition times and session lifetimes', async () => {
    // Act
    const { status, body } = await admin('POST', 'settings', {
      sessionLifetimeOverrideSeconds: 5,
      pendingMs: 10,
    });

    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({ sessionLifetimeOverrideSeconds: 5, pendingMs: 10 });
  });

  it('reports the world without any secret', async () => {
    // Prepare
    await fixture.assume('222222222222');

    // Act
    const response = await fetch(`${fixture.aws.url}/_local/state`, {
      headers: { 'x-local-aws-admin': '1' },
    });
    const text = await response.text();

    // Assess
    const state = JSON.parse(text) as {
      sessions: unknown[];
      accounts: Array<{ accountId: string }>;
    };
    expect(state.accounts.map((account) => account.accountId)).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
      '444444444444',
      '555555555555',
    ]);
    expect(state.sessions).toHaveLength(2);
    for (const session of fixture.aws.world.sessions.all()) {
      expect(text).not.toContain(session.secretAccessKey);
      expect(text).not.toContain(session.sessionToken);
    }
  });

  it('answers an unknown admin route with 404', async () => {
    // Act
    const { status } = await admin('GET', 'nothing-here');

    // Assess
    expect(status).toBe(404);
  });
});
