import { EC2Client, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { actOnInstances } from '../../../../handlers/tasks/ec2/act';
import { InstanceBucket, type PaceClock } from '../../../../handlers/tasks/ec2/instance-rate';
import { awsError } from '../../../helpers/errors';
import { aSelected, instanceIds, stateChange, stoppingEach } from '../../../helpers/instances';

type Input = { InstanceIds?: string[] };

/** Time that moves only when the code under test sleeps; `sent` records when each call went out. */
function fakeClock(): PaceClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('Function: actOnInstances (pacing to EC2 instance buckets)', () => {
  const ec2Mock = mockClient(EC2Client);
  const running = (count: number) =>
    instanceIds(count).map((id) => aSelected({ id, state: 'running' }));
  const stopped = (count: number) =>
    instanceIds(count).map((id) => aSelected({ id, state: 'stopped' }));

  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock.on(StopInstancesCommand).callsFake(stoppingEach);
    ec2Mock.on(StartInstancesCommand).callsFake((input: Input) => ({
      StartingInstances: (input.InstanceIds ?? []).map((id) =>
        stateChange(id, 'stopped', 'pending'),
      ),
    }));
  });

  const batchSizes = (command: typeof StopInstancesCommand | typeof StartInstancesCommand) =>
    ec2Mock.commandCalls(command).map((c) => (c.args[0].input as Input).InstanceIds?.length);

  it('sends up to the burst in one call without waiting', async () => {
    // Prepare
    const clock = fakeClock();

    // Act
    const results = await actOnInstances(new EC2Client({}), running(1000), {
      action: 'stop',
      hibernate: false,
      clock,
    });

    // Assess
    expect(batchSizes(StopInstancesCommand)).toEqual([1000]);
    expect(clock.slept).toEqual([]);
    expect(results.every((r) => r.outcome === 'changed')).toBe(true);
  });

  it('waits for the stop bucket to refill 20 per second before the instances past the burst', async () => {
    // Prepare
    const clock = fakeClock();

    // Act
    const results = await actOnInstances(new EC2Client({}), running(1200), {
      action: 'stop',
      hibernate: false,
      clock,
    });

    // Assess
    expect(batchSizes(StopInstancesCommand)).toEqual([1000, 200]);
    expect(clock.slept).toEqual([10_000]);
    expect(results.filter((r) => r.outcome === 'changed')).toHaveLength(1200);
  });

  it('starts past the burst in batches of what 10 s refill (2 per second)', async () => {
    // Prepare
    const clock = fakeClock();

    // Act
    await actOnInstances(new EC2Client({}), stopped(1050), {
      action: 'start',
      hibernate: false,
      clock,
    });

    // Assess
    expect(batchSizes(StartInstancesCommand)).toEqual([1000, 20, 20, 10]);
    expect(clock.slept).toEqual([10_000, 10_000, 5_000]);
  });

  it('leaves instances unsent, saying why, when the wait would outlast the time left', async () => {
    // Prepare
    const clock = fakeClock();

    // Act
    const results = await actOnInstances(new EC2Client({}), running(1200), {
      action: 'stop',
      hibernate: false,
      clock,
      timeLeftMillis: () => 5_000,
    });

    // Assess
    expect(batchSizes(StopInstancesCommand)).toEqual([1000]);
    const unsent = results.filter((r) => r.outcome === 'not-processed');
    expect(unsent).toHaveLength(200);
    expect(unsent[0]?.reason).toMatch(/20 instances per second.*run again/);
  });

  it('sends no further batch after an error that cannot be instance-specific', async () => {
    // Prepare
    const clock = fakeClock();
    ec2Mock.on(StopInstancesCommand).rejects(awsError('RequestLimitExceeded'));

    // Act
    const results = await actOnInstances(new EC2Client({}), running(1200), {
      action: 'stop',
      hibernate: false,
      clock,
    });

    // Assess
    expect(batchSizes(StopInstancesCommand)).toEqual([1000]);
    expect(results.every((r) => r.outcome === 'failed' && r.code === 'RequestLimitExceeded')).toBe(
      true,
    );
  });
});

describe('Class: InstanceBucket', () => {
  it('counts refills from when a batch was answered, so the next batch is never early', async () => {
    // Prepare
    const clock = fakeClock();
    const bucket = new InstanceBucket({ capacity: 100, refillPerSecond: 10 }, clock);
    await bucket.take(100, Number.POSITIVE_INFINITY);

    // Act
    await clock.sleep(2_000); // the call is in flight for 2 s
    bucket.answered();

    // Assess
    expect(bucket.waitMillis(10)).toBe(1_000);
  });
});
