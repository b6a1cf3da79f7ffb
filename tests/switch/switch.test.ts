import {
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import {
  ListExecutionsCommand,
  SFNClient,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { stageSettings } from '../../scripts/shared/stack/stage-settings';
import { UsageError } from '../../scripts/shared/usage-error';
import { PAUSED_ERROR } from '../../scripts/switch/executions';
import { exitCodeOf, renderSwitchReport } from '../../scripts/switch/render-report';
import { runSwitch, type SwitchInput } from '../../scripts/switch/run-switch';
import { parseSwitchArgs } from '../../scripts/switch/switch-args';

const GROUP = 'xacct-ec2-dev';
const CALLER = 'arn:aws:sts::111111111111:assumed-role/ops-oncall/alice';
const ENGINE_ARN = 'arn:aws:states:eu-west-1:111111111111:stateMachine:xacct-ec2-dev-engine';
const PAUSE: SwitchInput = {
  command: 'pause',
  service: 'xacct-ec2',
  stage: 'dev',
  region: 'eu-west-1',
  reason: 'incident 42',
  now: () => new Date('2026-12-01T18:02:03.456Z'),
};
const RESUME: SwitchInput = { ...PAUSE, command: 'resume', reason: undefined };

/** A schedule as GetSchedule answers it, with every optional field set. */
function aSchedule(name: string, state: 'ENABLED' | 'DISABLED'): GetScheduleCommandOutput {
  return {
    $metadata: {},
    Arn: `arn:aws:scheduler:eu-west-1:111111111111:schedule/${GROUP}/${name}`,
    Name: name,
    GroupName: GROUP,
    Description: `stop on cron(0 19 ? * MON-FRI *) (Europe/Berlin)`,
    ScheduleExpression: 'cron(0 19 ? * MON-FRI *)',
    ScheduleExpressionTimezone: 'Europe/Berlin',
    StartDate: new Date('2026-01-01T00:00:00Z'),
    EndDate: new Date('2030-01-01T00:00:00Z'),
    KmsKeyArn: 'arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    ActionAfterCompletion: 'NONE',
    CreationDate: new Date('2026-01-01T00:00:00Z'),
    LastModificationDate: new Date('2026-02-01T00:00:00Z'),
    State: state,
    FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
    Target: {
      Arn: 'arn:aws:lambda:eu-west-1:111111111111:function:xacct-ec2-dev-instances',
      RoleArn: 'arn:aws:iam::111111111111:role/xacct-ec2-dev-SchedulerInvokeRole-ABC',
      Input: '{"request":{"action":"stop"}}',
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 900 },
      DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:111111111111:xacct-ec2-dev-schedule-dlq' },
    },
  };
}

interface World {
  schedules: Map<string, GetScheduleCommandOutput>;
  running: string[];
}

/** Mocks that behave like the services over a small world: lists in pages of `pageSize`. */
function mockedClients(world: World, pageSize = 2) {
  const scheduler = mockClient(SchedulerClient);
  const sfn = mockClient(SFNClient);
  const sts = mockClient(STSClient);
  sts.on(GetCallerIdentityCommand).resolves({ Arn: CALLER, Account: '111111111111' });
  scheduler.on(ListSchedulesCommand).callsFake((input: { NextToken?: string }) => {
    const names = [...world.schedules.keys()];
    const start = Number(input.NextToken ?? '0');
    const next = start + pageSize;
    return {
      Schedules: names.slice(start, next).map((Name) => ({ Name, GroupName: GROUP })),
      ...(next < names.length ? { NextToken: String(next) } : {}),
    };
  });
  scheduler.on(GetScheduleCommand).callsFake((input: { Name: string }) => {
    const schedule = world.schedules.get(input.Name);
    if (!schedule)
      throw new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} });
    return structuredClone(schedule);
  });
  scheduler.on(UpdateScheduleCommand).callsFake((input: { Name: string; State: string }) => {
    const schedule = world.schedules.get(input.Name);
    if (schedule) schedule.State = input.State as 'ENABLED' | 'DISABLED';
    return { ScheduleArn: schedule?.Arn };
  });
  sfn.on(ListExecutionsCommand).callsFake((input: { nextToken?: string }) => {
    const start = Number(input.nextToken ?? '0');
    const next = start + pageSize;
    return {
      executions: world.running.slice(start, next).map((name) => ({
        name,
        executionArn: `arn:aws:states:eu-west-1:111111111111:execution:xacct-ec2-dev-engine:${name}`,
        stateMachineArn: ENGINE_ARN,
        status: 'RUNNING',
        startDate: new Date(),
      })),
      ...(next < world.running.length ? { nextToken: String(next) } : {}),
    };
  });
  sfn.on(StopExecutionCommand).callsFake((input: { executionArn: string }) => {
    world.running = world.running.filter((name) => !input.executionArn.endsWith(`:${name}`));
    return { stopDate: new Date() };
  });
  const clients = {
    scheduler: new SchedulerClient({ region: 'eu-west-1' }),
    sfn: new SFNClient({ region: 'eu-west-1' }),
    sts: new STSClient({ region: 'eu-west-1' }),
  };
  return { scheduler, sfn, sts, clients };
}

