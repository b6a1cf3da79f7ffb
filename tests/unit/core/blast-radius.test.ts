import { DescribeInstancesCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { assessBlastRadius } from '../../../handlers/core/blast-radius';
import { ResourceLimitError } from '../../../handlers/core/errors';
import { runRequest } from '../../../handlers/core/run';
import { handler as httpHandler } from '../../../handlers/http';
import type { Ec2Request } from '../../../handlers/tasks';
import { ec2Task } from '../../../handlers/tasks/ec2/task';
import { TEST_CONFIG } from '../../helpers/config';
import { aContext } from '../../helpers/context';
import { aDeps } from '../../helpers/deps';
import { awsError } from '../../helpers/errors';
import { acceptingEventBridge } from '../../helpers/event-bridge';
import { anHttpEvent } from '../../helpers/http-event';
import { anInstance, describePage, stoppingEach } from '../../helpers/instances';
import { pauseSwitch } from '../../helpers/pause-switch';

const TARGETS = [
  { accountId: '222222222222', region: 'eu-west-1' },
  { accountId: '222222222222', region: 'us-east-1' },
  { accountId: '333333333333', region: 'eu-central-1' },
];

function aStop(overrides: Partial<Ec2Request> = {}): Ec2Request {
  return {
    action: 'stop',
    targets: TARGETS,
    dryRun: false,
    hibernate: false,
    wait: false,
    ...overrides,
  };
}

describe('Function: assessBlastRadius', () => {
  it.each([
    [{ resources: 500 }, 'within-limit'],
    [{ resources: 501 }, 'refused'],
    [{ resources: 501, confirmCount: 501 }, 'confirmed'],
    [{ resources: 501, confirmCount: 500 }, 'refused'],
    [{ resources: 3, confirmCount: 4 }, 'refused'],
  ])('decides %o as %s (limit 500)', (input, verdict) => {
    // Act
    const report = assessBlastRadius({
      action: 'stop',
      resourceType: 'ec2:instance',
      byType: { 'ec2:instance': input.resources },
      targets: 2,
      limit: 500,
      ...input,
    });

    // Assess
    expect(report.verdict).toBe(verdict);
    expect(report.reason === undefined).toBe(verdict !== 'refused');
  });
});

describe('Function: runRequest (blast-radius guard)', () => {
  const ec2Mock = mockClient(EC2Client);
  const eventBridge = acceptingEventBridge();
  const stageSwitch = pauseSwitch();
  const limited = { ...TEST_CONFIG, maxResourcesPerRequest: 5 };

  beforeEach(() => {
    ec2Mock.reset();
    eventBridge.reset();
    stageSwitch.reset();
    // Two running and one stopped instance in each of the three targets: 6 to stop in all.
    let next = 0;
    ec2Mock.on(DescribeInstancesCommand).callsFake(() => {
      next += 3;
      return describePage([
        anInstance({ id: `i-${(next - 2).toString(16).padStart(8, '0')}` }),
        anInstance({ id: `i-${(next - 1).toString(16).padStart(8, '0')}` }),
        anInstance({ id: `i-${next.toString(16).padStart(8, '0')}`, state: 'stopped' }),
      ]);
    });
    ec2Mock.on(StopInstancesCommand).callsFake(stoppingEach);
  });

  it('selects every target, then refuses the whole run before any Stop call, naming count and limit', async () => {
    // Prepare
    const { deps } = aDeps({ config: limited });

    // Act
    const run = runRequest(ec2Task, aStop(), deps);

    // Assess
    await expect(run).rejects.toThrow(ResourceLimitError);
    await expect(run).rejects.toThrow(
      /would change 6 ec2:instance resource\(s\) in 3 target\(s\).*maxResourcesPerRequest \(5\).*"confirmCount": 6/,
    );
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeInstancesCommand, 3);
    expect(ec2Mock).not.toHaveReceivedCommand(StopInstancesCommand);
  });

  it('acts when confirmCount equals the count, and reports the confirmation', async () => {
    // Prepare
    const { deps } = aDeps({ config: limited });

    // Act
    const result = await runRequest(ec2Task, aStop({ confirmCount: 6 }), deps);

    // Assess
    expect(ec2Mock).toHaveReceivedCommandTimes(StopInstancesCommand, 3);
    expect(result.blastRadius).toEqual({
      resources: 6,
      byType: { 'ec2:instance': 6 },
      limit: 5,
      confirmCount: 6,
      verdict: 'confirmed',
    });
    expect(result.summary.changed).toBe(6);
  });

  it('refuses a confirmCount that no longer matches the count', async () => {
    // Prepare
    const { deps } = aDeps({ config: limited });

    // Act
    const run = runRequest(ec2Task, aStop({ confirmCount: 7 }), deps);

    // Assess
    await expect(run).rejects.toThrow(/confirmCount is 7 but this stop would change 6/);
    expect(ec2Mock).not.toHaveReceivedCommand(StopInstancesCommand);
  });

  it('reports in a dry run what the guard would do, sending only DryRun calls', async () => {
    // Prepare
    const { deps } = aDeps({ config: limited });
    ec2Mock.on(StopInstancesCommand).rejects(awsError('DryRunOperation'));

    // Act
    const result = await runRequest(ec2Task, aStop({ dryRun: true }), deps);

    // Assess
    expect(result.blastRadius).toMatchObject({ resources: 6, limit: 5, verdict: 'refused' });
    const stops = ec2Mock.commandCalls(StopInstancesCommand);
    // One DryRun StopInstances per target, as the confirmed stop sends one real call per target.
    expect(stops).toHaveLength(3);
    expect(stops.every((call) => call.args[0].input.DryRun === true)).toBe(true);
  });

  it('counts only the instances the action would be sent for', async () => {
    // Prepare: 6 running + 3 already stopped; a limit of 6 lets the run through
    const { deps } = aDeps({ config: { ...TEST_CONFIG, maxResourcesPerRequest: 6 } });

    // Act
    const result = await runRequest(ec2Task, aStop(), deps);

    // Assess
    expect(result.blastRadius).toEqual({
      resources: 6,
      byType: { 'ec2:instance': 6 },
      limit: 6,
      verdict: 'within-limit',
    });
  });

  it('leaves a target whose selection failed out of the count, and still acts on the others', async () => {
    // Prepare: us-east-1 cannot be described; the other two targets hold 4 running instances
    let next = 0;
    ec2Mock.on(DescribeInstancesCommand).callsFake(async (_input, getClient) => {
      if ((await getClient().config.region()) === 'us-east-1') throw awsError('AuthFailure');
      next += 2;
      return describePage([
        anInstance({ id: `i-${(next - 1).toString(16).padStart(8, '0')}` }),
        anInstance({ id: `i-${next.toString(16).padStart(8, '0')}` }),
      ]);
    });
    const { deps } = aDeps({ config: { ...TEST_CONFIG, maxResourcesPerRequest: 4 } });

    // Act
    const result = await runRequest(ec2Task, aStop(), deps);

    // Assess
    expect(result.blastRadius).toEqual({
      resources: 4,
      byType: { 'ec2:instance': 4 },
      limit: 4,
      verdict: 'within-limit',
    });
    expect(result.targets.map((t) => t.status)).toEqual(['ok', 'failed', 'ok']);
    expect(ec2Mock).toHaveReceivedCommandTimes(StopInstancesCommand, 2);
    expect(result.summary.changed).toBe(4);
  });

  it('has no guard for a status report', async () => {
    // Prepare
    const { deps } = aDeps({ config: { ...limited, maxResourcesPerRequest: 1 } });

    // Act
    const result = await runRequest(ec2Task, aStop({ action: 'status' }), deps);

    // Assess
    expect(result.blastRadius).toBeUndefined();
    expect(result.summary.resources).toBe(9);
  });
});

describe('Function: handler (http, blast-radius guard)', () => {
  const ec2Mock = mockClient(EC2Client);
  const sfnMock = mockClient(SFNClient);
  const stageSwitch = pauseSwitch(sfnMock);

  beforeEach(() => {
    ec2Mock.reset();
    stageSwitch.reset();
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:x' });
  });

  it('leaves the count to the engine run: POST answers 202 without describing or stopping anything', async () => {
    // Prepare: 501 running instances in one target, over the test stage's limit of 500; the
    // guard refuses it in the run, and GET /runs/{id} reports that refusal
    const ids = Array.from({ length: 501 }, (_, i) => `i-${i.toString(16).padStart(8, '0')}`);
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(describePage(ids.map((id) => anInstance({ id }))));
    const event = anHttpEvent('stop', '{"targets":{"regions":["eu-west-1"]}}');

    // Act
    const response = (await httpHandler(event, aContext())) as APIGatewayProxyStructuredResultV2;

    // Assess
    expect(response.statusCode).toBe(202);
    expect(ec2Mock.calls()).toHaveLength(0);
    const input = JSON.parse(
      sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}',
    );
    expect(input.request).toEqual({ action: 'stop', targets: { regions: ['eu-west-1'] } });
  });
});
