import { EC2Client, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { dryRunAction, WOULD_SUCCEED } from '../../../../handlers/tasks/ec2/dry-run';
import { awsError } from '../../../helpers/errors';
import { aSelected } from '../../../helpers/instances';

type Input = { InstanceIds?: string[] };

describe('Function: dryRunAction', () => {
  const ec2Mock = mockClient(EC2Client);
  const client = new EC2Client({ region: 'eu-west-1' });

  beforeEach(() => {
    ec2Mock.reset();
  });

  it('reports would-succeed when EC2 answers DryRunOperation', async () => {
    // Prepare
    ec2Mock
      .on(StopInstancesCommand)
      .rejects(
        awsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.'),
      );
    const instances = [aSelected({ id: 'i-0000000a' }), aSelected({ id: 'i-0000000b' })];

    // Act
    const outcome = await dryRunAction(client, instances, { action: 'stop', hibernate: false });

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(StopInstancesCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(StopInstancesCommand, {
      InstanceIds: ['i-0000000a', 'i-0000000b'],
      DryRun: true,
    });
    expect(outcome.report.verdict).toBe('would-succeed');
    expect(outcome.instances.map((i) => [i.outcome, i.reason])).toEqual([
      ['unchanged', WOULD_SUCCEED],
      ['unchanged', WOULD_SUCCEED],
    ]);
  });

  it('reports not-authorised when EC2 answers UnauthorizedOperation for everything', async () => {
    // Prepare
    ec2Mock
      .on(StartInstancesCommand)
      .rejects(
        awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.'),
      );
    const instances = [aSelected({ id: 'i-0000000a', state: 'stopped' })];

    // Act
    const outcome = await dryRunAction(client, instances, { action: 'start', hibernate: false });

    // Assess
    expect(outcome.report.verdict).toBe('not-authorised');
    expect(outcome.instances[0]).toMatchObject({
      outcome: 'failed',
      code: 'UnauthorizedOperation',
      reason: expect.stringMatching(/^dry run: not authorised/),
    });
  });

  it('bisects to name exactly the instances the role may not touch', async () => {
    // Prepare
    const denied = 'i-0000000c';
    ec2Mock.on(StartInstancesCommand).callsFake((input: Input) => {
      if (input.InstanceIds?.includes(denied)) throw awsError('UnauthorizedOperation');
      throw awsError('DryRunOperation');
    });
    const instances = ['i-0000000a', 'i-0000000b', 'i-0000000c', 'i-0000000d'].map((id) =>
      aSelected({ id, state: 'stopped' }),
    );

    // Act
    const outcome = await dryRunAction(client, instances, { action: 'start', hibernate: false });

    // Assess
    expect(outcome.report).toEqual({
      verdict: 'partly-authorised',
      detail: expect.stringContaining('3 of 4'),
    });
    expect(
      outcome.instances.filter((i) => i.outcome === 'failed').map((i) => i.instanceId),
    ).toEqual([denied]);
  });

  it('has nothing to ask when every instance is already in the wanted state', async () => {
    // Prepare
    const instances = [aSelected({ id: 'i-0000000a', state: 'running' })];

    // Act
    const outcome = await dryRunAction(client, instances, { action: 'start', hibernate: false });

    // Assess
    expect(ec2Mock).not.toHaveReceivedCommand(StartInstancesCommand);
    expect(outcome.report.verdict).toBe('nothing-to-do');
  });
});
