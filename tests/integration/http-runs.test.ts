/**
 * On-demand runs end to end at EC2's real timings (scaled): POST /instances/stop with `wait`
 * answers 202, the packaged state machine runs on the endpoint's Step Functions (started and read
 * by the http function's own role), its workers stop the instances, Wait states and re-checks
 * follow a 60-second stop to its end, and GET /runs/{id} reports every instance `changed` and
 * none in transit or failed.
 */
import { realEc2Timings } from '../../scripts/local-aws';
import { ACCOUNT_222, useHarness } from './harness';

const TIME_FACTOR = 0.005;
const REAL_EC2_TIMES = realEc2Timings(TIME_FACTOR);
const EXECUTIONS = 'arn:aws:states:eu-west-1:111111111111:execution:xacct-ec2-local-engine';

interface RunView {
  runId: string;
  status: string;
  request: { action: string };
  summary?: Record<string, number>;
  failures?: Array<{ code: string }>;
}

const bodyOf = (response: unknown) => JSON.parse((response as { body: string }).body);

describe('integration: POST 202, then GET /runs/{id}, through the engine at real EC2 timings', () => {
  const harness = useHarness({
    settings: REAL_EC2_TIMES,
    engineWaitMs: 30_000 * TIME_FACTOR,
    startTimeoutMs: 180_000,
  });

  it('reports a 60-second stop with wait as changed once EC2 has stopped the instances', async () => {
    // Prepare
    const fn = await harness.loadFunction();
    const { world } = harness.endpoint.aws;
    // Nothing still starting from the seed: a pending instance is skipped by a stop, not changed.
    const inTransit = () =>
      world
        .allAccounts()
        .flatMap((a) => a.regions.flatMap((region) => world.instancesIn(a.accountId, region)))
        .some((i) => i.state === 'pending' || i.state === 'stopping');
    for (let tries = 0; inTransit() && tries < 200; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const regions = world.allAccounts().find((a) => a.accountId === ACCOUNT_222)?.regions ?? [];
    const running = regions
      .flatMap((region) => world.instancesIn(ACCOUNT_222, region))
      .filter((i) => i.state === 'running')
      .filter((i) => i.tags.some((t) => t.key === 'xacct-ec2:managed' && t.value === 'local'))
      .filter((i) => !i.tags.some((t) => t.key === 'aws:autoscaling:groupName'));

    // Act
    const posted = await fn.http('stop', { targets: { accounts: [ACCOUNT_222] }, wait: true });
    const { runId, statusUrl } = bodyOf(posted) as { runId: string; statusUrl: string };
    const whileRunning = bodyOf(await fn.getRun(runId)) as RunView;
    await harness.endpoint.aws.executions.finished(`${EXECUTIONS}:${runId}`);
    const finished = bodyOf(await fn.getRun(runId)) as RunView;

    // Assess
    expect(posted).toMatchObject({ statusCode: 202, headers: { location: `/runs/${runId}` } });
    expect(statusUrl).toBe(`/runs/${runId}`);
    // scripts/local-aws/seed.json: web-1, web-2, dev-desktop, worker-booting (running by now), edge-1.
    expect(running).toHaveLength(5);
    expect(whileRunning).toMatchObject({ runId, status: 'RUNNING', request: { action: 'stop' } });
    expect(finished).toMatchObject({
      runId,
      status: 'SUCCEEDED',
      summary: { changed: running.length, failed: 0, inTransit: 0 },
    });
    expect((finished.failures ?? []).map((f) => f.code)).not.toContain('WaitTimeout');
    expect(running.map((i) => world.instance(i.instanceId)?.state)).toEqual(
      running.map(() => 'stopped'),
    );
  }, 60_000);

  it('answers 404 for a run this stage never started, before reading anything else', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const response = await fn.getRun('http-20261201T000000Z-never-started');

    // Assess
    expect(response).toMatchObject({ statusCode: 404 });
    expect(bodyOf(response).problems[0].field).toBe('id');
  });
});
