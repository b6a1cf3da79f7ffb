/**
 * handlers/instances.ts in-process against the local endpoint (real HTTP, real SigV4, the policies
 * that deploy): status, stop and start across the targets whose roles trust the function, and
 * what a warm container saves.
 */
import { SELECTABLE_STATES } from '../../handlers/tasks/ec2/select';
import { tagsAsRecord } from '../../scripts/local-aws/instances';
import { ACCOUNT_222, ACCOUNT_333, type LoadedFunction, targetOf, useHarness } from './harness';

const ALLOWED = { accounts: [ACCOUNT_222, ACCOUNT_333] };
const PAIRS = [
  [ACCOUNT_222, 'eu-west-1'],
  [ACCOUNT_222, 'us-east-1'],
  [ACCOUNT_333, 'eu-central-1'],
] as const;
const ASG_MEMBER = 'i-0222a000000000007';
const KMS_DENIED = 'i-0222a00000000000a';

describe('instances handler against the local endpoint: the allowed flow', () => {
  const harness = useHarness();
  let fn: LoadedFunction;

  beforeAll(async () => {
    fn = await harness.loadFunction();
  });

  /** Control-tagged instances in a selectable state, as the endpoint's world holds them now. */
  function managedInWorld(accountId: string, region: string) {
    return harness.endpoint.aws.world
      .instancesIn(accountId, region)
      .filter((i) => tagsAsRecord(i.tags)['xacct-ec2:managed'] === 'local')
      .filter((i) => (SELECTABLE_STATES as readonly string[]).includes(i.state));
  }

  it('reports every managed instance of both accounts with one AssumeRole per account', async () => {
    // Prepare
    harness.endpoint.aws.calls.reset();

    // Act
    const result = await fn.invoke({ action: 'status', targets: ALLOWED });

    // Assess
    expect(result.summary).toMatchObject({ targets: 3, targetsFailed: 0, failed: 0 });
    for (const [accountId, region] of PAIRS) {
      const target = targetOf(result, accountId, region);
      expect(target.status).toBe('ok');
      expect(target.resources.map((r) => [r.id, r.currentState])).toEqual(
        managedInWorld(accountId, region).map((i) => [i.instanceId, i.state]),
      );
    }
    // 222's two regions share one session.
    expect(harness.calls({ action: 'AssumeRole', outcome: 'OK' })).toBe(2);
    expect(harness.nonOkOutcomes()).toEqual({});
  });

  it('stops the running managed instances and waits until the endpoint has them stopped', async () => {
    // Prepare
    const running = PAIRS.flatMap(([a, r]) => managedInWorld(a, r))
      .filter((i) => i.state === 'running' && i.instanceId !== ASG_MEMBER)
      .map((i) => i.instanceId);

    // Act
    const result = await fn.invoke({ action: 'stop', wait: true, targets: ALLOWED });

    // Assess
    const changed = result.targets
      .flatMap((t) => t.resources)
      .filter((i) => i.outcome === 'changed');
    expect(changed.map((i) => i.id).sort()).toEqual([...running].sort());
    for (const id of running) {
      expect(harness.endpoint.aws.world.instance(id)?.state).toBe('stopped');
    }
    for (const instance of changed) expect(instance.currentState).toBe('stopped');
    expect(result.summary).toMatchObject({ targetsFailed: 0, failed: 0, skipped: 1 });
    expect(harness.endpoint.aws.world.instance(ASG_MEMBER)?.state).toBe('running');
  });

  it('starts them again, every one running except the one whose volume key the role may not use', async () => {
    // Prepare
    const stopped = PAIRS.flatMap(([a, r]) => managedInWorld(a, r))
      .filter((i) => i.state === 'stopped')
      .map((i) => i.instanceId);

    // Act
    const result = await fn.invoke({ action: 'start', wait: true, targets: ALLOWED });

    // Assess
    const instances = result.targets.flatMap((t) => t.resources);
    const started = instances.filter((i) => i.outcome === 'changed').map((i) => i.id);
    expect(started.sort()).toEqual(stopped.filter((id) => id !== KMS_DENIED).sort());
    for (const id of started) {
      expect(harness.endpoint.aws.world.instance(id)?.state).toBe('running');
    }
    expect(instances.filter((i) => i.outcome === 'failed').map((i) => i.id)).toEqual([KMS_DENIED]);
    expect(result.summary).toMatchObject({ targetsFailed: 0, failed: 1 });
  });

  it('makes no AssumeRole call at all on a warm invocation', async () => {
    // Prepare: the container is warm from the invocations above.
    harness.endpoint.aws.calls.reset();

    // Act
    const result = await fn.invoke({ action: 'status', targets: ALLOWED });

    // Assess
    expect(result.summary).toMatchObject({ targets: 3, targetsFailed: 0 });
    expect(harness.calls({ service: 'sts' })).toBe(0);
    expect(harness.calls({ action: 'DescribeInstances', outcome: 'OK' })).toBe(3);
  });

  it("names only its own accounts' sessions on a warm invocation, though the container keeps both", async () => {
    // Prepare: a session in the other account
    await fn.invoke({ action: 'status', targets: { accounts: [ACCOUNT_222] } });

    // Act
    const result = await fn.invoke({ action: 'status', targets: { accounts: [ACCOUNT_333] } });

    // Assess
    expect(Object.keys(result.roleSessionNames ?? {})).toEqual([ACCOUNT_333]);
  });

  it('answers POST /instances/status with 202 and a run ID; the engine runs it, and GET /runs/{id} reports it', async () => {
    // Prepare: a new container of the function.
    const http = await harness.loadFunction();

    // Act
    const response = await http.http('status', { targets: { accounts: [ACCOUNT_333] } });
    const started = http.startedRuns();
    const runId = started[0]?.name ?? '';
    await harness.endpoint.aws.executions.finished(
      `arn:aws:states:eu-west-1:111111111111:execution:xacct-ec2-local-engine:${runId}`,
    );
    const read = await http.getRun(runId);

    // Assess: the function only started the run (its role has no sts:AssumeRole); the engine ran it
    expect(response).toMatchObject({ statusCode: 202 });
    const body = JSON.parse((response as { body: string }).body) as { runId: string };
    expect(body.runId).toMatch(/^http-\d{8}T\d{6}Z-[A-Za-z0-9_-]+$/);
    expect(started).toEqual([
      {
        name: body.runId,
        status: 'RUNNING',
        input: {
          request: { action: 'status', targets: { accounts: [ACCOUNT_333] } },
          origin: {
            kind: 'http',
            callerArn: 'arn:aws:sts::111111111111:assumed-role/ops/operator',
          },
        },
      },
    ]);
    expect(read).toMatchObject({ statusCode: 200 });
    expect(JSON.parse((read as { body: string }).body)).toMatchObject({
      runId: body.runId,
      status: 'SUCCEEDED',
      request: { action: 'status' },
      summary: { targets: 1, targetsFailed: 0 },
    });
    // A fresh engine container loads its modules (the SFN client for the pause switch among them).
  }, 20_000);
});
