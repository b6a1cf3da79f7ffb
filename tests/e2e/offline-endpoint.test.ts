/**
 * A real HTTP call to `sls offline --stage local` (serverless-offline 14, POST /instances/{action})
 * with the function running against the local endpoint; started on free ports on 127.0.0.1 and
 * stopped with everything it spawned. The function checks each request and starts an engine
 * run; offline it cannot start one yet (see the first POST case).
 */
import {
  type LocalEndpoint,
  type Offline,
  startLocalEndpoint,
  startOffline,
} from '../../scripts/run-local';

interface Problems {
  message: string;
  problems: Array<{ field: string; message: string }>;
}

/** Whether any process of the group is still there, polling a little while they are reaped. */
async function groupAlive(pgid: number, withinMs = 3_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return false;
    }
    if (Date.now() > until) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What API Gateway's IAM authorizer would pass: the caller that serverless.yml's local stage names. */
const CALLER = JSON.stringify({
  iam: {
    accountId: '111111111111',
    userArn: 'arn:aws:sts::111111111111:assumed-role/ops/alice',
    userId: 'AROAEXAMPLEOPS:alice',
  },
});

async function post(url: string, body?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sls-offline-authorizer-override': CALLER },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, json: (await response.json()) as unknown };
}

describe('sls offline against the local endpoint', () => {
  let endpoint: LocalEndpoint;
  let offline: Offline;

  beforeAll(async () => {
    endpoint = await startLocalEndpoint({
      reusePackaging: true,
      settings: { pendingMs: 150, stoppingMs: 150, kmsFallbackMs: 100, timeFactor: 1 },
      log: () => undefined,
    });
    [offline] = await Promise.all([
      startOffline({
        stage: endpoint.stage,
        env: {
          ...endpoint.clientEnv(),
          WAITER_MIN_DELAY_SECONDS: '0.05',
          WAITER_MAX_DELAY_SECONDS: '0.1',
        },
      }),
      endpoint.ready,
    ]);
  }, 180_000);

  afterAll(async () => {
    await offline?.stop();
    await endpoint?.stop();
  });

  it('listens on 127.0.0.1 only, on the ports it was given', () => {
    // Assess
    expect(offline.url).toBe(`http://127.0.0.1:${offline.httpPort}`);
    expect(offline.server.output()).toContain(`Server ready: http://127.0.0.1:${offline.httpPort}`);
    expect(offline.server.output()).toContain(
      `listening on http://127.0.0.1:${offline.lambdaPort}`,
    );
  });

  it('accepts POST /instances/status but cannot start its engine run offline: 500 quoting the request ID', async () => {
    // Prepare: serverless-offline leaves ENGINE_STATE_MACHINE_ARN (!Ref EngineStateMachine)
    // unresolved, and the local endpoint serves no Step Functions yet; on AWS this is a 202
    // (tests/unit/http.test.ts), and tests/integration runs the engine itself
    endpoint.aws.calls.reset();

    // Act
    const { status, json } = await post(`${offline.url}/instances/status`);

    // Assess
    expect(status).toBe(500);
    expect((json as Problems).message).toMatch(
      /^internal error; quote request ID \S+ when reporting it$/,
    );
    expect(endpoint.aws.calls.count({})).toBe(0);
  });

  it('changes nothing itself: a stop request leaves the instance running', async () => {
    // Act
    const { status } = await post(
      `${offline.url}/instances/stop`,
      JSON.stringify({ wait: true, instanceIds: ['i-0333c000000000001'] }),
    );

    // Assess: the HTTP function reaches no target account; only an engine run would stop it
    expect(status).toBe(500);
    expect(endpoint.aws.world.instance('i-0333c000000000001')?.state).toBe('running');
  });

  it('answers a bad body with 400, listing every problem', async () => {
    // Act
    const { status, json } = await post(
      `${offline.url}/instances/start`,
      JSON.stringify({ dryrun: true, hibernate: true, targets: { accounts: ['999999999999'] } }),
    );

    // Assess
    expect(status).toBe(400);
    const body = json as Problems;
    expect(body.message).toBe('invalid request: 3 problem(s)');
    expect(body.problems.map((p) => p.field).sort()).toEqual(
      ['(root)', 'hibernate', 'targets.accounts[0]'].sort(),
    );
  });

  it('answers 403 to a caller no rule of params.callers names, before any AWS call', async () => {
    // Prepare
    endpoint.aws.calls.reset();
    const stranger = JSON.stringify({
      iam: { accountId: '111111111111', userArn: 'arn:aws:sts::111111111111:assumed-role/dev/bob' },
    });

    // Act
    const response = await fetch(`${offline.url}/instances/stop`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'sls-offline-authorizer-override': stranger },
    });

    // Assess
    expect(response.status).toBe(403);
    expect(((await response.json()) as Problems).problems[0]?.field).toBe('params.callers');
    expect(endpoint.aws.calls.count({})).toBe(0);
  });

  it('refuses a cross-site preflight asking for the authorizer-override header: no CORS grant', async () => {
    // Act: what a browser on another site sends before a POST carrying the override header
    const response = await fetch(`${offline.url}/instances/stop`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://attacker.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'sls-offline-authorizer-override,content-type',
      },
    });

    // Assess: without access-control-allow-origin the browser never sends the POST
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-headers') ?? '').not.toMatch(
      /sls-offline-authorizer-override/i,
    );
  });

  it('stops cleanly, leaving no process behind', async () => {
    // Prepare
    const pid = offline.server.pid ?? 0;

    // Act
    await offline.stop();

    // Assess
    expect(pid).toBeGreaterThan(0);
    await expect(offline.server.exited).resolves.toBeDefined();
    expect(await groupAlive(pid)).toBe(false);
    await expect(fetch(`${offline.url}/instances/status`, { method: 'POST' })).rejects.toThrow();
  });
});