function aWorld(schedules: Array<[string, 'ENABLED' | 'DISABLED']>, running: string[]): World {
  return {
    schedules: new Map(schedules.map(([name, state]) => [name, aSchedule(name, state)])),
    running,
  };
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('Stage switch: pause', () => {
  it('disables every schedule over several pages, then stops every running execution with who and why', async () => {
    // Prepare
    const world = aWorld(
      [
        ['xacct-ec2-dev-a', 'ENABLED'],
        ['xacct-ec2-dev-b', 'ENABLED'],
        ['xacct-ec2-dev-c', 'ENABLED'],
      ],
      ['run-1', 'run-2', 'run-3'],
    );
    const { scheduler, sfn, clients } = mockedClients(world);

    // Act
    const report = await runSwitch(clients, PAUSE);

    // Assess
    expect(exitCodeOf(report)).toBe(0);
    expect(scheduler.commandCalls(ListSchedulesCommand)).toHaveLength(2);
    expect(scheduler.commandCalls(ListSchedulesCommand)[0]?.args[0].input.GroupName).toBe(GROUP);
    expect([...world.schedules.values()].map((s) => s.State)).toEqual([
      'DISABLED',
      'DISABLED',
      'DISABLED',
    ]);
    expect(sfn.commandCalls(ListExecutionsCommand)).toHaveLength(2);
    expect(sfn.commandCalls(ListExecutionsCommand)[0]?.args[0].input).toMatchObject({
      stateMachineArn: ENGINE_ARN,
      statusFilter: 'RUNNING',
    });
    expect(world.running).toEqual([]);
    const stop = sfn.commandCalls(StopExecutionCommand)[0]?.args[0].input;
    expect(stop?.error).toBe(PAUSED_ERROR);
    expect(stop?.cause).toBe(`Paused by ${CALLER} with npm run switch: incident 42`);
    expect(sfn.commandCalls(TagResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: ENGINE_ARN,
      tags: [
        { key: 'xacct-ec2:paused-by', value: CALLER },
        { key: 'xacct-ec2:paused-at', value: '2026-12-01T18:02:03Z' },
        { key: 'xacct-ec2:paused-reason', value: 'incident 42' },
      ],
    });
    expect(renderSwitchReport(report)).toEqual([
      `pause as ${CALLER}`,
      `pause tags set on ${ENGINE_ARN}: every new run is refused`,
      `schedules in group ${GROUP}:`,
      '  xacct-ec2-dev-a: disabled',
      '  xacct-ec2-dev-b: disabled',
      '  xacct-ec2-dev-c: disabled',
      `running executions of ${ENGINE_ARN}:`,
      '  run-1: stopped',
      '  run-2: stopped',
      '  run-3: stopped',
      'pause: done',
    ]);
  });

  it('sends every field GetSchedule read back to UpdateSchedule, only State changed', async () => {
    // Prepare
    const world = aWorld([['xacct-ec2-dev-a', 'ENABLED']], []);
    const before = structuredClone(world.schedules.get('xacct-ec2-dev-a'));
    const { scheduler, clients } = mockedClients(world);

    // Act
    await runSwitch(clients, PAUSE);

    // Assess
    const sent = scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input;
    const { Arn, CreationDate, LastModificationDate, $metadata, State, ...writable } = before ?? {
      $metadata: {},
    };
    expect(State).toBe('ENABLED');
    expect(sent).toEqual({ ...writable, State: 'DISABLED' });
  });

  it('changes nothing the second time, and says so', async () => {
    // Prepare
    const world = aWorld([['xacct-ec2-dev-a', 'ENABLED']], ['run-1']);
    const { scheduler, sfn, clients } = mockedClients(world);
    await runSwitch(clients, PAUSE);
    scheduler.resetHistory();
    sfn.resetHistory();

    // Act
    const second = await runSwitch(clients, PAUSE);

    // Assess
    expect(exitCodeOf(second)).toBe(0);
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
    expect(renderSwitchReport(second)).toEqual([
      `pause as ${CALLER}`,
      `pause tags set on ${ENGINE_ARN}: every new run is refused`,
      `schedules in group ${GROUP}:`,
      '  xacct-ec2-dev-a: already DISABLED',
      `running executions of ${ENGINE_ARN}:`,
      '  (none)',
      'pause: nothing to change (already paused)',
    ]);
  });

  it('names a schedule whose update failed, still pauses the rest, and exits non-zero', async () => {
    // Prepare
    const world = aWorld(
      [
        ['xacct-ec2-dev-a', 'ENABLED'],
        ['xacct-ec2-dev-b', 'ENABLED'],
      ],
      ['run-1'],
    );
    const { scheduler, clients } = mockedClients(world);
    scheduler.on(UpdateScheduleCommand, { Name: 'xacct-ec2-dev-a' }).rejects(
      new ValidationException({
        message: 'The StartDate is in the past',
        Message: 'The StartDate is in the past',
        $metadata: {},
      }),
    );

    // Act
    const report = await runSwitch(clients, PAUSE);

    // Assess
    expect(exitCodeOf(report)).toBe(1);
    expect(world.schedules.get('xacct-ec2-dev-a')?.State).toBe('ENABLED');
    expect(world.schedules.get('xacct-ec2-dev-b')?.State).toBe('DISABLED');
    expect(world.running).toEqual([]);
    const lines = renderSwitchReport(report);
    expect(lines).toContain(
      '  xacct-ec2-dev-a: FAILED: ValidationException: The StartDate is in the past',
    );
    expect(lines.slice(-2)).toEqual([
      'pause FAILED for 1:',
      '  schedule xacct-ec2-dev-a: ValidationException: The StartDate is in the past',
    ]);
  });

  it('fails naming both when neither the schedule group nor the state machine exists (wrong stage or region)', async () => {
    // Prepare
    const { scheduler, sfn, clients } = mockedClients(aWorld([], []));
    scheduler
      .on(ListSchedulesCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'no group', Message: 'no group', $metadata: {} }),
      );
    sfn.on(ListExecutionsCommand).rejects(
      new StateMachineDoesNotExist({
        message: 'no machine',
        $metadata: {},
      }),
    );

    // Act
    const report = await runSwitch(clients, PAUSE);

    // Assess
    expect(exitCodeOf(report)).toBe(1);
    expect(report.failures).toEqual([
      `neither the schedule group ${GROUP} nor the state machine ${ENGINE_ARN} exists in eu-west-1: check --stage and --region`,
    ]);
  });

  it('does nothing and fails when the caller cannot be identified', async () => {
    // Prepare
    const { sts, scheduler, clients } = mockedClients(aWorld([['xacct-ec2-dev-a', 'ENABLED']], []));
    sts.on(GetCallerIdentityCommand).rejects(new Error('Could not load credentials'));

    // Act
    const report = await runSwitch(clients, PAUSE);

    // Assess
    expect(exitCodeOf(report)).toBe(1);
    expect(report.failures).toEqual(['sts:GetCallerIdentity: Error: Could not load credentials']);
    expect(scheduler.calls()).toHaveLength(0);
  });

  it('names a failed StopExecution and exits non-zero', async () => {
    // Prepare
    const world = aWorld([], ['run-1', 'run-2']);
    const { sfn, clients } = mockedClients(world);
    sfn
      .on(StopExecutionCommand, {
        executionArn: 'arn:aws:states:eu-west-1:111111111111:execution:xacct-ec2-dev-engine:run-1',
      })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const report = await runSwitch(clients, PAUSE);

    // Assess
    expect(exitCodeOf(report)).toBe(1);
    expect(report.failures).toEqual(['execution run-1: ThrottlingException: Rate exceeded']);
    expect(world.running).toEqual(['run-1']);
  });
});

