/**
 * The stage switch in-process against the local endpoint over real HTTP: the real Scheduler and
 * STS clients, the local stage's schedules as its packaged CloudFormation declares them, and the
 * real policy authorizer evaluating the switch's least-privilege policy for the operator role.
 * The pause stops a real execution of the packaged engine on the endpoint's Step Functions; the
 * other cases mock the SFN client, since what they prove is about the schedules.
 */
import {
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { ListExecutionsCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { EngineHandlers } from '../../scripts/local-aws/local-engine';
import { stageOperatorCredentials } from '../../scripts/local-aws/scheduler-operator';
import { type LocalEndpoint, startLocalEndpoint } from '../../scripts/run-local';
import {
  packagedEngineDefinition,
  packagedEngineStateMachineArn,
} from '../../scripts/shared/stack/packaged-definition';
import { exitCodeOf, renderSwitchReport } from '../../scripts/switch/render-report';
import { runSwitch, type SwitchInput } from '../../scripts/switch/run-switch';

const GROUP = 'xacct-ec2-local';
const SCHEDULE = 'xacct-ec2-local-weekday-evening-stop';
const OPERATOR_SESSION = 'arn:aws:sts::111111111111:assumed-role/xacct-ec2-operator/stage-switch';
/** Work items of the held run, more than the packaged Map's MaxConcurrency (custom.engine). */
const ITEMS = 100;
const MAX_CONCURRENCY = 40;
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
    sfn = new SFNClient({ region: aws.region, endpoint: aws.url, credentials });
    input = { command: 'pause', service: 'xacct-ec2', stage: 'local', region: aws.region };
  }, 120_000);

  afterAll(async () => {
    scheduler.destroy();
    sts.destroy();
    sfn.destroy();
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
    // Prepare: a real execution of the packaged engine, its first work item held in flight
    const { aws } = endpoint;
    const { packaged } = (await endpoint.ready).packaging;
    expect(packagedEngineStateMachineArn(packaged.template, aws.region)).toBe(ENGINE);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let workCalls = 0;
    let summaries = 0;
    const handlers: EngineHandlers = {
      plan: async () => {
        const batches = Array.from({ length: ITEMS }, (_, batch) => ({ batch }));
        // The plan's shape (handlers/engine/plan.ts), surveyed already: every item approved.
        return {
          action: 'stop',
          origin: { kind: 'invoke' },
          run: { id: 'held', startedAt: new Date().toISOString(), dryRun: false, targets: ITEMS },
          targets: ITEMS,
          targetsPerBatch: 1,
          batches,
          survey: false,
          work: batches.map((b) => ({ ...b, approvedChanges: 1 })),
          guard: { verdict: 'not-checked', reason: 'a held test run' },
          waitSeconds: 0,
          maxChecks: 0,
        };
      },
      work: async () => {
        workCalls += 1;
        await held;
        return { batch: 0 };
      },
      recheck: async () => ({}),
      summarise: async () => {
        summaries += 1;
        return {};
      },
    };
    aws.executions.register({
      arn: ENGINE,
      definition: { ...packagedEngineDefinition(packaged.template) },
      handlers,
      waitMs: 0,
    });
    const starter = new SFNClient({
      region: aws.region,
      endpoint: aws.url,
      credentials: aws.issueSession(
        'arn:aws:iam::111111111111:role/xacct-ec2-local-EngineStartRole',
        'engine-start',
      ),
    });
    const { executionArn } = await starter.send(
      new StartExecutionCommand({
        stateMachineArn: ENGINE,
        name: 'weekday-evening-stop-20261201T180000Z',
        input: JSON.stringify({ request: { action: 'stop' } }),
      }),
    );
    starter.destroy();
    while (workCalls === 0) {
      // A definition the fake plan no longer fits ends the run at once: say so, do not hang.
      const status = aws.executions.find(executionArn ?? '')?.status;
      if (status !== 'RUNNING') throw new Error(`the held run is ${status}, not RUNNING`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const before = await current();

    // Act
    const report = await runSwitch({ scheduler, sts, sfn }, { ...input, reason: 'drill' });
    release();
    await aws.executions.finished(executionArn ?? '');

    // Assess
    const after = await current();
    expect(exitCodeOf(report)).toBe(0);
    expect(before.State).toBe('ENABLED');
    expect(after.State).toBe('DISABLED');
    expect(writable(after)).toEqual(writable(before));
    expect(before.Target?.RoleArn).toMatch(/:role\/xacct-ec2-local-SchedulerInvokeRole-/);
    // Read as the endpoint records it: the operator's policy rightly has no DescribeExecution.
    const stopped = aws.executions.find(executionArn ?? '');
    expect(stopped?.status).toBe('ABORTED');
    expect(stopped?.cause).toBe(`Paused by ${OPERATOR_SESSION} with npm run switch: drill`);
    // Stopped before starting new items: only the first MaxConcurrency items ever started.
    expect(workCalls).toBeGreaterThan(0);
    expect(workCalls).toBeLessThanOrEqual(MAX_CONCURRENCY);
    expect(summaries).toBe(0);
    expect(renderSwitchReport(report)).toContain(`  ${SCHEDULE}: disabled`);
    // The gate every run reads, written with the operator's policy over the wire.
    const tags = Object.fromEntries(aws.executions.tagsOf(ENGINE));
    expect(tags['xacct-ec2:paused-by']).toBe(OPERATOR_SESSION);
    expect(tags['xacct-ec2:paused-reason']).toBe('drill');
  }, 30_000);

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

  it('resumes: the schedule is ENABLED again, fields unchanged, the pause tags removed and no run restarted', async () => {
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
    expect(sfnMock.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'UntagResourceCommand',
    ]);
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
