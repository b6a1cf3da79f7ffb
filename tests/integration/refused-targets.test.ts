/**
 * Targets whose AssumeRole the policies refuse: a trust policy that trusts another stage's
 * execution role (444444444444), an account without the role (555555555555), and a wrong or
 * missing ExternalId. Each is reported failed with a diagnosis; the other targets proceed.
 */
import type { RuntimeConfig } from '../../handlers/config/stage-config';
import {
  ACCOUNT_222,
  ACCOUNT_333,
  ACCOUNT_444,
  ACCOUNT_555,
  targetOf,
  useHarness,
} from './harness';

const HOME = '111111111111';

/** The stage configuration with 222222222222's ExternalId changed (undefined: none sent). */
function withExternalId(externalId: string | undefined) {
  return (config: RuntimeConfig): RuntimeConfig => ({
    ...config,
    targets: config.targets.map((t) => {
      if (t.accountId !== ACCOUNT_222) return t;
      const { externalId: _configured, ...rest } = t;
      return externalId === undefined ? rest : { ...rest, externalId };
    }),
  });
}

describe('instances handler against the local endpoint: refused targets', () => {
  const harness = useHarness({ resetBeforeEach: ['calls'] });

  it('reports the target whose trust policy trusts another role as failed, with what to check, and works on the others', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke({ action: 'status' });

    // Assess
    const refused = targetOf(result, ACCOUNT_444, 'eu-west-1');
    expect(refused).toMatchObject({ status: 'failed', resources: [] });
    expect(refused.error?.code).toBe('AccessDenied');
    expect(refused.error?.message).toContain(
      `is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${ACCOUNT_444}:role/xacct-ec2-local-target`,
    );
    expect(refused.error?.checks.join('\n')).toContain(
      `the trust policy of arn:aws:iam::${ACCOUNT_444}:role/xacct-ec2-local-target must trust the function's execution role (xacct-ec2-local-eu-west-1-exec)`,
    );
    for (const [accountId, region] of [
      [ACCOUNT_222, 'eu-west-1'],
      [ACCOUNT_222, 'us-east-1'],
      [ACCOUNT_333, 'eu-central-1'],
    ] as const) {
      expect(targetOf(result, accountId, region).status).toBe('ok');
      expect(targetOf(result, accountId, region).resources.length).toBeGreaterThan(0);
    }
    expect(result.summary).toMatchObject({ targets: 5, targetsFailed: 2 });
    // The refusal came from the endpoint's policy evaluation, and nothing reached 444's EC2.
    expect(harness.calls({ action: 'AssumeRole', outcome: 'AccessDenied' })).toBe(2);
    expect(harness.calls({ service: 'ec2', accountId: ACCOUNT_444 })).toBe(0);
  });

  it('reports an account where the role was never deployed with the same AccessDenied', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke({ action: 'status', targets: { accounts: [ACCOUNT_555] } });

    // Assess
    const target = targetOf(result, ACCOUNT_555, 'eu-west-1');
    expect(target.status).toBe('failed');
    expect(target.error?.code).toBe('AccessDenied');
    expect(target.error?.checks.join('\n')).toContain(
      `The role must exist in account ${ACCOUNT_555} with exactly the name "xacct-ec2-local-target"`,
    );
  });

  it('refuses a wrong ExternalId and says that the one sent must match the trust policy', async () => {
    // Prepare
    const fn = await harness.loadFunction({ editConfig: withExternalId('xacct-ec2-local-wrong') });

    // Act
    const result = await fn.invoke({
      action: 'status',
      targets: { accounts: [ACCOUNT_222, ACCOUNT_333] },
    });

    // Assess
    for (const region of ['eu-west-1', 'us-east-1']) {
      const target = targetOf(result, ACCOUNT_222, region);
      expect(target.status).toBe('failed');
      expect(target.error?.code).toBe('AccessDenied');
      expect(target.error?.checks).toContainEqual(
        expect.stringMatching(/^An ExternalId was sent \(configured for account 222222222222/),
      );
    }
    expect(targetOf(result, ACCOUNT_333, 'eu-central-1').status).toBe('ok');
    expect(
      harness.calls({
        service: 'sts',
        accountId: HOME,
        action: 'AssumeRole',
        outcome: 'AccessDenied',
      }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('refuses a missing ExternalId and says to configure the one the trust policy requires', async () => {
    // Prepare
    const fn = await harness.loadFunction({ editConfig: withExternalId(undefined) });

    // Act
    const result = await fn.invoke({ action: 'status', targets: { accounts: [ACCOUNT_222] } });

    // Assess
    const target = targetOf(result, ACCOUNT_222, 'eu-west-1');
    expect(target.status).toBe('failed');
    expect(target.error?.code).toBe('AccessDenied');
    expect(target.error?.checks).toContainEqual(
      expect.stringMatching(
        /^No ExternalId was sent \(none is configured for account 222222222222/,
      ),
    );
  });

  it('accepts the ExternalId the target stack was deployed with (the control case)', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const result = await fn.invoke({ action: 'status', targets: { accounts: [ACCOUNT_222] } });

    // Assess
    expect(result.targets.map((t) => t.status)).toEqual(['ok', 'ok']);
    expect(harness.calls({ action: 'AssumeRole', outcome: 'OK' })).toBe(1);
  });
});
