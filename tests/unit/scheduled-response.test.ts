/**
 * A scheduled run's response: EventBridge Scheduler invokes the function asynchronously, so the
 * response reaches no caller, at most an on-success destination whose record Lambda drops past
 * 256 KB (Lambda API reference, OnSuccess). It is held to MAX_SCHEDULED_RESPONSE_BYTES; a direct
 * invocation of the same request still returns up to 5 MB.
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { MAX_SCHEDULED_RESPONSE_BYTES } from '../../handlers/aws/run-log';
import { handler } from '../../handlers/instances';
import { aContext } from '../helpers/context';
import { acceptingEventBridge } from '../helpers/event-bridge';
import { anInstance, describePage } from '../helpers/instances';
import { pauseSwitch } from '../helpers/pause-switch';

/** Instances per target: about 90 KB of result each (122 bytes an instance), so two fit in 192 KB and three do not. */
const INSTANCES_PER_TARGET = 750;
const REQUEST = { action: 'status', targets: { accounts: ['222222222222', '333333333333'] } };
const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('Response of a scheduled run', () => {
  const ec2Mock = mockClient(EC2Client);
  acceptingEventBridge();
  pauseSwitch();

  beforeEach(() => {
    ec2Mock.reset();
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(
        describePage(
          Array.from({ length: INSTANCES_PER_TARGET }, (_, n) =>
            anInstance({ id: `i-${n.toString(16).padStart(17, '0')}`, name: `app-server-${n}` }),
          ),
        ),
      );
  });

  it('is held to 192 KB and names the asynchronous invocation as the reason', async () => {
    // Act
    const scheduled = await handler(
      {
        schedule: { name: 'weekday-evening-stop', scheduledTime: '2026-12-01T18:00:00Z' },
        request: REQUEST,
      },
      aContext(),
    );

    // Assess
    expect(bytesOf(scheduled)).toBeLessThanOrEqual(MAX_SCHEDULED_RESPONSE_BYTES);
    expect(scheduled.summary).toMatchObject({ targets: 3, resources: 3 * INSTANCES_PER_TARGET });
    expect(scheduled.truncated).toMatchObject({ targetsReturned: 2, targetsOmitted: 1 });
    expect(scheduled.truncated?.message).toMatch(/invoked asynchronously/);
  });

  it('a direct invocation of the same request still returns every target', async () => {
    // Act
    const direct = await handler(REQUEST, aContext());

    // Assess
    expect(bytesOf(direct)).toBeGreaterThan(MAX_SCHEDULED_RESPONSE_BYTES);
    expect(direct.truncated).toBeUndefined();
    expect(direct.targets).toHaveLength(3);
  });
});
