/**
 * The real `sls invoke local -f instances --stage local` (osls, bundled by serverless-esbuild)
 * against the local endpoint with the real policy authorizer: the endpoint URLs and the home
 * session's credentials exist only in the CLI's environment.
 */
import type { RunResult } from '../../handlers/core/results';
import {
  type InvokeLocalRun,
  invokeLocal,
  type LocalEndpoint,
  startLocalEndpoint,
} from '../../scripts/run-local';
import { CREDENTIAL_PATTERNS } from '../helpers/sls';

const REFUSED = ['444444444444', '555555555555'];
const ALLOWED = [
  ['222222222222', 'eu-west-1'],
  ['222222222222', 'us-east-1'],
  ['333333333333', 'eu-central-1'],
] as const;

describe('sls invoke local against the local endpoint', () => {
  let endpoint: LocalEndpoint;
  let invocation: InvokeLocalRun;
  let result: RunResult;

  beforeAll(async () => {
    endpoint = await startLocalEndpoint({ reusePackaging: true, log: () => undefined });
    await endpoint.ready;
    invocation = await invokeLocal({
      stage: endpoint.stage,
      event: { action: 'status' },
      env: endpoint.clientEnv(),
      timeoutMs: 120_000,
    });
    if (!invocation.result) {
      throw new Error(`no result: ${invocation.error?.message}\n${invocation.run.stderr}`);
    }
    result = invocation.result;
  }, 180_000);

  afterAll(async () => {
    await endpoint?.stop();
  });

  it('exits 0 with a run result for every configured target', () => {
    // Assess
    expect({ code: invocation.run.code, timedOut: invocation.run.timedOut }).toEqual({
      code: 0,
      timedOut: false,
    });
    expect(result).toMatchObject({ action: 'status', dryRun: false });
    expect(result.targets.map((t) => t.accountId)).toEqual([
      '222222222222',
      '222222222222',
      '333333333333',
      ...REFUSED,
    ]);
  });

  it('reports the instances of the targets whose roles trust the function', () => {
    // Assess
    for (const [accountId, region] of ALLOWED) {
      const target = result.targets.find((t) => t.accountId === accountId && t.region === region);
      const inWorld = endpoint.aws.world
        .instancesIn(accountId, region)
        .filter((i) => i.tags.some((t) => t.key === 'xacct-ec2:managed' && t.value === 'local'))
        .filter((i) => i.state !== 'terminated');
      expect(target?.status).toBe('ok');
      expect(target?.resources.map((r) => r.id)).toEqual(inWorld.map((i) => i.instanceId));
    }
  });

  it('reports the refused targets as AccessDenied with what to check, decided by the endpoint', () => {
    // Assess
    for (const accountId of REFUSED) {
      const target = result.targets.find((t) => t.accountId === accountId);
      expect(target).toMatchObject({ status: 'failed', error: { code: 'AccessDenied' } });
      expect(target?.error?.checks.length).toBeGreaterThanOrEqual(5);
    }
    expect(endpoint.aws.calls.count({ action: 'AssumeRole', outcome: 'AccessDenied' })).toBe(2);
    expect(endpoint.aws.calls.count({ action: 'AssumeRole', outcome: 'OK' })).toBe(2);
  });

  it('keeps the endpoint and its credentials out of this process and out of the output', () => {
    // Assess
    expect(process.env.AWS_ENDPOINT_URL_STS).toBeUndefined();
    expect(process.env.AWS_ENDPOINT_URL_EC2).toBeUndefined();
    const output = `${invocation.run.stdout}\n${invocation.run.stderr}`;
    expect(output).not.toContain(endpoint.aws.homeCredentials.secretAccessKey);
    expect(output).not.toContain(endpoint.aws.homeCredentials.sessionToken);
    for (const pattern of CREDENTIAL_PATTERNS) expect(output).not.toMatch(pattern);
  });
});
