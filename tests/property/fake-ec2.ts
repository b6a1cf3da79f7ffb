/**
 * A small EC2 for the property tests, behind aws-sdk-client-mock: DescribeInstances answers with
 * the local endpoint's own filter semantics (wildcards, escapes, FilterLimitExceeded), and
 * Start/Stop change the states (or answer DryRunOperation), so waits end at once.
 */
import {
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  EC2Client,
  type Instance,
  type InstanceStateName,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { compileFilters } from '../../scripts/local-aws/ec2-filters';
import type { InstanceView } from '../../scripts/local-aws/instances';
import { awsError } from '../helpers/errors';
import { stateChange } from '../helpers/instances';

export interface FakeInstance {
  id: string;
  state: InstanceStateName;
  tags: Array<{ key: string; value: string }>;
}

function view(instance: FakeInstance): InstanceView {
  return {
    instanceId: instance.id,
    state: instance.state,
    tags: instance.tags,
    hibernationConfigured: false,
  } as unknown as InstanceView;
}

function toInstance(instance: FakeInstance): Instance {
  return {
    InstanceId: instance.id,
    State: { Name: instance.state },
    Tags: instance.tags.map((t) => ({ Key: t.key, Value: t.value })),
    HibernationOptions: { Configured: false },
  };
}

export function describedBy(
  world: readonly FakeInstance[],
  input: DescribeInstancesCommandInput,
): FakeInstance[] {
  const matches = compileFilters(
    (input.Filters ?? []).map((f) => ({ name: f.Name ?? '', values: f.Values ?? [] })),
  );
  return world.filter((instance) => matches(view(instance)));
}

/**
 * Mocks every EC2Client; `world()` is read on each call, so a test can swap it per case
 * (resetHistory() between cases keeps the behaviour and drops the recorded calls).
 */
export function fakeEc2(world: () => FakeInstance[]): AwsClientStub<EC2Client> {
  const mock = mockClient(EC2Client);
  mock.on(DescribeInstancesCommand).callsFake((input: DescribeInstancesCommandInput) => ({
    Reservations: describedBy(world(), input).map((i) => ({ Instances: [toInstance(i)] })),
  }));
  const change =
    (to: InstanceStateName) => (input: { InstanceIds?: string[]; DryRun?: boolean }) => {
      if (input.DryRun) throw awsError('DryRunOperation');
      const ids = new Set(input.InstanceIds ?? []);
      const changed = world().filter((i) => ids.has(i.id));
      const changes = changed.map((i) => stateChange(i.id, i.state, to));
      for (const instance of changed) instance.state = to;
      return changes;
    };
  mock
    .on(StartInstancesCommand)
    .callsFake((input) => ({ StartingInstances: change('running')(input) }));
  mock
    .on(StopInstancesCommand)
    .callsFake((input) => ({ StoppingInstances: change('stopped')(input) }));
  return mock;
}
