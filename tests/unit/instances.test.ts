import { DescribeInstancesCommand, EC2Client, StartInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { logger } from '../../handlers/aws/logger';
import { InvalidRequestError } from '../../handlers/contract/errors';
import { handler } from '../../handlers/instances';
import { aContext } from '../helpers/context';
import { acceptingEventBridge } from '../helpers/event-bridge';
import { anInstance, describePage, stateChange } from '../helpers/instances';
import { pauseSwitch } from '../helpers/pause-switch';

describe('Function: handler (instances)', () => {
  const ec2Mock = mockClient(EC2Client);
  const eventBridge = acceptingEventBridge();
  const stageSwitch = pauseSwitch();

  beforeEach(() => {
    ec2Mock.reset();
    eventBridge.reset();
    stageSwitch.reset();
    jest.restoreAllMocks();
  });

  it('rejects an invalid event with every problem before any AWS call', async () => {
    // Prepare
    const event = {
      action: 'reboot',
      instanceIds: ['nope'],
      targets: { accounts: ['999999999999'] },
    };

    // Act
    const run = handler(event, aContext());

    // Assess
    await expect(run).rejects.toThrow(InvalidRequestError);
    await expect(run).rejects.toThrow(/action: .*\n.*instanceIds\[0\]/);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('runs a valid event, logs a line per target and a summary line, and returns the result', async () => {
    // Prepare
    const info = jest.spyOn(logger, 'info');
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(describePage([anInstance({ id: 'i-0000000a', state: 'stopped' })]));
    ec2Mock.on(StartInstancesCommand).resolves({
      StartingInstances: [stateChange('i-0000000a', 'stopped', 'pending')],
    });
    const event = { action: 'start', targets: { accounts: ['333333333333'] } };

    // Act
    const result = await handler(event, aContext({ requestId: 'req-1' }));

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(StartInstancesCommand, 1);
    expect(result).toMatchObject({
      action: 'start',
      requestId: 'req-1',
      summary: { targets: 1, changed: 1 },
    });
    expect(info).toHaveBeenCalledWith('target finished', {
      requestId: 'req-1',
      target: expect.objectContaining({
        accountId: '333333333333',
        status: 'ok',
        resourceCount: 1,
        resources: [expect.objectContaining({ id: 'i-0000000a', outcome: 'changed' })],
      }),
    });
    expect(info).toHaveBeenCalledWith('run finished', {
      run: expect.objectContaining({ requestId: 'req-1', targetCount: 1, summary: result.summary }),
    });
  });
});
