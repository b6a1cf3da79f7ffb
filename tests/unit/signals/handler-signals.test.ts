import { DescribeInstancesCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { RunResult } from '../../../handlers/core/results';
import type { SignalsReport } from '../../../handlers/signals/contract';
import { aContext } from '../../helpers/context';
import { awsError, LEAKED_ACCESS_KEY, LEAKED_SESSION_TOKEN } from '../../helpers/errors';
import { anInstance, describePage, stateChange } from '../../helpers/instances';
import { pauseSwitch } from '../../helpers/pause-switch';

type Handlers = {
  instances: typeof import('../../../handlers/instances')['handler'];
  http: typeof import('../../../handlers/http')['handler'];
};
type Reported = RunResult & { signals: SignalsReport };
type Emf = Record<string, unknown> & {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> };
};

/** Two targets: 222222222222/eu-west-1 holds a stopped and a running instance; 333333333333 refuses. */
const REQUEST = {
  action: 'stop',
  targets: { accounts: ['222222222222', '333333333333'], regions: ['eu-west-1', 'eu-central-1'] },
};

describe('Signals of a run through the handlers', () => {
  const ec2Mock = mockClient(EC2Client);
  const eventsMock = mockClient(EventBridgeClient);
  const stageSwitch = pauseSwitch();
  let handlers: Handlers;
  let printed: string[];

  beforeAll(async () => {
    // setup-env sets POWERTOOLS_DEV, which silences metrics unless told otherwise.
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    handlers = {
      instances: (await import('../../../handlers/instances')).handler,
      http: (await import('../../../handlers/http')).handler,
    };
  });

  afterAll(() => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
  });

  beforeEach(() => {
    ec2Mock.reset();
    eventsMock.reset();
    stageSwitch.reset();
    jest.restoreAllMocks();
    printed = [];
    // In dev mode Powertools prints EMF with the global console.
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      printed.push(String(line));
    });
    ec2Mock.on(DescribeInstancesCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      if (region === 'eu-central-1') {
        throw awsError(
          'AccessDenied',
          `not authorized to perform: sts:AssumeRole; signed with ${LEAKED_ACCESS_KEY} X-Amz-Security-Token=${LEAKED_SESSION_TOKEN}`,
        );
      }
      return describePage([
        anInstance({ id: 'i-0000000a', state: 'running', name: 'web' }),
        anInstance({ id: 'i-0000000b', state: 'running', name: 'db' }),
      ]);
    });
    ec2Mock.on(StopInstancesCommand).callsFake((input: { InstanceIds?: string[] }) => {
      if (input.InstanceIds?.includes('i-0000000b')) {
        throw awsError(
          'IncorrectInstanceState',
          'The instance i-0000000b is not in a state from which it can be stopped.',
        );
      }
      return { StoppingInstances: [stateChange('i-0000000a', 'running', 'stopping')] };
    });
    eventsMock.on(PutEventsCommand).callsFake((input: { Entries?: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: (input.Entries ?? []).map((_e, i) => ({ EventId: `event-${i}` })),
    }));
  });

  const emfLines = (): Emf[] =>
    printed.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Emf);
  const sentEntries = () =>
    eventsMock
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map((entry) => ({ ...entry, detail: JSON.parse(entry.Detail ?? '{}') }));

  it('emits the run metrics as one EMF line with bounded dimensions and the IDs as properties', async () => {
    // Prepare
    const event = REQUEST;

    // Act
    const result = (await handlers.instances(
      event,
      aContext({ requestId: 'req-emf' }),
    )) as Reported;

    // Assess
    expect(result.summary).toMatchObject({ targetsFailed: 1, failed: 1 });
    const [line, ...others] = emfLines();
    expect(others).toEqual([]);
    expect(line?._aws.CloudWatchMetrics).toEqual([
      expect.objectContaining({
        Namespace: 'xacct-ec2',
        Dimensions: [['service', 'stage', 'action']],
      }),
    ]);
    expect(line).toMatchObject({
      service: 'xacct-ec2',
      stage: 'test',
      action: 'stop',
      ResourcesFailed: 1,
      TargetsFailed: 1,
      RunsCompleted: 1,
      EventsSent: result.signals.eventsSent,
      EventsFailed: 0,
      runId: 'req-emf',
      task: 'ec2',
      outcome: 'failed',
      origin: 'invoke',
      failedAccounts: '333333333333',
    });
    expect(typeof line?.RunDuration).toBe('number');
    expect(Object.keys(line ?? {}).filter((key) => key.startsWith('Instances'))).toEqual([]);
  });

  it('sends a run summary and one Resource Outcome per resource it changed or failed to change', async () => {
    // Prepare
    const event = REQUEST;

    // Act
    const result = (await handlers.instances(
      event,
      aContext({ requestId: 'req-events' }),
    )) as Reported;

    // Assess
    const entries = sentEntries();
    expect(entries.every((e) => e.Source === 'xacct-ec2' && e.EventBusName === undefined)).toBe(
      true,
    );
    expect(
      entries.map((e) => [e.DetailType, e.detail.resourceId ?? null, e.detail.outcome]),
    ).toEqual([
      // Each target's events as it finishes, the summary once every one was sent (SIGNALS.md).
      ['Resource Outcome', 'i-0000000a', 'changed'],
      ['Resource Outcome', 'i-0000000b', 'failed'],
      ['Run Summary', null, 'failed'],
    ]);
    expect(entries[2]?.detail).toMatchObject({
      schemaVersion: '2',
      task: 'ec2',
      eventId: 'req-events/run-summary/failed',
      stage: 'test',
      runId: 'req-events',
      requestedAction: 'stop',
      origin: { kind: 'invoke' },
      failedTargets: [
        expect.objectContaining({
          account: '333333333333',
          region: 'eu-central-1',
          code: 'AccessDenied',
        }),
      ],
    });
    expect(entries[1]?.detail).toMatchObject({
      eventId: 'req-events/222222222222/eu-west-1/ec2:instance/i-0000000b/failed',
      task: 'ec2',
      account: '222222222222',
      region: 'eu-west-1',
      resourceType: 'ec2:instance',
      resourceId: 'i-0000000b',
      code: 'IncorrectInstanceState',
      reason: expect.any(String),
    });
    expect(result.signals).toEqual({ eventsSent: 3, eventsFailed: 0 });
  });

  it('names the schedule in the events and emits its heartbeat with the schedule as dimension', async () => {
    // Prepare
    const event = {
      schedule: { name: 'weekday-evening-stop', scheduledTime: '2026-12-01T18:00:00Z' },
      request: REQUEST,
    };

    // Act
    await handlers.instances(event, aContext({ requestId: 'req-schedule' }));

    // Assess
    const heartbeat = emfLines().find((l) => 'ScheduledRunsCompleted' in l);
    expect(heartbeat?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service', 'stage', 'schedule'],
    ]);
    expect(heartbeat).toMatchObject({
      schedule: 'weekday-evening-stop',
      ScheduledRunsCompleted: 1,
    });
    expect(sentEntries()[0]?.detail.origin).toEqual({
      kind: 'schedule',
      schedule: 'weekday-evening-stop',
      scheduledTime: '2026-12-01T18:00:00Z',
    });
  });

  it('rejects a scheduled wrapper without a schedule name before any AWS call', async () => {
    // Prepare
    const event = { schedule: {}, request: REQUEST };

    // Act
    const run = handlers.instances(event, aContext());

    // Assess
    await expect(run).rejects.toThrow(/schedule\.name/);
    expect(ec2Mock.calls()).toHaveLength(0);
    expect(eventsMock.calls()).toHaveLength(0);
  });

  it('sends no events for an HTTP request: the engine run it starts carries the caller as its origin', async () => {
    // Prepare
    const sfnMock = stageSwitch.sfn;
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:x' });
    const event = {
      body: JSON.stringify({ targets: REQUEST.targets }),
      isBase64Encoded: false,
      pathParameters: { action: 'stop' },
      requestContext: {
        authorizer: {
          iam: { userArn: 'arn:aws:iam::111111111111:user/alice', accountId: '111111111111' },
        },
        http: { method: 'POST', sourceIp: '192.0.2.1' },
      },
    } as unknown as APIGatewayProxyEventV2WithIAMAuthorizer;

    // Act
    const response = await handlers.http(event, aContext());

    // Assess
    expect(response).toMatchObject({ statusCode: 202 });
    const input = JSON.parse(
      sfnMock.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}',
    );
    expect(input.origin).toEqual({
      kind: 'http',
      callerArn: 'arn:aws:iam::111111111111:user/alice',
    });
    expect(sentEntries()).toEqual([]);
    sfnMock.restore();
  });

  it('does not fail the run when EventBridge cannot be reached, and counts what was not sent', async () => {
    // Prepare
    eventsMock.on(PutEventsCommand).rejects(awsError('InternalException', 'EventBridge is down'));

    // Act
    const result = (await handlers.instances(REQUEST, aContext())) as Reported;

    // Assess
    expect(result.summary.changed).toBe(1);
    expect(result.signals).toEqual({ eventsSent: 0, eventsFailed: 3 });
    expect(emfLines()[0]).toMatchObject({ EventsSent: 0, EventsFailed: 3 });
  });

  it('reports a run the blast-radius guard refused: a refused Run Summary and RunsRefused, then the refusal', async () => {
    // Prepare: the caller confirms 5 instances; the run would stop 1
    const event = {
      schedule: { name: 'weekday-evening-stop', scheduledTime: '2026-12-01T18:00:00Z' },
      request: { ...REQUEST, confirmCount: 5 },
    };

    // Act
    const run = handlers.instances(event, aContext({ requestId: 'req-refused' }));

    // Assess
    await expect(run).rejects.toThrow(/blast-radius guard/);
    expect(ec2Mock.commandCalls(StopInstancesCommand)).toHaveLength(0);
    const [entry, ...others] = sentEntries();
    expect(others).toEqual([]);
    expect(entry?.DetailType).toBe('Run Summary');
    expect(entry?.detail).toMatchObject({
      runId: 'req-refused',
      requestedAction: 'stop',
      outcome: 'refused',
      refused: { reason: expect.stringMatching(/confirmCount is 5/), limit: 500 },
      counts: { targets: 2, changed: 0, failed: 0 },
      origin: { kind: 'schedule', schedule: 'weekday-evening-stop' },
    });
    const [line, ...more] = emfLines();
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      action: 'stop',
      RunsRefused: 1,
      EventsSent: 1,
      outcome: 'refused',
    });
    expect(line).not.toHaveProperty('RunsCompleted');
    expect(line).not.toHaveProperty('ScheduledRunsCompleted');
  });

  it('keeps credentials out of the metrics and the events', async () => {
    // Prepare
    const event = REQUEST;

    // Act
    await handlers.instances(event, aContext());

    // Assess
    const everything = JSON.stringify([printed, eventsMock.calls().map((c) => c.args[0].input)]);
    expect(everything).toContain('333333333333');
    expect(everything).not.toContain(LEAKED_ACCESS_KEY);
    expect(everything).not.toContain(LEAKED_SESSION_TOKEN.slice(0, 20));
    expect(everything).not.toContain(process.env.AWS_SECRET_ACCESS_KEY);
  });
});
