import {
  DescribeInstancesCommand,
  EC2Client,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { UnknownTargetError } from '../../../handlers/core/errors';
import { runRequest, streamRequest } from '../../../handlers/core/run';
import type { Ec2Request } from '../../../handlers/tasks';
import { ec2Task } from '../../../handlers/tasks/ec2/task';
import { TEST_CONFIG } from '../../helpers/config';
import { aDeps, aRecordingLogger } from '../../helpers/deps';
import { awsError, LEAKED_ACCESS_KEY, LEAKED_SESSION_TOKEN } from '../../helpers/errors';
import { anInstance, describePage, stateChange, stoppingEach } from '../../helpers/instances';

const ALL_TARGETS = [
  { accountId: '222222222222', region: 'eu-west-1' },
  { accountId: '222222222222', region: 'us-east-1' },
  { accountId: '333333333333', region: 'eu-central-1' },
];

function aRequest(overrides: Partial<Ec2Request> = {}): Ec2Request {
  return {
    action: 'stop',
    targets: ALL_TARGETS,
    dryRun: false,
    hibernate: false,
    wait: false,
    ...overrides,
  };
}

/** One running instance per target, its ID derived from the region. */
const INSTANCE_BY_REGION: Record<string, string> = {
  'eu-west-1': 'i-0000000a',
  'us-east-1': 'i-0000000b',
  'eu-central-1': 'i-0000000c',
};

describe('Function: runRequest', () => {
  const ec2Mock = mockClient(EC2Client);

  beforeEach(() => {
    ec2Mock.reset();
  });

  it('stops the selected instances with one call per target and counts the outcomes', async () => {
    // Prepare
    const { deps, targetOf } = aDeps();
    ec2Mock.on(DescribeInstancesCommand).callsFake((_input, getClient) => {
      const id = INSTANCE_BY_REGION[targetOf(getClient).region] as string;
      return describePage([
        anInstance({ id, name: `web-${id}` }),
        anInstance({ id: `${id}1`, state: 'stopped' }),
      ]);
    });
    ec2Mock.on(StopInstancesCommand).callsFake(stoppingEach);

    // Act
    const result = await runRequest(ec2Task, aRequest(), deps);

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(StopInstancesCommand, 3);
    expect(result.summary).toEqual({
      targets: 3,
      targetsFailed: 0,
      targetsNotProcessed: 0,
      resources: 6,
      changed: 3,
      unchanged: 3,
      skipped: 0,
      failed: 0,
      notProcessed: 0,
    });
    expect(result.targets.map((t) => [t.accountId, t.region, t.status])).toEqual(
      ALL_TARGETS.map((t) => [t.accountId, t.region, 'ok']),
    );
    expect(result).toMatchObject({
      version: 2,
      task: 'ec2',
      action: 'stop',
      dryRun: false,
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      startedAt: '2026-01-05T19:00:00.005Z',
      unmatchedIds: [],
    });
    expect(result.durationMs).toBeGreaterThan(0);
    // Format v2 speaks of typed resources, and of nothing else.
    expect(result.targets[0]?.resources[0]).toEqual({
      type: 'ec2:instance',
      id: 'i-0000000a',
      name: 'web-i-0000000a',
      previousState: 'running',
      currentState: 'stopping',
      outcome: 'changed',
    });
    expect(result.targets[0]).not.toHaveProperty('instances');
  });

  it('lists requested IDs that no target holds', async () => {
    // Prepare
    const { deps, targetOf } = aDeps();
    ec2Mock
      .on(DescribeInstancesCommand)
      .callsFake((_input, getClient) =>
        describePage(
          targetOf(getClient).region === 'eu-west-1'
            ? [anInstance({ id: 'i-0000000a', state: 'stopped' })]
            : [],
        ),
      );
    ec2Mock.on(StartInstancesCommand).resolves({
      StartingInstances: [stateChange('i-0000000a', 'stopped', 'pending')],
    });

    // Act
    const result = await runRequest(
      ec2Task,
      aRequest({ action: 'start', instanceIds: ['i-0000000a', 'i-0123456789abcdef0'] }),
      deps,
    );

    // Assess
    expect(result.unmatchedIds).toEqual(['i-0123456789abcdef0']);
    expect(result).not.toHaveProperty('unmatchedInstanceIds');
    expect(result.summary.changed).toBe(1);
  });

  it('keeps working on the other targets when one fails, with a diagnosis', async () => {
    // Prepare
    const { deps, targetOf } = aDeps();
    ec2Mock.on(DescribeInstancesCommand).callsFake((_input, getClient) => {
      const target = targetOf(getClient);
      if (target.accountId === '333333333333') {
        throw awsError('AccessDenied', 'not authorized to perform: sts:AssumeRole');
      }
      return describePage([anInstance({ id: INSTANCE_BY_REGION[target.region] as string })]);
    });

    // Act
    const result = await runRequest(ec2Task, aRequest({ action: 'status' }), deps);

    // Assess
    const failed = result.targets[2];
    expect(failed).toMatchObject({
      accountId: '333333333333',
      status: 'failed',
      resources: [],
      error: {
        code: 'AccessDenied',
        checks: expect.arrayContaining([expect.stringMatching(/No ExternalId was sent/)]),
      },
    });
    expect(result.targets.slice(0, 2).map((t) => t.status)).toEqual(['ok', 'ok']);
    expect(result.summary).toMatchObject({ targetsFailed: 1, resources: 2, unchanged: 2 });
  });

  it('marks targets not processed when the invocation is close to its deadline', async () => {
    // Prepare: each describe costs 150 s of the budget; the reserve is 1 s
    let remaining = 300_000;
    const { deps } = aDeps({
      config: { ...TEST_CONFIG, concurrency: 1 },
      remainingMillis: () => remaining,
    });
    ec2Mock.on(DescribeInstancesCommand).callsFake(() => {
      remaining -= 150_000;
      return describePage([]);
    });

    // Act
    const result = await runRequest(ec2Task, aRequest({ action: 'status' }), deps);

    // Assess
    expect(result.targets.map((t) => t.status)).toEqual(['ok', 'ok', 'not-processed']);
    expect(result.targets[2]?.reason).toMatch(/reserveMillis/);
    expect(result.summary.targetsNotProcessed).toBe(1);
  });

  it('reports what a target selected as not-processed when the reserve is reached before its act, what it skipped as skipped', async () => {
    // Prepare: the describe uses up the invocation down to half the reserve
    let remaining = 300_000;
    const { deps } = aDeps({ remainingMillis: () => remaining });
    ec2Mock.on(DescribeInstancesCommand).callsFake(() => {
      remaining = TEST_CONFIG.reserveMillis / 2;
      return describePage([
        anInstance({ id: 'i-0000000a' }),
        anInstance({ id: 'i-0000000b', controlTag: false }),
      ]);
    });

    // Act
    const result = await runRequest(
      ec2Task,
      aRequest({ instanceIds: ['i-0000000a', 'i-0000000b'], targets: ALL_TARGETS.slice(0, 1) }),
      deps,
    );

    // Assess: nothing stopped, and both instances found still end with an outcome
    expect(ec2Mock).toHaveReceivedCommandTimes(StopInstancesCommand, 0);
    expect(result.targets[0]).toMatchObject({
      status: 'not-processed',
      reason: expect.stringMatching(/reserveMillis/),
    });
    expect(result.targets[0]?.resources.map((r) => [r.id, r.outcome])).toEqual([
      ['i-0000000a', 'not-processed'],
      ['i-0000000b', 'skipped'],
    ]);
    expect(result.targets[0]?.resources[0]?.reason).toMatch(/reserveMillis/);
    expect(result.summary).toMatchObject({
      targetsNotProcessed: 1,
      resources: 2,
      notProcessed: 1,
      skipped: 1,
    });
    expect(result.unmatchedIds).toEqual([]);
  });

  it('reports a target that is not configured as failed, without touching EC2', async () => {
    // Prepare
    const { deps } = aDeps({
      clientFor: (t) => {
        throw new UnknownTargetError(t.accountId, t.region);
      },
    });

    // Act
    const result = await runRequest(
      ec2Task,
      aRequest({ targets: [ALL_TARGETS[0] as (typeof ALL_TARGETS)[0]] }),
      deps,
    );

    // Assess
    expect(ec2Mock).not.toHaveReceivedCommand(DescribeInstancesCommand);
    expect(result.targets[0]).toMatchObject({
      status: 'failed',
      error: { code: 'UnknownTargetError' },
    });
  });

  it('reports a dry run verdict per target without changing anything', async () => {
    // Prepare
    const { deps } = aDeps();
    ec2Mock.on(DescribeInstancesCommand).resolves(describePage([anInstance({ id: 'i-0000000a' })]));
    ec2Mock.on(StopInstancesCommand).rejects(awsError('DryRunOperation'));

    // Act
    const result = await runRequest(
      ec2Task,
      aRequest({ dryRun: true, targets: ALL_TARGETS.slice(0, 1) }),
      deps,
    );

    // Assess
    expect(ec2Mock).toHaveReceivedCommandWith(StopInstancesCommand, { DryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.targets[0]?.dryRun?.verdict).toBe('would-succeed');
    expect(result.summary).toMatchObject({ changed: 0, unchanged: 1 });
  });

  it('only describes for a status dry run', async () => {
    // Prepare
    const { deps } = aDeps();
    ec2Mock.on(DescribeInstancesCommand).resolves(describePage([anInstance({ id: 'i-0000000a' })]));

    // Act
    const result = await runRequest(
      ec2Task,
      aRequest({ action: 'status', dryRun: true, targets: ALL_TARGETS.slice(0, 1) }),
      deps,
    );

    // Assess
    expect(ec2Mock.calls()).toHaveLength(1);
    expect(result.targets[0]?.resources).toEqual([
      { type: 'ec2:instance', id: 'i-0000000a', currentState: 'running', outcome: 'unchanged' },
    ]);
  });

  it('notes unusual stop reasons in a status report, not ordinary user stops', async () => {
    // Prepare
    const { deps } = aDeps();
    ec2Mock.on(DescribeInstancesCommand).resolves(
      describePage([
        anInstance({
          id: 'i-0000000a',
          state: 'stopped',
          stateReason: { code: 'Client.UserInitiatedShutdown' },
        }),
        anInstance({
          id: 'i-0000000b',
          state: 'stopped',
          stateReason: {
            code: 'Client.InternalError',
            message: 'Client.InternalError: Client error on launch',
          },
        }),
      ]),
    );

    // Act
    const result = await runRequest(
      ec2Task,
      aRequest({ action: 'status', targets: ALL_TARGETS.slice(0, 1) }),
      deps,
    );

    // Assess
    expect(result.targets[0]?.resources).toEqual([
      { type: 'ec2:instance', id: 'i-0000000a', currentState: 'stopped', outcome: 'unchanged' },
      {
        type: 'ec2:instance',
        id: 'i-0000000b',
        currentState: 'stopped',
        outcome: 'unchanged',
        reason: 'last state change: Client.InternalError: Client error on launch',
      },
    ]);
  });

  it('waits and reports a start that fell back to stopped as failed', async () => {
    // Prepare
    const { deps } = aDeps();
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce(describePage([anInstance({ id: 'i-0000000a', state: 'stopped' })]))
      .resolves(
        describePage([
          anInstance({
            id: 'i-0000000a',
            state: 'stopped',
            stateReason: {
              code: 'Client.InternalError',
              message: 'Client.InternalError: Client error on launch',
            },
          }),
        ]),
      );
    ec2Mock.on(StartInstancesCommand).resolves({
      StartingInstances: [stateChange('i-0000000a', 'stopped', 'pending')],
    });

    // Act
    const result = await runRequest(
      ec2Task,
      aRequest({ action: 'start', wait: true, targets: ALL_TARGETS.slice(0, 1) }),
      deps,
    );

    // Assess
    expect(result.targets[0]?.resources[0]).toMatchObject({
      outcome: 'failed',
      code: 'Client.InternalError',
    });
    expect(result.summary).toMatchObject({ changed: 0, failed: 1 });
  });

  it('bounds the wait by the time the invocation has left', async () => {
    // Prepare: enough time to select and to start the target, then only the reserve is left to wait in
    const remainingMillis = jest
      .fn()
      .mockReturnValueOnce(300_000)
      .mockReturnValueOnce(300_000)
      .mockReturnValue(TEST_CONFIG.reserveMillis);
    const { deps } = aDeps({ remainingMillis });
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce(describePage([anInstance({ id: 'i-0000000a', state: 'stopped' })]))
      .resolves(describePage([anInstance({ id: 'i-0000000a', state: 'pending' })]));
    ec2Mock.on(StartInstancesCommand).resolves({
      StartingInstances: [stateChange('i-0000000a', 'stopped', 'pending')],
    });

    // Act
    const result = await runRequest(
      ec2Task,
      aRequest({ action: 'start', wait: true, targets: ALL_TARGETS.slice(0, 1) }),
      deps,
    );

    // Assess: one describe to select, one to report; no polling
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2);
    expect(result.targets[0]?.resources[0]).toMatchObject({
      outcome: 'changed',
      currentState: 'pending',
      reason: expect.stringMatching(/^start under way/),
    });
  });

  it('keeps credentials out of the result and the logs', async () => {
    // Prepare
    const logger = aRecordingLogger();
    const { deps } = aDeps({ logger });
    ec2Mock
      .on(DescribeInstancesCommand)
      .rejects(
        awsError(
          'AuthFailure',
          `request signed with ${LEAKED_ACCESS_KEY}; X-Amz-Security-Token=${LEAKED_SESSION_TOKEN}`,
        ),
      );

    // Act
    const result = await runRequest(ec2Task, aRequest({ targets: ALL_TARGETS.slice(0, 1) }), deps);

    // Assess
    const everything = JSON.stringify([result, logger.lines]);
    expect(logger.lines.some(([level]) => level === 'warn')).toBe(true);
    expect(everything).not.toContain(LEAKED_ACCESS_KEY);
    expect(everything).not.toContain(LEAKED_SESSION_TOKEN.slice(0, 20));
  });
});

describe('Function: streamRequest', () => {
  const ec2Mock = mockClient(EC2Client);

  beforeEach(() => {
    ec2Mock.reset();
  });

  it('hands every target to the sink once, with its place in the request, and counts them all', async () => {
    // Prepare: one running instance per target, the middle target refused
    const { deps, targetOf } = aDeps();
    ec2Mock.on(DescribeInstancesCommand).callsFake((_input, getClient) => {
      const { region } = targetOf(getClient);
      if (region === 'us-east-1') throw awsError('UnauthorizedOperation', 'not allowed');
      return describePage([anInstance({ id: INSTANCE_BY_REGION[region] as string })]);
    });
    ec2Mock.on(StopInstancesCommand).callsFake(stoppingEach);
    const handed: Array<{ index: number; region: string; status: string }> = [];

    // Act
    const outline = await streamRequest(ec2Task, aRequest(), deps, ({ result }, index) => {
      handed.push({ index, region: result.region, status: result.status });
    });

    // Assess
    expect([...handed].sort((a, b) => a.index - b.index)).toEqual([
      { index: 0, region: 'eu-west-1', status: 'ok' },
      { index: 1, region: 'us-east-1', status: 'failed' },
      { index: 2, region: 'eu-central-1', status: 'ok' },
    ]);
    expect(outline).not.toHaveProperty('targets');
    expect(outline.summary).toMatchObject({
      targets: 3,
      targetsFailed: 1,
      resources: 2,
      changed: 2,
    });
  });

  it('lets runRequest keep every target in request order, the fields in the documented order', async () => {
    // Prepare
    const { deps, targetOf } = aDeps();
    ec2Mock
      .on(DescribeInstancesCommand)
      .callsFake((_input, getClient) =>
        describePage([
          anInstance({ id: INSTANCE_BY_REGION[targetOf(getClient).region] as string }),
        ]),
      );

    // Act
    const result = await runRequest(ec2Task, aRequest({ action: 'status' }), deps);

    // Assess
    expect(Object.keys(result)).toEqual([
      'version',
      'task',
      'action',
      'dryRun',
      'requestId',
      'startedAt',
      'durationMs',
      'summary',
      'targets',
      'unmatchedIds',
    ]);
    expect(result.targets.map((t) => t.region)).toEqual(ALL_TARGETS.map((t) => t.region));
  });
});
