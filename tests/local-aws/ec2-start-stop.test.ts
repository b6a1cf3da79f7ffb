import {
  DescribeInstancesCommand,
  type EC2Client,
  StartInstancesCommand,
  StopInstancesCommand,
  waitUntilInstanceStopped,
} from '@aws-sdk/client-ec2';
import type { ManualClock } from '../../scripts/local-aws';
import { type Fixture, failureOf, startFixture } from './local-aws-fixture';

const WEB_1 = 'i-0222a000000000001'; // running, tagged
const BATCH_1 = 'i-0222a000000000003'; // stopped, tagged
const SHARED_DB = 'i-0222a000000000004'; // running, untagged
const DESKTOP = 'i-0222a000000000006'; // running, tagged, hibernation configured
const BOOTING = 'i-0222a000000000008'; // pending
const STOPPING = 'i-0222a000000000009'; // stopping
const KMS_DENIED = 'i-0222a00000000000a'; // stopped, key not in KmsKeyArns
const KMS_ALLOWED = 'i-0222a00000000000b'; // stopped, key in KmsKeyArns
const TERMINATED = 'i-0222a00000000000c';

describe('local-aws: EC2 StartInstances / StopInstances', () => {
  let fixture: Fixture;
  let clock: ManualClock;
  let ec2: EC2Client;

  beforeEach(async () => {
    fixture = await startFixture({
      settings: { pendingMs: 1000, stoppingMs: 2000, kmsFallbackMs: 500, timeFactor: 1 },
    });
    clock = fixture.clock as ManualClock;
    ec2 = fixture.ec2(await fixture.assume('222222222222'));
  });

  afterEach(async () => {
    await fixture.stop();
  });

  const stateOf = (id: string) => fixture.aws.world.instance(id)?.state;

  describe('DryRun', () => {
    it('answers DryRunOperation (412) when every instance is allowed, and changes nothing', async () => {
      // Act
      const error = await failureOf(
        ec2.send(new StopInstancesCommand({ InstanceIds: [WEB_1], DryRun: true })),
      );

      // Assess
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
        'DryRunOperation',
        412,
        'Request would have succeeded, but DryRun flag is set.',
      ]);
      expect(stateOf(WEB_1)).toBe('running');
    });

    it('answers UnauthorizedOperation (403) when an instance is not allowed', async () => {
      // Act
      const error = await failureOf(
        ec2.send(new StartInstancesCommand({ InstanceIds: [SHARED_DB], DryRun: true })),
      );

      // Assess
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['UnauthorizedOperation', 403]);
      expect(error.message).toContain(
        'is not authorized to perform: ec2:StartInstances on resource: arn:aws:ec2:eu-west-1:222222222222:instance/i-0222a000000000004',
      );
    });
  });

  it('fails the whole call when one instance is refused, as EC2 does', async () => {
    // Act
    const error = await failureOf(
      ec2.send(new StopInstancesCommand({ InstanceIds: [WEB_1, SHARED_DB] })),
    );

    // Assess
    expect(error.name).toBe('UnauthorizedOperation');
    expect(stateOf(WEB_1)).toBe('running');
    expect(
      fixture.authorizer.ec2Checks.map((check) => [
        check.action,
        check.resourceTags['xacct-ec2:managed'],
      ]),
    ).toEqual([
      ['ec2:StopInstances', 'local'],
      ['ec2:StopInstances', undefined],
    ]);
  });

  it('stops a running instance: stopping now, stopped after the transition time', async () => {
    // Act
    const answer = await ec2.send(new StopInstancesCommand({ InstanceIds: [WEB_1] }));
    clock.advance(1999);
    const midway = stateOf(WEB_1);
    clock.advance(1);

    // Assess
    expect(answer.StoppingInstances).toEqual([
      {
        InstanceId: WEB_1,
        CurrentState: { Code: 64, Name: 'stopping' },
        PreviousState: { Code: 16, Name: 'running' },
      },
    ]);
    expect(midway).toBe('stopping');
    expect(fixture.aws.world.instance(WEB_1)).toMatchObject({
      state: 'stopped',
      stateReason: { code: 'Client.UserInitiatedShutdown' },
    });
  });

  it('starts a stopped instance: pending now, running after the transition time', async () => {
    // Act
    const answer = await ec2.send(new StartInstancesCommand({ InstanceIds: [BATCH_1] }));
    clock.advance(1000);
    const later = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [BATCH_1] }));

    // Assess
    expect(answer.StartingInstances?.[0]).toMatchObject({
      CurrentState: { Name: 'pending' },
      PreviousState: { Name: 'stopped' },
    });
    const instance = later.Reservations?.[0]?.Instances?.[0];
    expect(instance?.State).toEqual({ Code: 16, Name: 'running' });
    expect(instance?.StateReason).toBeUndefined();
    expect(instance?.LaunchTime?.getTime()).toBe(Math.floor((clock.now() - 1000) / 1000) * 1000);
  });

  it('treats start of a running and stop of a stopped instance as successful no-ops', async () => {
    // Act
    const started = await ec2.send(new StartInstancesCommand({ InstanceIds: [WEB_1] }));
    const stopped = await ec2.send(new StopInstancesCommand({ InstanceIds: [BATCH_1] }));

    // Assess
    expect(started.StartingInstances?.[0]).toMatchObject({
      CurrentState: { Name: 'running' },
      PreviousState: { Name: 'running' },
    });
    expect(stopped.StoppingInstances?.[0]).toMatchObject({
      CurrentState: { Name: 'stopped' },
      PreviousState: { Name: 'stopped' },
    });
  });

  it.each([
    [
      'start a stopping instance',
      () => new StartInstancesCommand({ InstanceIds: [STOPPING] }),
      "The instance 'i-0222a000000000009' is not in a state from which it can be started.",
    ],
    [
      'stop a pending instance',
      () => new StopInstancesCommand({ InstanceIds: [BOOTING] }),
      "Instance 'i-0222a000000000008' cannot be stopped as it has never reached the 'running' state.",
    ],
    [
      'start a terminated instance',
      () => new StartInstancesCommand({ InstanceIds: [TERMINATED] }),
      "The instance 'i-0222a00000000000c' is not in a state from which it can be started.",
    ],
  ])('refuses to %s with IncorrectInstanceState', async (_case, command, message) => {
    // Act
    const error = await failureOf(ec2.send(command() as StartInstancesCommand));

    // Assess
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'IncorrectInstanceState',
      400,
      message,
    ]);
  });

  it('lets seeded transitional states settle on their own', async () => {
    // Act
    clock.advance(2000);

    // Assess
    expect([stateOf(BOOTING), stateOf(STOPPING)]).toEqual(['running', 'stopped']);
  });

  describe('Hibernate', () => {
    it('refuses an instance not configured for hibernation, without falling back to a stop', async () => {
      // Act
      const error = await failureOf(
        ec2.send(new StopInstancesCommand({ InstanceIds: [WEB_1], Hibernate: true })),
      );

      // Assess
      expect([error.name, error.$metadata.httpStatusCode]).toEqual([
        'UnsupportedHibernationConfiguration',
        400,
      ]);
      expect(stateOf(WEB_1)).toBe('running');
    });

    it('hibernates an instance configured for it', async () => {
      // Act
      await ec2.send(new StopInstancesCommand({ InstanceIds: [DESKTOP], Hibernate: true }));
      clock.advance(2000);
      const afterAStop = fixture.aws.world.instance(DESKTOP)?.state;
      clock.advance(2000);

      // Assess: hibernating takes longer than a stop (twice stoppingMs unless hibernatingMs is set)
      expect(afterAStop).toBe('stopping');
      expect(fixture.aws.world.instance(DESKTOP)).toMatchObject({
        state: 'stopped',
        stateReason: { code: 'Client.UserInitiatedHibernate' },
      });
    });
  });

  it('finishes a stop at once with Force', async () => {
    // Act
    const answer = await ec2.send(
      new StopInstancesCommand({ InstanceIds: [STOPPING], Force: true }),
    );

    // Assess
    expect(answer.StoppingInstances?.[0]).toMatchObject({
      PreviousState: { Name: 'stopping' },
      CurrentState: { Name: 'stopped' },
    });
  });

  it('accepts a start whose KMS key the role may not use, then falls back to stopped', async () => {
    // Act
    const answer = await ec2.send(
      new StartInstancesCommand({ InstanceIds: [KMS_DENIED, KMS_ALLOWED] }),
    );
    clock.advance(1000);
    const later = await ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [KMS_DENIED, KMS_ALLOWED] }),
    );

    // Assess
    expect(answer.StartingInstances?.map((change) => change.CurrentState?.Name)).toEqual([
      'pending',
      'pending',
    ]);
    const [denied, allowed] = (later.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    expect(denied).toMatchObject({
      InstanceId: KMS_DENIED,
      State: { Name: 'stopped' },
      StateReason: {
        Code: 'Client.InternalError',
        Message: 'Client.InternalError: Client error on launch',
      },
    });
    expect(allowed).toMatchObject({ InstanceId: KMS_ALLOWED, State: { Name: 'running' } });
    expect(
      fixture.authorizer.ec2Checks.filter((check) => check.action === 'kms:CreateGrant'),
    ).toHaveLength(2);
  });

  it('gives an Authorizer that takes request context the keys EC2 sets when it creates the grant', async () => {
    // Prepare
    const requests: unknown[] = [];
    Object.assign(fixture.authorizer, {
      authorizeRequest: async (check: unknown) => {
        requests.push(check);
        return { allowed: true, result: 'Allowed', explanation: 'test' };
      },
    });

    // Act
    await ec2.send(new StartInstancesCommand({ InstanceIds: [KMS_DENIED] }));
    clock.advance(1000);

    // Assess
    expect(requests).toEqual([
      {
        callerSessionArn:
          'arn:aws:sts::222222222222:assumed-role/xacct-ec2-local-target/test-session',
        callerRoleArn: 'arn:aws:iam::222222222222:role/xacct-ec2-local-target',
        action: 'kms:CreateGrant',
        resourceArn: 'arn:aws:kms:eu-west-1:222222222222:key/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
        resourceAccountId: '222222222222',
        region: 'eu-west-1',
        context: {
          'kms:ViaService': 'ec2.eu-west-1.amazonaws.com',
          'kms:GrantIsForAWSResource': 'true',
          'kms:GrantOperations': ['Decrypt'],
          'kms:EncryptionContextKeys': ['aws:ebs:id'],
        },
      },
    ]);
    expect(stateOf(KMS_DENIED)).toBe('running');
  });

  it('does not find a target instance with the home credentials', async () => {
    // Act
    const error = await failureOf(
      fixture
        .ec2(fixture.aws.homeCredentials)
        .send(new StopInstancesCommand({ InstanceIds: [WEB_1] })),
    );

    // Assess
    expect(error.name).toBe('InvalidInstanceID.NotFound');
  });

  it('satisfies the SDK waiter, which polls DescribeInstances', async () => {
    // Prepare
    await ec2.send(new StopInstancesCommand({ InstanceIds: [WEB_1] }));
    clock.advance(2000);

    // Act
    const result = await waitUntilInstanceStopped(
      { client: ec2, maxWaitTime: 5, minDelay: 1, maxDelay: 1 },
      { InstanceIds: [WEB_1] },
    );

    // Assess
    expect(result.state).toBe('SUCCESS');
  });

  it('answers an EC2 action it does not model with InvalidAction', async () => {
    // Prepare
    const { DescribeRegionsCommand } = await import('@aws-sdk/client-ec2');

    // Act
    const error = await failureOf(ec2.send(new DescribeRegionsCommand({})));

    // Assess
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'InvalidAction',
      400,
      'The action DescribeRegions is not valid for this web service.',
    ]);
  });
});
