/**
 * The stage switch in-process against the local endpoint over real HTTP: the real Scheduler and
 * STS clients, the local stage's schedules as its packaged CloudFormation declares them, and the
 * real policy authorizer evaluating the switch's least-privilege policy for the operator role.
 * Step Functions is not served by the endpoint yet, so only the SFN client is mocked.
 */
import {
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { ListExecutionsCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { type LocalEndpoint, startLocalEndpoint } from '../../scripts/lib/local-run';
import { exitCodeOf, renderSwitchReport } from '../../scripts/lib/switch/render-report';
import { runSwitch, type SwitchInput } from '../../scripts/lib/switch/run-switch';
import { stageOperatorCredentials } from '../../scripts/local-aws/scheduler-operator';

const GROUP = 'xacct-ec2-local';
const SCHEDULE = 'xacct-ec2-local-weekday-evening-stop';
const OPERATOR_SESSION = 'arn:aws:sts::111111111111:assumed-role/xacct-ec2-operator/stage-switch';
const ENGINE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:xacct-ec2-local-engine';

describe('Stage switch over the local endpoint', () => {
  let endpoint: LocalEndpoint;
  let scheduler: SchedulerClient;
  let sts: STSClient;
  let sfn: SFNClient;
  let input: SwitchInput;

  beforeAll(async () => {
    endpoint = await startLocalEndpoint({ reusePackaging: true, log: () => undefined });
    await endpoint.ready;
    const { aws } = endpoint;
    const credentials = stageOperatorCredentials(aws.world, aws.seed.home.accountId);
    // The endpoint is given here, by the test: the switch itself only uses the default chain.
    scheduler = new SchedulerClient({ region: aws.region, endpoint: aws.url, credentials });
    sts = new STSClient({ region: aws.region, endpoint: aws.url, credentials });
    sfn = new SFNClient({ region: aws.region, credentials });
    input = { command: 'pause', service: 'xacct-ec2', stage: 'local', region: aws.region };
  });

  afterAll(async () => {
    scheduler.destroy();
    sts.destroy();
    await endpoint.stop();
  });

  const current = () =>
    scheduler.send(new GetScheduleCommand({ Name: SCHEDULE, GroupName: GROUP }));

  /** Everything UpdateSchedule may change, without the dates AWS keeps. */
  const writable = (s: GetScheduleCommandOutput) => {
    const { $metadata, LastModificationDate, State, ...rest } = s;
    return rest;
  };

  it('pauses: the packaged schedule is DISABLED with every other field kept, the running run stopped with who paused', async () => {
    // Prepare
    const before = await current();
    const sfnMock = mockClient(sfn);
    sfnMock.on(ListExecutionsCommand).resolves({
      executions: [
        {
          name: 'weekday-evening-stop-20261201T180000Z',
          executionArn: `${ENGINE.replace(':stateMachine:', ':execution:')}:weekday-evening-stop-20261201T180000Z`,
          stateMachineArn: ENGINE,
          status: 'RUNNING',
          startDate: new Date(),
        },
      ],
    });
    sfnMock.on(StopExecutionCommand).resolves({ stopDate: new Date() });

    // Act
    const report = await runSwitch({ scheduler, sts, sfn }, { ...input, reason: 'drill' });

    // Assess
    const after = await current();
    expect(exitCodeOf(report)).toBe(0);
    expect(before.State).toBe('ENABLED');
    expect(after.State).toBe('DISABLED');
    expect(writable(after)).toEqual(writable(before));
    expect(before.Target?.RoleArn).toMatch(/:role\/xacct-ec2-local-SchedulerInvokeRole-/);
    expect(sfnMock.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toMatchObject({
      stateMachineArn: ENGINE,
      statusFilter: 'RUNNING',
    });
    expect(sfnMock.commandCalls(StopExecutionCommand)[0]?.args[0].input.cause).toBe(
      `Paused by ${OPERATOR_SESSION} with npm run switch: drill`,
    );
    expect(renderSwitchReport(report)).toContain(`  ${SCHEDULE}: disabled`);
    sfnMock.restore();
  });

  it('pauses a second time without sending any UpdateSchedule, and says so', async () => {
    // Prepare
    const sfnMock = mockClient(sfn);
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });
    endpoint.aws.schedules.resetCalls();

    // Act
    const report = await runSwitch({ scheduler, sts, sfn }, input);

    // Assess
    expect(exitCodeOf(report)).toBe(0);
    expect(endpoint.aws.schedules.calls().map((c) => c.action)).toEqual([
      'ListSchedules',
      'GetSchedule',
    ]);
    expect(renderSwitchReport(report).at(-1)).toBe('pause: nothing to change (already paused)');
    sfnMock.restore();
  });

  it('resumes: the schedule is ENABLED again, fields unchanged, and no Step Functions call is made', async () => {
    // Prepare
    const before = await current();
    const sfnMock = mockClient(sfn);

    // Act
    const report = await runSwitch({ scheduler, sts, sfn }, { ...input, command: 'resume' });

    // Assess
    const after = await current();
    expect(exitCodeOf(report)).toBe(0);
    expect(after.State).toBe('ENABLED');
    expect(writable(after)).toEqual(writable(before));
    expect(sfnMock.calls()).toHaveLength(0);
    sfnMock.restore();
  });

  it('fails, naming the refused call, when the caller is the execution role the policy does not cover', async () => {
    // Prepare
    const { aws } = endpoint;
    const asFunction = new SchedulerClient({
      region: aws.region,
      endpoint: aws.url,
      credentials: aws.homeCredentials,
    });
    const stsAsFunction = new STSClient({
      region: aws.region,
      endpoint: aws.url,
      credentials: aws.homeCredentials,
    });
    const sfnMock = mockClient(sfn);
    sfnMock.on(ListExecutionsCommand).resolves({ executions: [] });

    // Act
    const report = await runSwitch({ scheduler: asFunction, sts: stsAsFunction, sfn }, input);

    // Assess
    expect(exitCodeOf(report)).toBe(1);
    expect(report.failures).toEqual([
      expect.stringMatching(
        /^scheduler:ListSchedules xacct-ec2-local: AccessDeniedException: User: arn:aws:sts::111111111111:assumed-role\/.+ is not authorized to perform: scheduler:ListSchedules on resource: \*/,
      ),
    ]);
    expect((await current()).State).toBe('ENABLED');
    asFunction.destroy();
    stsAsFunction.destroy();
    sfnMock.restore();
  });
});
