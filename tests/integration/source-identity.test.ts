/**
 * SourceIdentity over real HTTP to the local STS, decided by the packaged execution role and the
 * rendered target roles: the caller reaches each target's session (an HTTP caller through the
 * engine run its POST starts), and the rollout order holds
 * (a target role without sts:SetSourceIdentity refuses a service that sends it, and accepts one
 * whose stage says `sourceIdentity: false`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { worldSnapshot } from '../../scripts/local-aws/world-snapshot';
import { parseCfnYaml } from '../../scripts/shared/stack/cfn-yaml';
import { ACCOUNT_222, type Harness, targetOf, useHarness } from './harness';

const ENGINE_EXECUTIONS = 'arn:aws:states:eu-west-1:111111111111:execution:xacct-ec2-local-engine';

interface SessionView {
  sessionArn: string;
  sourceIdentity: string | null;
}

/** The sessions of one account as GET /_local/state shows them. */
function sessionsOf(harness: Harness, accountId: string): SessionView[] {
  const state = worldSnapshot(harness.endpoint.aws.world) as { sessions: SessionView[] };
  return state.sessions.filter((s) => s.sessionArn.includes(`::${accountId}:assumed-role/`));
}

/** The target-account template as it was before it trusted sts:SetSourceIdentity. */
function templateWithoutSetSourceIdentity(): unknown {
  const text = readFileSync(join(__dirname, '../../resources/target-account-role.yml'), 'utf8');
  const old = text.replace(
    'Action: [sts:AssumeRole, sts:SetSourceIdentity]',
    'Action: sts:AssumeRole',
  );
  if (old === text) throw new Error('the trust statement no longer reads as expected');
  return parseCfnYaml(old);
}

describe('SourceIdentity against the local endpoint', () => {
  const harness = useHarness();

  it('names the HTTP caller on the target session (through the engine run POST starts), and a direct invoke as "direct"', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act: POST starts an engine run; its workers run with the execution input's origin
    const response = await fn.http('status', { targets: { accounts: [ACCOUNT_222] } });
    const { runId } = JSON.parse((response as { body: string }).body) as { runId: string };
    const [run] = fn.startedRuns();
    await harness.endpoint.aws.executions.finished(`${ENGINE_EXECUTIONS}:${runId}`);
    const read = await fn.getRun(runId);
    const direct = await fn.invoke({ action: 'status', targets: { accounts: [ACCOUNT_222] } });

    // Assess
    expect(response).toMatchObject({ statusCode: 202 });
    expect(run?.input.origin).toEqual({
      kind: 'http',
      callerArn: 'arn:aws:sts::111111111111:assumed-role/ops/operator',
    });
    expect(JSON.parse((read as { body: string }).body)).toMatchObject({
      status: 'SUCCEEDED',
      summary: { targetsFailed: 0 },
    });
    expect(targetOf(direct, ACCOUNT_222, 'eu-west-1').error?.message).toBeUndefined();
    expect(targetOf(direct, ACCOUNT_222, 'eu-west-1').status).toBe('ok');
    const identities = sessionsOf(harness, ACCOUNT_222).map((s) => s.sourceIdentity);
    expect(identities).toEqual(expect.arrayContaining(['r.111111111111.3.ops.operator', 'direct']));
    // The first run of the file loads a fresh engine container and its clients.
  }, 20_000);

  it('reuses one session per caller in a warm container', async () => {
    // Prepare
    const fn = await harness.loadFunction();
    harness.endpoint.aws.calls.reset();

    // Act
    await fn.invoke({ action: 'status', targets: { accounts: [ACCOUNT_222] } });
    await fn.invoke({ action: 'status', targets: { accounts: [ACCOUNT_222] } });

    // Assess
    expect(harness.calls({ action: 'AssumeRole', outcome: 'OK' })).toBe(1);
  });

  it('still serves a service that sends none (the old service against the new target role)', async () => {
    // Prepare
    const fn = await harness.loadFunction({
      editConfig: (config) => ({ ...config, sourceIdentity: false }),
    });

    // Act
    const result = await fn.invoke({ action: 'status', targets: { accounts: [ACCOUNT_222] } });

    // Assess
    expect(targetOf(result, ACCOUNT_222, 'eu-west-1').status).toBe('ok');
  });
});

describe('SourceIdentity rollout: a target role deployed before it trusted sts:SetSourceIdentity', () => {
  const harness = useHarness({ targetTemplate: templateWithoutSetSourceIdentity() });

  it('refuses a service that sends SourceIdentity (why the target roles deploy first)', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke({ action: 'status', targets: { accounts: [ACCOUNT_222] } });

    // Assess
    const target = targetOf(result, ACCOUNT_222, 'eu-west-1');
    expect(target.status).toBe('failed');
    expect(target.error?.code).toBe('AccessDenied');
  });

  it('accepts the new service with sourceIdentity: false, exactly as before', async () => {
    // Prepare
    const fn = await harness.loadFunction({
      editConfig: (config) => ({ ...config, sourceIdentity: false }),
    });

    // Act
    const result = await fn.invoke({ action: 'status', targets: { accounts: [ACCOUNT_222] } });

    // Assess
    expect(targetOf(result, ACCOUNT_222, 'eu-west-1').status).toBe('ok');
    const identities = sessionsOf(harness, ACCOUNT_222).map((s) => s.sourceIdentity);
    expect(identities).toEqual([null]);
  });
});
