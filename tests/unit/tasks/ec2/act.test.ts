import { EC2Client, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  actOnInstances,
  bisectBatch,
  HIBERNATED,
  HIBERNATION_NOT_CONFIGURED,
  planAction,
} from '../../../../handlers/tasks/ec2/act';
import { awsError } from '../../../helpers/errors';
import { aSelected, instanceIds, stateChange, stoppingEach } from '../../../helpers/instances';

type StopInput = { InstanceIds?: string[] };

describe('Function: planAction', () => {
  it('leaves instances already in or moving to the wanted state unchanged', () => {
    // Prepare
    const instances = [
      aSelected({ id: 'i-0000000a', state: 'running' }),
      aSelected({ id: 'i-0000000b', state: 'pending' }),
      aSelected({ id: 'i-0000000c', state: 'stopped' }),
    ];

    // Act
    const plan = planAction(instances, 'start');

    // Assess
    expect(plan.toSend.map((i) => i.instanceId)).toEqual(['i-0000000c']);
    expect(plan.settled).toEqual([
      expect.objectContaining({
        instanceId: 'i-0000000a',
        outcome: 'unchanged',
        reason: 'already running',
      }),
      expect.objectContaining({
        instanceId: 'i-0000000b',
        outcome: 'unchanged',
        reason: 'already pending',
      }),
    ]);
  });

  it('skips a start while stopping and a stop while pending, saying why', () => {
    // Prepare
    const stopping = [aSelected({ id: 'i-0000000a', state: 'stopping' })];
    const pending = [aSelected({ id: 'i-0000000b', state: 'pending' })];

    // Act
    const start = planAction(stopping, 'start');
    const stop = planAction(pending, 'stop');

    // Assess
    expect(start.settled[0]).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringContaining('stopping'),
    });
    expect(stop.settled[0]).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringContaining('pending'),
    });
    expect(start.toSend).toEqual([]);
    expect(stop.toSend).toEqual([]);
  });
});

describe('Function: bisectBatch', () => {
  it('isolates one bad ID among eight with seven calls', async () => {
    // Prepare
    const ids = instanceIds(8);
    const bad = ids[5];
    const call = jest.fn(async (batch: string[]) => {
      if (batch.includes(bad as string)) throw awsError('IncorrectInstanceState');
      return new Map(batch.map((id) => [id, id] as const));
    });

    // Act
    const outcomes = await bisectBatch(ids, call);

    // Assess
    expect(call).toHaveBeenCalledTimes(7);
    expect([...outcomes.entries()].filter(([, o]) => !o.ok).map(([id]) => id)).toEqual([bad]);
  });

  it('stops at the first error that cannot be instance-specific', async () => {
    // Prepare
    const ids = instanceIds(8);
    const call = jest.fn(async () => {
      throw awsError('RequestLimitExceeded');
    });

    // Act
    const outcomes = await bisectBatch(ids, call);

    // Assess
    expect(call).toHaveBeenCalledTimes(1);
    expect([...outcomes.values()].every((o) => !o.ok)).toBe(true);
  });

  it('fails the rest without more calls when a fatal error appears while bisecting', async () => {
    // Prepare
    const ids = instanceIds(4);
    const call = jest
      .fn<Promise<Map<string, string>>, [string[]]>()
      .mockRejectedValueOnce(awsError('UnauthorizedOperation'))
      .mockRejectedValueOnce(awsError('ExpiredToken'));

    // Act
    const outcomes = await bisectBatch(ids, call);

    // Assess
    expect(call).toHaveBeenCalledTimes(2);
    expect(outcomes.size).toBe(4);
    expect([...outcomes.values()].every((o) => !o.ok)).toBe(true);
  });
});