describe('Stage switch: resume', () => {
  it('enables the schedules, leaves those configured disabled alone, restarts no execution, and says so', async () => {
    // Prepare
    const world = aWorld(
      [
        ['xacct-ec2-dev-a', 'DISABLED'],
        ['xacct-ec2-dev-b', 'DISABLED'],
        ['xacct-ec2-dev-c', 'ENABLED'],
      ],
      [],
    );
    const { sfn, clients } = mockedClients(world);

    // Act
    const report = await runSwitch(clients, {
      ...RESUME,
      keepDisabled: new Set(['xacct-ec2-dev-b']),
    });

    // Assess
    expect(exitCodeOf(report)).toBe(0);
    expect([...world.schedules.values()].map((s) => s.State)).toEqual([
      'ENABLED',
      'DISABLED',
      'ENABLED',
    ]);
    // Restarts nothing: the one Step Functions call removes the pause tags.
    expect(sfn.calls()).toHaveLength(1);
    expect(sfn.commandCalls(UntagResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: ENGINE_ARN,
      tagKeys: ['xacct-ec2:paused-by', 'xacct-ec2:paused-at', 'xacct-ec2:paused-reason'],
    });
    expect(renderSwitchReport(report)).toEqual([
      `resume as ${CALLER}`,
      `pause tags removed from ${ENGINE_ARN}: runs may start`,
      `schedules in group ${GROUP}:`,
      '  xacct-ec2-dev-a: enabled',
      '  xacct-ec2-dev-b: left DISABLED (configured enabled: false)',
      '  xacct-ec2-dev-c: already ENABLED',
      'executions stopped by a pause are not restarted: the next scheduled run acts',
      'resume: done',
    ]);
  });

  it('fails when the stage has no schedule group in the region', async () => {
    // Prepare
    const { scheduler, clients } = mockedClients(aWorld([], []));
    scheduler
      .on(ListSchedulesCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'no group', Message: 'no group', $metadata: {} }),
      );

    // Act
    const report = await runSwitch(clients, RESUME);

    // Assess
    expect(exitCodeOf(report)).toBe(1);
    expect(report.failures).toEqual([`no schedule group ${GROUP} in eu-west-1: nothing to resume`]);
  });
});

