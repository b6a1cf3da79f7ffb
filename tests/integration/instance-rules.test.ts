/**
 * What the function does with particular instances, against the local endpoint with the
 * policies that deploy: one the role may not touch, an Auto Scaling member, hibernation where it
 * was and was not configured, a start that falls back to stopped, and dry runs either way.
 * Each test works on its own instances, so their order does not matter.
 */
import { EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { HIBERNATED, HIBERNATION_NOT_CONFIGURED } from '../../handlers/tasks/ec2/act';
import { WOULD_SUCCEED } from '../../handlers/tasks/ec2/dry-run';
import { ACCOUNT_222, instanceOf, type LoadedFunction, targetOf, useHarness } from './harness';

const WEB_1 = 'i-0222a000000000001';
const WEB_2 = 'i-0222a000000000002';
const SHARED_DB = 'i-0222a000000000004'; // running, no control tag
const LEGACY_APP = 'i-0222a000000000005'; // running, control tag = "false"
const DEV_DESKTOP = 'i-0222a000000000006'; // configured for hibernation
const ASG_MEMBER = 'i-0222a000000000007';
const KMS_DENIED = 'i-0222a00000000000a';
const KMS_ALLOWED = 'i-0222a00000000000b';
const EU_WEST_1 = { accounts: [ACCOUNT_222], regions: ['eu-west-1'] };

describe('instances handler against the local endpoint: instance rules', () => {
  const harness = useHarness({ resetBeforeEach: ['calls'] });
  let fn: LoadedFunction;

  beforeAll(async () => {
    fn = await harness.loadFunction();
  });

  const world = (id: string) => harness.endpoint.aws.world.instance(id);

  it('skips an untagged instance requested by ID, which the target role really may not stop', async () => {
    // Prepare: the target role's session, as the function would get it.
    const { aws } = harness.endpoint;
    const sts = new STSClient({
      region: aws.region,
      endpoint: aws.url,
      credentials: aws.homeCredentials,
    });
    const externalId = fn.config.targets.find((t) => t.accountId === ACCOUNT_222)?.externalId;
    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT_222}:role/xacct-ec2-local-target`,
        RoleSessionName: 'integration-test',
        ExternalId: externalId,
      }),
    );
    const ec2 = new EC2Client({
      region: 'eu-west-1',
      endpoint: aws.url,
      maxAttempts: 1,
      credentials: {
        accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
        secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
        sessionToken: assumed.Credentials?.SessionToken ?? '',
      },
    });

    // Act
    const result = await fn.invoke({
      action: 'stop',
      instanceIds: [SHARED_DB],
      targets: EU_WEST_1,
    });
    const direct = await ec2.send(new StopInstancesCommand({ InstanceIds: [SHARED_DB] })).then(
      () => 'stopped',
      (error: Error) => error.name,
    );

    // Assess
    expect(instanceOf(result, SHARED_DB)).toMatchObject({
      outcome: 'skipped',
      currentState: 'running',
      reason: expect.stringMatching(/^not tagged xacct-ec2:managed=local/),
    });
    expect(direct).toBe('UnauthorizedOperation');
    expect(world(SHARED_DB)?.state).toBe('running');
    sts.destroy();
    ec2.destroy();
  });

  it('leaves an Auto Scaling group member alone without calling StopInstances', async () => {
    // Act
    const result = await fn.invoke({
      action: 'stop',
      instanceIds: [ASG_MEMBER],
      targets: EU_WEST_1,
    });

    // Assess
    expect(instanceOf(result, ASG_MEMBER)).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringContaining('member of Auto Scaling group "web-asg"'),
    });
    expect(harness.calls({ action: 'StopInstances' })).toBe(0);
    expect(world(ASG_MEMBER)?.state).toBe('running');
  });

  it('hibernates the instance configured for it and stops the other normally', async () => {
    // Act
    const result = await fn.invoke({
      action: 'stop',
      hibernate: true,
      wait: true,
      instanceIds: [DEV_DESKTOP, WEB_1],
      targets: EU_WEST_1,
    });

    // Assess
    expect(instanceOf(result, DEV_DESKTOP)).toMatchObject({
      outcome: 'changed',
      previousState: 'running',
      currentState: 'stopped',
    });
    expect(instanceOf(result, DEV_DESKTOP).reason).toBe(HIBERNATED);
    expect(instanceOf(result, WEB_1)).toMatchObject({
      outcome: 'changed',
      currentState: 'stopped',
      reason: HIBERNATION_NOT_CONFIGURED,
    });
    expect(world(DEV_DESKTOP)?.stateReason?.code).toBe('Client.UserInitiatedHibernate');
    expect(world(WEB_1)?.stateReason?.code).toBe('Client.UserInitiatedShutdown');
    // One call with Hibernate for the configured one, one without for the other.
    expect(harness.calls({ action: 'StopInstances', outcome: 'OK' })).toBe(2);
  });

  it('reports a start that falls back to stopped as failed, found by waiting', async () => {
    // Act
    const result = await fn.invoke({
      action: 'start',
      wait: true,
      instanceIds: [KMS_DENIED, KMS_ALLOWED],
      targets: EU_WEST_1,
    });

    // Assess
    expect(instanceOf(result, KMS_DENIED)).toMatchObject({
      outcome: 'failed',
      code: 'Client.InternalError',
      previousState: 'stopped',
      currentState: 'stopped',
      reason: expect.stringContaining('customer-managed KMS key the target role cannot use'),
    });
    expect(instanceOf(result, KMS_ALLOWED)).toMatchObject({
      outcome: 'changed',
      currentState: 'running',
    });
    expect(world(KMS_DENIED)).toMatchObject({
      state: 'stopped',
      stateReason: { code: 'Client.InternalError' },
    });
    // StartInstances itself was accepted: only the wait could tell.
    expect(harness.calls({ action: 'StartInstances', outcome: 'OK' })).toBe(1);
  });

  it('says a dry run would succeed for a control-tagged instance, and changes nothing', async () => {
    // Act
    const result = await fn.invoke({
      action: 'stop',
      dryRun: true,
      instanceIds: [WEB_2],
      targets: EU_WEST_1,
    });

    // Assess
    expect(targetOf(result, ACCOUNT_222, 'eu-west-1').dryRun).toMatchObject({
      verdict: 'would-succeed',
    });
    expect(instanceOf(result, WEB_2)).toMatchObject({
      outcome: 'unchanged',
      reason: WOULD_SUCCEED,
    });
    expect(harness.calls({ action: 'StopInstances', outcome: 'DryRunOperation' })).toBe(1);
    expect(world(WEB_2)?.state).toBe('running');
  });

  it('says a dry run is not authorised when the stage selects instances the role may not touch', async () => {
    // Prepare: a stage whose control tag disagrees with the target stack's (xacct-ec2:managed=local).
    const misconfigured = await harness.loadFunction({
      editConfig: (config) => ({ ...config, controlTagValue: 'false' }),
    });

    // Act
    const result = await misconfigured.invoke({ action: 'stop', dryRun: true, targets: EU_WEST_1 });

    // Assess
    expect(targetOf(result, ACCOUNT_222, 'eu-west-1').dryRun).toMatchObject({
      verdict: 'not-authorised',
    });
    expect(instanceOf(result, LEGACY_APP)).toMatchObject({
      outcome: 'failed',
      code: 'UnauthorizedOperation',
      reason: expect.stringMatching(/^dry run: not authorised/),
    });
    expect(harness.calls({ action: 'StopInstances', outcome: 'UnauthorizedOperation' })).toBe(1);
    expect(world(LEGACY_APP)?.state).toBe('running');
  });
});
