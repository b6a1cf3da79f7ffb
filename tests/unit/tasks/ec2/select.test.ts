import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { selectInstances } from '../../../../handlers/tasks/ec2/select';
import { CONTROL_TAG } from '../../../helpers/config';
import { anInstance, describePage, instanceIds } from '../../../helpers/instances';

const STATE_FILTER = {
  Name: 'instance-state-name',
  Values: ['pending', 'running', 'stopping', 'stopped'],
};

describe('Function: selectInstances', () => {
  const ec2Mock = mockClient(EC2Client);
  const client = new EC2Client({ region: 'eu-west-1' });

  beforeEach(() => {
    ec2Mock.reset();
  });

  it('filters by the control tag and selectable states when nothing else is given', async () => {
    // Prepare
    ec2Mock.on(DescribeInstancesCommand).resolves(describePage([anInstance({ id: 'i-0000000a' })]));

    // Act
    const selection = await selectInstances(client, { action: 'stop', controlTag: CONTROL_TAG });

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [{ Name: 'tag:xacct-ec2:managed', Values: ['true'] }, STATE_FILTER],
      MaxResults: 1000,
    });
    expect(selection.instances.map((i) => i.instanceId)).toEqual(['i-0000000a']);
  });

  it('adds the control tag to the request tags, and matches their values literally', async () => {
    // Prepare
    ec2Mock.on(DescribeInstancesCommand).resolves(describePage([]));

    // Act
    await selectInstances(client, {
      action: 'start',
      tags: { env: ['dev', 'test'], team: ['web-*', 'a?c\\'] },
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [
        { Name: 'tag:env', Values: ['dev', 'test'] },
        { Name: 'tag:team', Values: ['web-\\*', 'a\\?c\\\\'] },
        { Name: 'tag:xacct-ec2:managed', Values: ['true'] },
        STATE_FILTER,
      ],
    });
  });

  it('selects IDs with the instance-id filter in chunks within the 200-value limit, never InstanceIds', async () => {
    // Prepare
    const ids = instanceIds(450);
    ec2Mock.on(DescribeInstancesCommand).resolves(describePage([]));

    // Act
    await selectInstances(client, { action: 'stop', instanceIds: ids, controlTag: CONTROL_TAG });

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 3);
    const filters = ec2Mock
      .commandCalls(DescribeInstancesCommand)
      .map((call) => call.args[0].input);
    expect(filters.map((input) => input.InstanceIds)).toEqual([undefined, undefined, undefined]);
    // EC2 counts values across all filters of a call: the state filter's 4 leave 196 for IDs.
    const valuesPerCall = filters.map((input) =>
      (input.Filters ?? []).reduce((n, f) => n + (f.Values?.length ?? 0), 0),
    );
    expect(valuesPerCall).toEqual([200, 200, 62]);
    expect(filters.flatMap((input) => input.Filters?.[0]?.Values ?? [])).toEqual(ids);
    expect(filters[0]?.Filters).toEqual([
      { Name: 'instance-id', Values: ids.slice(0, 196) },
      STATE_FILTER,
    ]);
  });

  it('follows NextToken across pages', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolvesOnce(describePage([anInstance({ id: 'i-0000000a' })], 'page-2'))
      .resolvesOnce(
        describePage([anInstance({ id: 'i-0000000b' }), anInstance({ id: 'i-0000000c' })]),
      );

    // Act
    const selection = await selectInstances(client, { action: 'stop', controlTag: CONTROL_TAG });

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 2);
    expect(ec2Mock).toHaveReceivedNthCommandWith(2, DescribeInstancesCommand, {
      NextToken: 'page-2',
    });
    expect(selection.instances.map((i) => i.instanceId)).toEqual([
      'i-0000000a',
      'i-0000000b',
      'i-0000000c',
    ]);
  });

  it('skips Auto Scaling group members, naming the group', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(
        describePage([
          anInstance({ id: 'i-0000000a', tags: { 'aws:autoscaling:groupName': 'web-asg' } }),
          anInstance({ id: 'i-0000000b' }),
        ]),
      );

    // Act
    const selection = await selectInstances(client, { action: 'stop', controlTag: CONTROL_TAG });

    // Assess
    expect(selection.instances.map((i) => i.instanceId)).toEqual(['i-0000000b']);
    expect(selection.skipped).toEqual([
      {
        instanceId: 'i-0000000a',
        currentState: 'running',
        outcome: 'skipped',
        reason: expect.stringMatching(/Auto Scaling group "web-asg".*replace it/),
      },
    ]);
  });

  it('checks the control tag per instance, instead of filtering, when IDs are given', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(
        describePage([
          anInstance({ id: 'i-0000000a', controlTag: false, name: 'legacy' }),
          anInstance({ id: 'i-0000000b', tags: { [CONTROL_TAG.key]: 'false' } }),
          anInstance({ id: 'i-0000000c' }),
        ]),
      );

    // Act
    const selection = await selectInstances(client, {
      action: 'start',
      instanceIds: ['i-0000000a', 'i-0000000b', 'i-0000000c'],
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      Filters: [
        { Name: 'instance-id', Values: ['i-0000000a', 'i-0000000b', 'i-0000000c'] },
        STATE_FILTER,
      ],
    });
    expect(selection.instances.map((i) => i.instanceId)).toEqual(['i-0000000c']);
    expect(selection.skipped.map((s) => [s.instanceId, s.name, s.outcome])).toEqual([
      ['i-0000000a', 'legacy', 'skipped'],
      ['i-0000000b', undefined, 'skipped'],
    ]);
    expect(selection.skipped[0]?.reason).toContain(
      'the target role may only act on instances tagged xacct-ec2:managed=true',
    );
    expect(selection.foundIds).toEqual(['i-0000000a', 'i-0000000b', 'i-0000000c']);
  });

  it('captures name, state, hibernation, state reason and tags', async () => {
    // Prepare
    ec2Mock.on(DescribeInstancesCommand).resolves(
      describePage([
        anInstance({
          id: 'i-0000000a',
          name: 'db',
          state: 'stopped',
          hibernation: true,
          stateReason: { code: 'Client.UserInitiatedShutdown', message: 'User initiated shutdown' },
        }),
      ]),
    );

    // Act
    const selection = await selectInstances(client, { action: 'start', controlTag: CONTROL_TAG });

    // Assess
    expect(selection.instances).toEqual([
      {
        instanceId: 'i-0000000a',
        name: 'db',
        state: 'stopped',
        hibernationConfigured: true,
        stateReason: { code: 'Client.UserInitiatedShutdown', message: 'User initiated shutdown' },
        // Only the stage's own tags (its prefix) are kept, not Name.
        tags: { [CONTROL_TAG.key]: CONTROL_TAG.value },
      },
    ]);
  });

  it('skips nothing for a status report', async () => {
    // Prepare
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(
        describePage([
          anInstance({ id: 'i-0000000a', tags: { 'aws:autoscaling:groupName': 'web-asg' } }),
          anInstance({ id: 'i-0000000b', controlTag: false }),
        ]),
      );

    // Act
    const selection = await selectInstances(client, {
      action: 'status',
      instanceIds: ['i-0000000a', 'i-0000000b'],
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(selection.skipped).toEqual([]);
    expect(selection.instances).toHaveLength(2);
  });
});