describe('Stage switch: arguments and stage settings, before any AWS call', () => {
  it('reads pause with stage, region and reason', () => {
    // Act / Assess
    expect(
      parseSwitchArgs(['pause', '--stage', 'dev', '--region', 'eu-west-1', '--reason', 'why']),
    ).toEqual({ command: 'pause', stage: 'dev', region: 'eu-west-1', reason: 'why' });
  });

  it.each([
    [['stop', '--stage', 'dev'], /give pause or resume, not stop/],
    [['pause'], /--stage is required/],
    [['pause', '--stage', 'a b'], /not a stage name/],
    [['pause', '--stage', 'dev', '--region', 'Ireland'], /--region "Ireland"/],
    [['resume', '--stage', 'dev', '--reason', 'x'], /--reason belongs to pause/],
    [['pause', '--stage', 'dev', '--reason', ' '], /--reason must be 1-500/],
    [['pause', '--stage', 'dev', '--force'], /Unknown option '--force'/],
    // parseArgs alone keeps the last of a repeated flag: the wrong stage would be paused.
    [['pause', '--stage', 'dev', '--stage', 'prod'], /--stage is given 2 times; give it once/],
    [['pause', '--stage=prod', '--stage', 'dev'], /--stage is given 2 times/],
    [['pause', '--stage', 'dev', '--reason', 'a', '--reason', 'b'], /--reason is given 2 times/],
    [['pause', '--stage', 'dev', '--reason', 'INC-1\nfake line'], /must not contain control/],
    [['pause', '--stage', 'dev', '--reason', 'red \u001b[31m text'], /must not contain control/],
    [['pause', '--stage', 'dev', '--reason', 'tab\there'], /must not contain control/],
  ])('refuses %j, naming the flag', (argv, message) => {
    // Act / Assess
    expect(() => parseSwitchArgs(argv)).toThrow(UsageError);
    expect(() => parseSwitchArgs(argv)).toThrow(message);
  });

  it('refuses a stage serverless.yml does not configure, and finds the disabled schedules of one that does', () => {
    // Prepare
    const yml = [
      'service: xacct-ec2',
      'params:',
      '  default:',
      '    schedules: []',
      '  dev:',
      '    schedules:',
      '      - { name: evening-stop, expression: "cron(0 19 * * ? *)", request: { action: stop } }',
      '      - { name: morning-start, enabled: false, expression: "cron(0 7 * * ? *)", request: { action: start } }',
      'provider:',
      '  stage: dev',
      '  region: eu-west-1',
    ].join('\n');

    // Act
    const settings = stageSettings('dev', yml);

    // Assess
    expect(settings).toEqual({
      service: 'xacct-ec2',
      defaultRegion: 'eu-west-1',
      disabledSchedules: new Set(['xacct-ec2-dev-morning-start']),
    });
    expect(() => stageSettings('qa', yml)).toThrow(
      '--stage qa is not configured in serverless.yml; give one of: dev',
    );
  });
});
