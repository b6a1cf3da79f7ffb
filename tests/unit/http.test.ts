import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { logger } from '../../handlers/aws/logger';
import { handler } from '../../handlers/http';
import { aContext } from '../helpers/context';
import { anHttpEvent, aRunReadEvent, CALLER_ACCESS_KEY } from '../helpers/http-event';
import { pauseSwitch } from '../helpers/pause-switch';

const MACHINE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:xacct-ec2-test-engine';
const EXECUTIONS = 'arn:aws:states:eu-west-1:111111111111:execution:xacct-ec2-test-engine';
const CALLER = 'arn:aws:sts::111111111111:assumed-role/operators/alice';
const READ_ONLY =
  'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/bob';
/** The run ID of anHttpEvent: its time, and its API request ID written URL-safe. */
const RUN_ID = 'http-20260105T190000Z-JKJaXmPLvHcESHA';

async function call(event: APIGatewayProxyEventV2WithIAMAuthorizer) {
  const response = (await handler(event, aContext())) as APIGatewayProxyStructuredResultV2;
  return {
    status: response.statusCode,
    headers: response.headers ?? {},
    body: JSON.parse(response.body ?? 'null'),
  };
}

function calledAs(event: APIGatewayProxyEventV2WithIAMAuthorizer, userArn: string) {
  event.requestContext.authorizer.iam.userArn = userArn;
  return event;
}

const sfnMock = mockClient(SFNClient);
const stageSwitch = pauseSwitch(sfnMock);

beforeEach(() => {
  stageSwitch.reset();
  jest.restoreAllMocks();
});