describe('Function: actOnInstances', () => {
  const ec2Mock = mockClient(EC2Client);
  const client = new EC2Client({ region: 'eu-west-1' });

  beforeEach(() => {
    ec2Mock.reset();
  });

  it('sends one StartInstances call with every ID and maps the state changes', async () => {
    // Prepare
    const instances = [
      aSelected({ id: 'i-0000000a', state: 'stopped', name: 'web' }),
      aSelected({ id: 'i-0000000b', state: 'stopped' }),
    ];
    ec2Mock.on(StartInstancesCommand).resolves({
      StartingInstances: [
        stateChange('i-0000000a', 'stopped', 'pending'),
        stateChange('i-0000000b', 'stopped', 'pending'),
      ],
    });

    // Act
    const results = await actOnInstances(client, instances, { action: 'start', hibernate: false });

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(StartInstancesCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(StartInstancesCommand, {
      InstanceIds: ['i-0000000a', 'i-0000000b'],
    });
    expect(results).toEqual([
      {
        instanceId: 'i-0000000a',
        name: 'web',
        previousState: 'stopped',
        currentState: 'pending',
        outcome: 'changed',
      },
      {
        instanceId: 'i-0000000b',
        previousState: 'stopped',
        currentState: 'pending',
        outcome: 'changed',
      },
    ]);
  });

  it('sends nothing for instances already in the wanted state', async () => {
    // Prepare
    const instances = [
      aSelected({ id: 'i-0000000a', state: 'stopped' }),
      aSelected({ id: 'i-0000000b', state: 'stopping' }),
    ];

    // Act
    const results = await actOnInstances(client, instances, { action: 'stop', hibernate: false });

    // Assess
    expect(ec2Mock).not.toHaveReceivedCommand(StopInstancesCommand);
    expect(results.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
  });

  it('never sends Force or SkipOsShutdown', async () => {
    // Prepare
    ec2Mock
      .on(StopInstancesCommand)
      .resolves({ StoppingInstances: [stateChange('i-0000000a', 'running', 'stopping')] });

    // Act
    await actOnInstances(client, [aSelected({ id: 'i-0000000a' })], {
      action: 'stop',
      hibernate: false,
    });

    // Assess
    const input = ec2Mock.commandCalls(StopInstancesCommand)[0]?.args[0].input;
    expect(input).toEqual({ InstanceIds: ['i-0000000a'] });
  });

  it('bisects a failed batch so one bad instance does not block the rest', async () => {
    // Prepare
    const ids = instanceIds(8);
    const bad = ids[2] as string;
    ec2Mock.on(StopInstancesCommand).callsFake((input: StopInput) => {
      const batch = input.InstanceIds ?? [];
      if (batch.includes(bad)) {
        throw awsError(
          'UnsupportedOperation',
          `The instance '${bad}' does not have an 'ebs' root device type and cannot be stopped.`,
        );
      }
      return { StoppingInstances: batch.map((id) => stateChange(id, 'running', 'stopping')) };
    });

    // Act
    const results = await actOnInstances(
      client,
      ids.map((id) => aSelected({ id })),
      { action: 'stop', hibernate: false },
    );

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(StopInstancesCommand, 7);
    const failed = results.filter((r) => r.outcome === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({
        instanceId: bad,
        code: 'UnsupportedOperation',
        reason: expect.stringContaining('instance-store root'),
      }),
    ]);
    expect(results.filter((r) => r.outcome === 'changed')).toHaveLength(7);
  });

  it('fails the whole batch at once on an error that cannot be instance-specific', async () => {
    // Prepare
    ec2Mock
      .on(StartInstancesCommand)
      .rejects(
        awsError('AuthFailure', 'AWS was not able to validate the provided access credentials'),
      );
    const instances = instanceIds(6).map((id) => aSelected({ id, state: 'stopped' }));

    // Act
    const results = await actOnInstances(client, instances, { action: 'start', hibernate: false });

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(StartInstancesCommand, 1);
    expect(results.every((r) => r.outcome === 'failed' && r.code === 'AuthFailure')).toBe(true);
  });

  it('hibernates only instances configured for it and stops the others normally', async () => {
    // Prepare
    const instances = [
      aSelected({ id: 'i-0000000a', hibernation: true }),
      aSelected({ id: 'i-0000000b', hibernation: false }),
      aSelected({ id: 'i-0000000c', hibernation: true }),
    ];
    ec2Mock.on(StopInstancesCommand).callsFake(stoppingEach);

    // Act
    const results = await actOnInstances(client, instances, { action: 'stop', hibernate: true });

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(StopInstancesCommand, 2);
    expect(ec2Mock).toHaveReceivedNthCommandWith(1, StopInstancesCommand, {
      InstanceIds: ['i-0000000a', 'i-0000000c'],
      Hibernate: true,
    });
    const normal = ec2Mock.commandCalls(StopInstancesCommand)[1]?.args[0].input;
    expect(normal).toEqual({ InstanceIds: ['i-0000000b'] });
    expect(results.find((r) => r.instanceId === 'i-0000000b')).toMatchObject({
      outcome: 'changed',
      reason: HIBERNATION_NOT_CONFIGURED,
    });
    expect(results.find((r) => r.instanceId === 'i-0000000a')).toMatchObject({
      outcome: 'changed',
      reason: HIBERNATED,
    });
  });

  it('reports unchanged when EC2 says the instance was already in the wanted state', async () => {
    // Prepare: started by someone else between describe and start
    ec2Mock.on(StartInstancesCommand).resolves({
      StartingInstances: [stateChange('i-0000000a', 'running', 'running')],
    });

    // Act
    const results = await actOnInstances(
      client,
      [aSelected({ id: 'i-0000000a', state: 'stopped' })],
      { action: 'start', hibernate: false },
    );

    // Assess
    expect(results[0]).toMatchObject({ outcome: 'unchanged', currentState: 'running' });
  });
});
