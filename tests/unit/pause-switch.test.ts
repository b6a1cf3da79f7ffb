/**
 * The kill switch holds in a warm container: each entry point reads the stage's pause tags on
 * every run (one module instance, paused between two invocations), refuses every new run while
 * paused (HTTP POST, direct invoke, a schedule on either path, a planned work item), says who
 * paused, when and why, and runs again once resumed. The tags are read with Step Functions
 * ListTagsForResource (API reference: tags are `{key, value}` pairs of the state machine).
 */
import {
  DescribeInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { ListTagsForResourceCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createPauseGate,
  PauseSwitchUnreadableError,
  StagePausedError,
} from '../../handlers/aws/pause-gate';
import { handler as engineStart } from '../../handlers/engine/start';
import { handler as work } from '../../handlers/engine/work';
import { pauseFromTags, pauseTags, tagValue } from '../../handlers/formats/stage-pause';
import { handler as http } from '../../handlers/http';
import { handler as instances } from '../../handlers/instances';
import { aContext } from '../helpers/context';
import { mockHandlerClients } from '../helpers/handler-clients';
import { anHttpEvent } from '../helpers/http-event';
import { anInstance, describePage, stateChange } from '../helpers/instances';
import { A_PAUSE } from '../helpers/pause-switch';

const MACHINE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:xacct-ec2-test-engine';
const TARGETS = { accounts: ['333333333333'] };

describe('Stage pause switch (warm container: one module instance, paused between invocations)', () => {
  const { ec2, sfn, stage } = mockHandlerClients();

  beforeEach(() => {
    ec2
      .on(DescribeInstancesCommand)
      .resolves(
        describePage([
          anInstance({ id: 'i-0000000a', state: 'running' }),
          anInstance({ id: 'i-0000000b', state: 'stopped' }),
        ]),
      );
    ec2
      .on(StopInstancesCommand)
      .resolves({ StoppingInstances: [stateChange('i-0000000a', 'running', 'stopping')] });
    ec2
      .on(StartInstancesCommand)
      .resolves({ StartingInstances: [stateChange('i-0000000b', 'stopped', 'pending')] });
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
      executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:${input.name}`,
      startDate: new Date(),
    }));
  });

  const post = async () =>
    (await http(
      anHttpEvent('stop', JSON.stringify({ targets: TARGETS })),
      aContext(),
    )) as APIGatewayProxyStructuredResultV2;

  it('POST /instances/stop: 202, then 409 naming who paused, when and why (no execution started), then 202 after resume', async () => {
    // Act
    const before = await post();
    stage.pause();
    const whilePaused = await post();
    stage.resume();
    const after = await post();

    // Assess
    expect([before.statusCode, whilePaused.statusCode, after.statusCode]).toEqual([202, 409, 202]);
    const body = JSON.parse(whilePaused.body ?? '{}');
    expect(body.paused).toEqual(A_PAUSE);
    expect(body.message).toBe(
      `stage test is paused by ${A_PAUSE.by} at ${A_PAUSE.at} (reason: ${A_PAUSE.reason}); no run starts or acts until npm run switch -- resume --stage test`,
    );
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(2);
    // Read on every request, never cached at cold start.
    expect(stage.reads()).toBe(3);
    expect(sfn.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: MACHINE,
    });
  });

  it('a direct invoke of instances: runs, then StagePausedError before any EC2 call, then runs again', async () => {
    // Act
    const first = await instances({ action: 'stop', targets: TARGETS }, aContext());
    const callsBefore = ec2.calls().length;
    stage.pause();
    const refused = instances({ action: 'stop', targets: TARGETS }, aContext());
    await expect(refused).rejects.toThrow(StagePausedError);
    await expect(refused).rejects.toThrow(`paused by ${A_PAUSE.by} at ${A_PAUSE.at}`);
    const callsWhilePaused = ec2.calls().length;
    stage.resume();
    const again = await instances({ action: 'stop', targets: TARGETS }, aContext());

    // Assess
    expect(first.summary.changed).toBe(1);
    expect(again.summary.changed).toBe(1);
    expect(callsWhilePaused).toBe(callsBefore);
    expect(ec2.commandCalls(StopInstancesCommand)).toHaveLength(2);
    expect(stage.reads()).toBe(3);
  });

  it('a status run and a dry run are refused too: paused, the stage reaches no target account', async () => {
    // Prepare
    stage.pause();

    // Act
    const status = instances({ action: 'status', targets: TARGETS }, aContext());
    const dryRun = instances({ action: 'stop', dryRun: true, targets: TARGETS }, aContext());

    // Assess
    await expect(status).rejects.toThrow(StagePausedError);
    await expect(dryRun).rejects.toThrow(StagePausedError);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('a schedule firing the instances function is refused', async () => {
    // Prepare
    stage.pause();
    const scheduled = {
      schedule: { name: 'weekday-evening-stop', scheduledTime: '2026-12-01T18:00:00Z' },
      request: { action: 'stop', targets: TARGETS },
    };

    // Act
    const run = instances(scheduled, aContext());

    // Assess
    await expect(run).rejects.toThrow(StagePausedError);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('a schedule firing the engine starter starts no execution while paused, and one after resume', async () => {
    // Prepare
    const delivery = {
      schedule: 'weekday-evening-stop',
      scheduledTime: '2026-12-01T18:00:00Z',
      request: { action: 'stop', targets: TARGETS },
    };
    stage.pause();

    // Act
    const refused = engineStart(delivery);
    await expect(refused).rejects.toThrow(StagePausedError);
    stage.resume();
    const started = await engineStart(delivery);

    // Assess
    expect(started.started).toBe(true);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('a run planned before the pause: its work items refuse to survey or act (an engine started by hand too)', async () => {
    // Prepare: a StartExecution by hand, or a run planned just before the pause.
    const item = {
      item: { batch: 0, approvedChanges: 1 },
      request: { action: 'stop', targets: TARGETS },
      origin: { kind: 'invoke' },
      runId: 'by-hand-1',
    };
    stage.pause();

    // Act
    const act = work(item, aContext());
    const survey = work({ ...item, phase: 'survey' }, aContext());

    // Assess
    await expect(act).rejects.toThrow(StagePausedError);
    await expect(survey).rejects.toThrow(StagePausedError);
    expect(ec2.calls()).toHaveLength(0);
    expect(stage.reads()).toBe(2);
  });

  it('fails closed: tags it cannot read (AccessDenied) refuse the run and name the cause', async () => {
    // Prepare
    sfn.on(ListTagsForResourceCommand).rejects(
      Object.assign(new Error('not authorized to perform: states:ListTagsForResource'), {
        name: 'AccessDeniedException',
      }),
    );

    // Act
    const run = instances({ action: 'stop', targets: TARGETS }, aContext());
    const response = await post();

    // Assess
    await expect(run).rejects.toThrow(PauseSwitchUnreadableError);
    await expect(run).rejects.toThrow(/AccessDeniedException.*no run starts until it can/);
    await expect(run).rejects.toMatchObject({
      code: 'PauseSwitchUnreadableError',
      cause: { name: 'AccessDeniedException' },
    });
    expect(response.statusCode).toBe(500);
    expect(ec2.calls()).toHaveLength(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

describe('Pause tags (handlers/formats/stage-pause.ts)', () => {
  it('any one of the keys means paused, so a half-written pause still holds', () => {
    // Act
    const pause = pauseFromTags('xacct-ec2', [{ key: 'xacct-ec2:paused-at', value: 'x' }]);

    // Assess
    expect(pause).toEqual({ by: '(unknown)', at: 'x', reason: '(none given)' });
    expect(pauseFromTags('xacct-ec2', [{ key: 'xacct-ec2:managed', value: 'prod' }])).toBe(
      undefined,
    );
  });

  it('writes values Step Functions accepts: letters, digits, spaces and _.:/=+-@ only, at most 256', () => {
    // Act
    const tags = pauseTags('xacct-ec2', {
      ...A_PAUSE,
      reason: `INC-1234, "payments" (night); ${'x'.repeat(300)}`,
    });

    // Assess
    for (const tag of tags) {
      expect(tag.value).toMatch(/^[\p{L}\p{N}\s_.:/=+\-@]{0,256}$/u);
    }
    expect(tagValue('INC-1234, "a" (b)')).toBe('INC-1234   a   b ');
  });
});

describe('Pause gate: which state machine it reads', () => {
  const sfn = mockClient(SFNClient);
  beforeEach(() => {
    sfn.reset();
    sfn.on(ListTagsForResourceCommand).resolves({ tags: [] });
  });
  const gate = (stateMachineArn?: string) =>
    createPauseGate({
      client: new SFNClient({ region: 'cn-north-1' }),
      stateMachineArn,
      service: 'xacct-ec2',
      stage: 'prod',
    });

  it('without ENGINE_STATE_MACHINE_ARN: the engine beside the invoked function, its partition, region and account (a version qualifier ignored)', async () => {
    // Act
    await gate()('arn:aws-cn:lambda:cn-north-1:111111111111:function:xacct-ec2-prod-instances:7');

    // Assess
    expect(sfn.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input.resourceArn).toBe(
      'arn:aws-cn:states:cn-north-1:111111111111:stateMachine:xacct-ec2-prod-engine',
    );
  });

  it.each([
    [undefined, undefined],
    ['[object Object]', 'arn:aws:lambda:eu-west-1:111111111111:function:f'],
    [undefined, 'offline_invokedFunctionArn_for_instances'],
  ])('refuses the run when neither names an engine (%s, %s)', async (explicit, functionArn) => {
    // Act / Assess
    await expect(gate(explicit)(functionArn)).rejects.toThrow(PauseSwitchUnreadableError);
    expect(sfn.calls()).toHaveLength(0);
  });
});
