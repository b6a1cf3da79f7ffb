import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import type { InstanceResult } from '../../../../handlers/tasks/ec2/instance-result';
import { classifyStart, waitForFinalStates } from '../../../../handlers/tasks/ec2/wait';
import { FAST_WAITER } from '../../../helpers/config';
import { anInstance, aSelected, describePage } from '../../../helpers/instances';

const OPTIONS = { ...FAST_WAITER, maxWaitSeconds: 2 };

function changed(id: string, previous: string, current: string): InstanceResult {
  return { instanceId: id, previousState: previous, currentState: current, outcome: 'changed' };
}

const KMS_FALLBACK = {
  code: 'Client.InternalError',
  message: 'Client.InternalError: Client error on launch',
};

describe('Function: waitForFinalStates', () => {
  const ec2Mock = mockClient(EC2Client);
  const client = new EC2Client({ region: 'eu-west-1' });

  beforeEach(() => {
    ec2Mock.reset();
  });

  it('confirms a start once every instance is running', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce(describePage([anInstance({ id: 'i-0000000a', state: 'pending' })]))
      .resolves(describePage([anInstance({ id: 'i-0000000a', state: 'running' })]));
    const before = new Map([['i-0000000a', aSelected({ id: 'i-0000000a', state: 'stopped' })]]);

    // Act
    const results = await waitForFinalStates(
      client,
      'start',
      [changed('i-0000000a', 'stopped', 'pending')],
      before,
      OPTIONS,
    );

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [{ Name: 'instance-id', Values: ['i-0000000a'] }],
    });
    expect(results).toEqual([
      {
        instanceId: 'i-0000000a',
        previousState: 'stopped',
        currentState: 'running',
        outcome: 'changed',
      },
    ]);
  });

  it('reports a start that falls back to stopped (KMS) as failed, never changed', async () => {
    // Prepare: pending, then back to stopped with Client.InternalError, while another starts fine
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce(
        describePage([
          anInstance({ id: 'i-0000000a', state: 'pending' }),
          anInstance({ id: 'i-0000000b', state: 'pending' }),
        ]),
      )
      .resolves(
        describePage([
          anInstance({ id: 'i-0000000a', state: 'stopped', stateReason: KMS_FALLBACK }),
          anInstance({ id: 'i-0000000b', state: 'running' }),
        ]),
      );
    const before = new Map(
      ['i-0000000a', 'i-0000000b'].map((id) => [
        id,
        aSelected({ id, state: 'stopped', stateReason: { code: 'Client.UserInitiatedShutdown' } }),
      ]),
    );

    // Act
    const results = await waitForFinalStates(
      client,
      'start',
      [changed('i-0000000a', 'stopped', 'pending'), changed('i-0000000b', 'stopped', 'pending')],
      before,
      OPTIONS,
    );

    // Assess
    expect(results[0]).toMatchObject({
      instanceId: 'i-0000000a',
      outcome: 'failed',
      currentState: 'stopped',
      code: 'Client.InternalError',
      reason: expect.stringMatching(/kms:CreateGrant.*key policy.*README → Troubleshooting/s),
    });
    expect(results[1]).toMatchObject({
      instanceId: 'i-0000000b',
      outcome: 'changed',
      currentState: 'running',
    });
  });

  it('reports an insufficient-capacity fallback with its code', async () => {
    // Prepare: the fallback is already visible at the first poll
    ec2Mock.on(DescribeInstancesCommand).resolves(
      describePage([
        anInstance({
          id: 'i-0000000a',
          state: 'stopped',
          stateReason: { code: 'Server.InsufficientInstanceCapacity' },
        }),
      ]),
    );
    const before = new Map([['i-0000000a', aSelected({ id: 'i-0000000a', state: 'stopped' })]]);

    // Act
    const results = await waitForFinalStates(
      client,
      'start',
      [changed('i-0000000a', 'stopped', 'pending')],
      before,
      OPTIONS,
    );

    // Assess
    expect(results[0]).toMatchObject({
      outcome: 'failed',
      code: 'Server.InsufficientInstanceCapacity',
      reason: expect.stringContaining('capacity'),
    });
  });

  it('reports a start not confirmed within the time budget as a timeout failure', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(describePage([anInstance({ id: 'i-0000000a', state: 'pending' })]));
    const before = new Map([['i-0000000a', aSelected({ id: 'i-0000000a', state: 'stopped' })]]);

    // Act
    const results = await waitForFinalStates(
      client,
      'start',
      [changed('i-0000000a', 'stopped', 'pending')],
      before,
      { ...FAST_WAITER, maxWaitSeconds: 0.05 },
    );

    // Assess: accepted and under way, not a failure
    expect(results[0]).toMatchObject({ outcome: 'changed', currentState: 'pending' });
    expect(results[0]?.code).toBeUndefined();
    expect(results[0]?.reason).toMatch(/^start under way: still pending after waiting 0s/);
  });

  it('uses the SDK stopped waiter and confirms the stop', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce(describePage([anInstance({ id: 'i-0000000a', state: 'stopping' })]))
      .resolves(describePage([anInstance({ id: 'i-0000000a', state: 'stopped' })]));

    // Act
    const results = await waitForFinalStates(
      client,
      'stop',
      [changed('i-0000000a', 'running', 'stopping')],
      new Map(),
      OPTIONS,
    );

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2);
    expect(results[0]).toMatchObject({ outcome: 'changed', currentState: 'stopped' });
  });

  it('reports a stop still stopping after the wait as changed and under way, not failed', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(describePage([anInstance({ id: 'i-0000000a', state: 'stopping' })]));

    // Act
    const results = await waitForFinalStates(
      client,
      'stop',
      [changed('i-0000000a', 'running', 'stopping')],
      new Map(),
      { ...FAST_WAITER, maxWaitSeconds: 0.05 },
    );

    // Assess
    expect(results[0]).toMatchObject({ outcome: 'changed', currentState: 'stopping' });
    expect(results[0]?.code).toBeUndefined();
    expect(results[0]?.reason).toMatch(/^stop under way: still stopping after waiting 0s/);
  });

  it('leaves results that were not changed untouched and polls nothing for them', async () => {
    // Prepare
    const unchanged: InstanceResult = {
      instanceId: 'i-0000000a',
      outcome: 'unchanged',
      reason: 'already running',
    };

    // Act
    const results = await waitForFinalStates(client, 'start', [unchanged], new Map(), OPTIONS);

    // Assess
    expect(ec2Mock).not.toHaveReceivedCommand(DescribeInstancesCommand);
    expect(results).toEqual([unchanged]);
  });
});

describe('Function: classifyStart', () => {
  it('treats a stale stop reason as not-yet-visible rather than a failure', () => {
    // Prepare
    const instance = anInstance({
      id: 'i-0000000a',
      state: 'stopped',
      stateReason: { code: 'Client.UserInitiatedShutdown' },
    });

    // Act
    const verdict = classifyStart(
      instance,
      aSelected({ id: 'i-0000000a', state: 'stopped' }),
      false,
    );

    // Assess
    expect(verdict).toEqual({ kind: 'waiting' });
  });

  it('fails an instance that went terminated', () => {
    // Prepare
    const instance = anInstance({ id: 'i-0000000a', state: 'terminated' });

    // Act
    const verdict = classifyStart(instance, undefined, true);

    // Assess
    expect(verdict).toMatchObject({ kind: 'failed', code: 'InstanceTerminated' });
  });
});