describe('Function: handler (http), POST /instances/{action}', () => {
  it('answers 403 naming the rule to change, before any AWS call, when the caller may not do the action', async () => {
    // Prepare
    const event = calledAs(anHttpEvent('stop'), READ_ONLY);

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(403);
    expect(body.problems).toEqual([
      {
        field: 'params.callers',
        message:
          'add "stop" to the actions of params.callers[1] (principal sso/ReadOnly), or add a rule for this caller with that action, and deploy',
      },
    ]);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('answers 403 to a request without an IAM caller context', async () => {
    // Prepare
    const event = anHttpEvent('status');
    const { authorizer: _authorizer, ...requestContext } = event.requestContext;

    // Act
    const { status, body } = await call({
      ...event,
      requestContext: requestContext as typeof event.requestContext,
    });

    // Assess
    expect(status).toBe(403);
    expect(body.message).toMatch(/no IAM caller/);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('answers 400 listing every problem of the body and path, before any AWS call', async () => {
    // Prepare
    const event = anHttpEvent(
      'start',
      JSON.stringify({ action: 'stop', instanceIds: ['bad'], dryRun: 'yes', hibernate: true }),
    );

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(400);
    expect(body.message).toMatch(/invalid request/);
    expect(body.problems.map((p: { field: string }) => p.field).sort()).toEqual(
      ['action', 'dryRun', 'hibernate', 'instanceIds[0]'].sort(),
    );
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it("answers 400 for a target outside the stage's targets, before any AWS call", async () => {
    // Prepare
    const event = anHttpEvent('stop', JSON.stringify({ targets: { accounts: ['999999999999'] } }));

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(400);
    expect(body.problems[0].field).toBe('targets.accounts[0]');
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('answers 400 for malformed JSON and an unknown action, together', async () => {
    // Prepare
    const event = anHttpEvent('reboot', '{"dryRun": tru');

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(400);
    expect(body.problems).toEqual([
      { field: 'body', message: expect.stringContaining('is not valid JSON') },
      { field: 'action', message: 'must be one of "start", "stop" or "status"' },
    ]);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('answers 400 for a body that is not an object', async () => {
    // Prepare
    const event = anHttpEvent('status', '[1, 2]');

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(400);
    expect(body.problems).toEqual([
      { field: 'body', message: expect.stringContaining('JSON object') },
    ]);
  });

  it('answers 400 naming `request` for a request past the 24 KiB an engine run carries, before any AWS call', async () => {
    // Prepare: 600 valid DB identifiers of 60 characters, about 38 KB of JSON
    const dbInstanceIdentifiers = Array.from(
      { length: 600 },
      (_, i) => `d${String(i).padStart(5, '0')}${'a'.repeat(54)}`,
    );
    const event = anHttpEvent('stop', JSON.stringify({ task: 'rds', dbInstanceIdentifiers }));

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(400);
    expect(body.problems).toEqual([
      {
        field: 'request',
        message: expect.stringMatching(
          /more than the 24576 an engine run carries.*select the resources by tag/,
        ),
      },
    ]);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('answers 413 for a body over 1 MiB, before any AWS call', async () => {
    // Prepare
    const event = anHttpEvent('status', ' '.repeat(1024 * 1024 + 1));

    // Act
    const { status } = await call(event);

    // Assess
    expect(status).toBe(413);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('starts one engine execution named by the run ID, with the request and the caller as origin, and answers 202 with where to read it', async () => {
    // Prepare
    sfnMock
      .on(StartExecutionCommand)
      .resolves({ executionArn: `${EXECUTIONS}:${RUN_ID}`, startDate: new Date() });
    const event = anHttpEvent('stop', JSON.stringify({ hibernate: true, wait: true }));

    // Act
    const { status, headers, body } = await call(event);

    // Assess
    expect(status).toBe(202);
    expect(body).toEqual({ runId: RUN_ID, status: 'RUNNING', statusUrl: `/runs/${RUN_ID}` });
    expect(headers.location).toBe(`/runs/${RUN_ID}`);
    const starts = sfnMock.commandCalls(StartExecutionCommand);
    expect(starts).toHaveLength(1);
    const input = starts[0]?.args[0].input;
    expect(input?.stateMachineArn).toBe(MACHINE);
    expect(input?.name).toBe(RUN_ID);
    expect(JSON.parse(input?.input ?? '')).toEqual({
      request: { action: 'stop', hibernate: true, wait: true },
      origin: { kind: 'http', callerArn: CALLER },
    });
  });

  it('names each request its own run, within Step Functions name rules', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${EXECUTIONS}:x` });
    const other = anHttpEvent('status');
    other.requestContext.requestId = 'Ab+c/Def==';
    const unusable = anHttpEvent('status');
    unusable.requestContext.requestId = 'not an id: with spaces';

    // Act
    const first = await call(anHttpEvent('status'));
    const second = await call(other);
    const third = await call(unusable);

    // Assess
    const ids = [first, second, third].map((r) => r.body.runId as string);
    expect(ids).toEqual([
      RUN_ID,
      'http-20260105T190000Z-Ab-c_Def',
      // No usable API request ID: Lambda's request ID (aContext's) instead.
      'http-20260105T190000Z-c6af9ac6-7b61-11e6-9a41-93e812345678',
    ]);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it('answers the same request delivered twice with the run that exists, not a second run', async () => {
    // Prepare
    sfnMock
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    // Act
    const { status, body } = await call(anHttpEvent('status'));

    // Assess
    expect(status).toBe(202);
    expect(body.runId).toBe(RUN_ID);
    expect(sfnMock.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('answers 500 quoting the request ID when Step Functions refuses, without its details', async () => {
    // Prepare
    sfnMock.on(StartExecutionCommand).rejects(
      Object.assign(
        new Error(`User is not authorized to perform states:StartExecution on ${MACHINE}`),
        {
          name: 'AccessDeniedException',
        },
      ),
    );

    // Act
    const { status, body } = await call(anHttpEvent('status'));

    // Assess
    expect(status).toBe(500);
    expect(body.message).toMatch(/quote request ID c6af9ac6-/);
    expect(JSON.stringify(body)).not.toContain('arn:');
  });

  it("logs the caller's IAM identity for audit, never their access key", async () => {
    // Prepare
    const info = jest.spyOn(logger, 'info');
    sfnMock.on(StartExecutionCommand).resolves({ executionArn: `${EXECUTIONS}:${RUN_ID}` });

    // Act
    await call(anHttpEvent('status'));

    // Assess
    expect(info).toHaveBeenCalledWith(
      'http request',
      expect.objectContaining({
        caller: expect.objectContaining({ userArn: CALLER }),
        action: 'status',
      }),
    );
    expect(info).toHaveBeenCalledWith('run started', {
      runId: RUN_ID,
      action: 'status',
      caller: CALLER,
    });
    expect(JSON.stringify(info.mock.calls)).not.toContain(CALLER_ACCESS_KEY);
  });
});

describe('Function: handler (http), GET /runs/{id}', () => {
  const started = new Date('2026-01-05T19:00:01Z');
  const stopped = new Date('2026-01-05T19:02:31Z');
  const input = (action: string) =>
    JSON.stringify({
      request: { action, wait: true },
      origin: { kind: 'http', callerArn: CALLER },
    });
  const finish = {
    execution: RUN_ID,
    action: 'stop',
    origin: { kind: 'http', callerArn: CALLER },
    targets: 3,
    batches: 1,
    checks: 2,
    summary: { targets: 3, instances: 6, changed: 5, failed: 1, inTransit: 0, itemsFailed: 0 },
    failures: [
      { accountId: '333333333333', region: 'eu-central-1', code: 'UnauthorizedOperation' },
    ],
    failuresTotal: 1,
    failedItems: [],
    blastRadius: { verdict: 'within-limit', action: 'stop', resources: 5, limit: 500 },
    refusedItems: [],
  };

  it('reports a running run: its request and origin, no result yet', async () => {
    // Prepare
    sfnMock
      .on(DescribeExecutionCommand)
      .resolves({ status: 'RUNNING', startDate: started, input: input('stop') });

    // Act
    const { status, body } = await call(aRunReadEvent(RUN_ID));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({
      runId: RUN_ID,
      status: 'RUNNING',
      startedAt: '2026-01-05T19:00:01.000Z',
      request: { action: 'stop', wait: true },
      origin: { kind: 'http', callerArn: CALLER },
    });
    expect(sfnMock.commandCalls(DescribeExecutionCommand)[0]?.args[0].input).toEqual({
      executionArn: `${EXECUTIONS}:${RUN_ID}`,
    });
  });

  it("reports a finished run with the Finish state's summary, failures and blast-radius verdict", async () => {
    // Prepare
    sfnMock.on(DescribeExecutionCommand).resolves({
      status: 'SUCCEEDED',
      startDate: started,
      stopDate: stopped,
      input: input('stop'),
      output: JSON.stringify(finish),
      executionArn: `${EXECUTIONS}:${RUN_ID}`,
      stateMachineArn: MACHINE,
    });

    // Act
    const { status, body } = await call(aRunReadEvent(RUN_ID));

    // Assess
    expect(status).toBe(200);
    expect(body).toEqual({
      runId: RUN_ID,
      status: 'SUCCEEDED',
      startedAt: '2026-01-05T19:00:01.000Z',
      stoppedAt: '2026-01-05T19:02:31.000Z',
      request: { action: 'stop', wait: true },
      origin: { kind: 'http', callerArn: CALLER },
      summary: finish.summary,
      failures: finish.failures,
      failuresTotal: 1,
      failedItems: [],
      // The guard's verdict: the only place an HTTP dry run learns what the guard would do
      blastRadius: finish.blastRadius,
      refusedItems: [],
    });
    expect(JSON.stringify(body)).not.toContain(MACHINE);
  });

  it("reports a failed run with the error's name and message, without its trace or other ARNs", async () => {
    // Prepare: the plan refused the run (the blast-radius guard), as Lambda reports a thrown error
    sfnMock.on(DescribeExecutionCommand).resolves({
      status: 'FAILED',
      startDate: started,
      stopDate: stopped,
      input: input('stop'),
      error: 'ResourceLimitError',
      cause: JSON.stringify({
        errorType: 'ResourceLimitError',
        errorMessage:
          'refused: 612 instances to stop, more than maxResourcesPerRequest 500 (in arn:aws:lambda:eu-west-1:111111111111:function:xacct-ec2-test-enginePlan)',
        trace: ['ResourceLimitError: refused', '    at plan (/var/task/plan.js:1:1)'],
      }),
    });

    // Act
    const { status, body } = await call(aRunReadEvent(RUN_ID));

    // Assess
    expect(status).toBe(200);
    expect(body.status).toBe('FAILED');
    expect(body.stoppedAt).toBe('2026-01-05T19:02:31.000Z');
    expect(body.error).toEqual({
      code: 'ResourceLimitError',
      message: 'refused: 612 instances to stop, more than maxResourcesPerRequest 500 (in [ARN])',
    });
    expect(body.summary).toBeUndefined();
    expect(JSON.stringify(body)).not.toMatch(/plan\.js|function:/);
  });

  it('reports an aborted run as stopped before it finished', async () => {
    // Prepare
    sfnMock.on(DescribeExecutionCommand).resolves({
      status: 'ABORTED',
      startDate: started,
      stopDate: stopped,
      input: input('start'),
    });

    // Act
    const { status, body } = await call(aRunReadEvent(RUN_ID));

    // Assess
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'ABORTED',
      request: { action: 'start' },
      error: { code: 'ABORTED', message: expect.stringMatching(/stopped .* before it finished/) },
    });
  });

  it('answers 404 naming the id when the engine has no such run', async () => {
    // Prepare
    sfnMock
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));

    // Act
    const { status, body } = await call(aRunReadEvent('http-20260105T190000Z-nope'));

    // Assess
    expect(status).toBe(404);
    expect(body.problems).toEqual([
      {
        field: 'id',
        message: expect.stringContaining('no run http-20260105T190000Z-nope of this stage'),
      },
    ]);
  });

  it.each([
    ['another state machine', 'other-engine:run-1'],
    ['another account', '../999999999999:execution:x'],
    ['an ARN', `${EXECUTIONS}:${RUN_ID}`],
    ['a path', 'run/1'],
    ['an empty id', ''],
    ['an id over 80 characters', 'x'.repeat(81)],
  ])('refuses %s as the id with 400, before any AWS call', async (_case, id) => {
    // Act
    const { status, body } = await call(aRunReadEvent(id));

    // Assess
    expect(status).toBe(400);
    expect(body.problems[0].field).toBe('id');
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it("answers another caller's run exactly as a run that is not there: 404, the same body, nothing of the run", async () => {
    // Prepare: CALLER started the run; a read-only caller asks for it, and for one that does not exist
    sfnMock
      .on(DescribeExecutionCommand, { executionArn: `${EXECUTIONS}:${RUN_ID}` })
      .resolves({ status: 'RUNNING', startDate: started, input: input('status') })
      .on(DescribeExecutionCommand, { executionArn: `${EXECUTIONS}:http-20260105T190000Z-none` })
      .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));

    // Act
    const notYours = await call(calledAs(aRunReadEvent(RUN_ID), READ_ONLY));
    const notThere = await call(calledAs(aRunReadEvent('http-20260105T190000Z-none'), READ_ONLY));
    const yours = await call(aRunReadEvent(RUN_ID));

    // Assess
    expect([notYours.status, notThere.status, yours.status]).toEqual([404, 404, 200]);
    const withoutId = (body: { problems: Array<{ message: string }> }) =>
      JSON.stringify(body)
        .replaceAll(RUN_ID, '<id>')
        .replaceAll('http-20260105T190000Z-none', '<id>');
    expect(withoutId(notYours.body)).toBe(withoutId(notThere.body));
    expect(JSON.stringify(notYours.body)).not.toContain(CALLER);
  });

  it('refuses a caller no rule names before reading the run', async () => {
    // Prepare
    const event = calledAs(
      aRunReadEvent(RUN_ID),
      'arn:aws:sts::111111111111:assumed-role/somebody-else/eve',
    );

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(403);
    expect(body.message).toMatch(/is not named by any rule/);
    expect(sfnMock.calls()).toHaveLength(0);
  });

  it('reads any run (a scheduled one, another caller’s) only to a caller whose rule says readAllRuns', async () => {
    // Prepare: a scheduled run, started by no HTTP caller
    sfnMock.on(DescribeExecutionCommand).resolves({
      status: 'RUNNING',
      startDate: started,
      input: JSON.stringify({
        request: { action: 'stop' },
        origin: { kind: 'schedule', schedule: 'weekday-evening-stop' },
      }),
    });

    // Act
    const starterOfOthers = await call(aRunReadEvent(RUN_ID));
    const auditor = await call(
      calledAs(aRunReadEvent(RUN_ID), 'arn:aws:sts::111111111111:assumed-role/auditors/carol'),
    );

    // Assess
    expect(starterOfOthers.status).toBe(404);
    expect(auditor.status).toBe(200);
    expect(auditor.body.origin).toEqual({ kind: 'schedule', schedule: 'weekday-evening-stop' });
  });

  it('readAllRuns reads only runs of the tasks the rule allows: an ec2 auditor gets the 404 of a missing run for an RDS run, a caller that started it still reads it', async () => {
    // Prepare: a scheduled RDS run, and the same run started by CALLER over HTTP
    const rdsRun = (origin: unknown) => ({
      status: 'RUNNING' as const,
      startDate: started,
      input: JSON.stringify({ request: { task: 'rds', action: 'stop' }, origin }),
    });
    const auditorArn = 'arn:aws:sts::111111111111:assumed-role/auditors/carol';

    // Act
    sfnMock
      .on(DescribeExecutionCommand)
      .resolves(rdsRun({ kind: 'schedule', schedule: 'weekday-evening-stop' }));
    const auditor = await call(calledAs(aRunReadEvent(RUN_ID), auditorArn));
    sfnMock.on(DescribeExecutionCommand).resolves(rdsRun({ kind: 'http', callerArn: CALLER }));
    const starter = await call(aRunReadEvent(RUN_ID));
    const auditorOfTheirs = await call(calledAs(aRunReadEvent(RUN_ID), auditorArn));

    // Assess: the auditor's rule names no tasks, so it reads ec2 runs only.
    expect([auditor.status, starter.status, auditorOfTheirs.status]).toEqual([404, 200, 404]);
    expect(JSON.stringify(auditor.body)).not.toContain('rds');
  });

  it('a session of the same role is another caller: it does not read the run', async () => {
    // Prepare
    sfnMock
      .on(DescribeExecutionCommand)
      .resolves({ status: 'RUNNING', startDate: started, input: input('stop') });

    // Act
    const sameRoleOtherSession = await call(
      calledAs(aRunReadEvent(RUN_ID), 'arn:aws:sts::111111111111:assumed-role/operators/mallory'),
    );

    // Assess
    expect(sameRoleOtherSession.status).toBe(404);
  });
});

describe('Function: handler (http), engine ARN not resolved', () => {
  it('still refuses bad requests, and answers the runs it cannot start or read with 500', async () => {
    // Prepare: serverless-offline passes !Ref EngineStateMachine through as an object
    const saved = process.env.ENGINE_STATE_MACHINE_ARN;
    process.env.ENGINE_STATE_MACHINE_ARN = '[object Object]';
    let offline: typeof handler | undefined;
    await jest.isolateModulesAsync(async () => {
      offline = (await import('../../handlers/http')).handler;
    });
    process.env.ENGINE_STATE_MACHINE_ARN = saved;
    if (!offline) throw new Error('the handler did not load');
    const loaded = offline;
    const send = async (event: APIGatewayProxyEventV2WithIAMAuthorizer) =>
      ((await loaded(event, aContext())) as APIGatewayProxyStructuredResultV2).statusCode;

    // Act
    const bad = await send(anHttpEvent('stop', '{"dryRun":"yes"}'));
    const accepted = await send(anHttpEvent('status'));
    const read = await send(aRunReadEvent(RUN_ID));

    // Assess
    expect([bad, accepted, read]).toEqual([400, 500, 500]);
  });
});
