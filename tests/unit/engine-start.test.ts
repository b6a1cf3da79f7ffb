import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  executionName,
  InvalidScheduledTimeError,
  MAX_EXECUTION_NAME,
} from '../../handlers/engine/execution-name';
import { StepFunctionsError, sfnStarter } from '../../handlers/engine/sfn-client';
import {
  ExecutionAlreadyExistsError,
  type ExecutionStarter,
  startScheduledRun,
} from '../../handlers/engine/start-run';

const ARN = 'arn:aws:states:eu-west-1:111111111111:stateMachine:xacct-ec2-test-engine';
const CREDENTIALS = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
});

describe('Engine: execution names', () => {
  it('names a run after its schedule and scheduled time, without characters Step Functions refuses', () => {
    // Act / Assess
    expect(executionName('weekday-evening-stop', '2026-12-01T18:00:00Z')).toBe(
      'weekday-evening-stop-20261201T180000Z',
    );
    expect(executionName('ops: nightly/stop', '2026-12-01T18:00:00.000Z')).toBe(
      'ops--nightly-stop-20261201T180000Z',
    );
  });

  it('keeps a long schedule name within 80 characters, the time intact', () => {
    // Act
    const name = executionName('x'.repeat(120), '2027-03-14T06:30:00Z');

    // Assess
    expect(name).toHaveLength(MAX_EXECUTION_NAME);
    expect(name.endsWith('-20270314T063000Z')).toBe(true);
  });

  it('refuses a scheduled time that is not an ISO UTC time, naming the field', () => {
    // Act / Assess
    expect(() => executionName('s', '<aws.scheduler.scheduled-time>')).toThrow(
      InvalidScheduledTimeError,
    );
    expect(() => executionName('s', undefined)).toThrow(
      /^scheduledTime is undefined; expected an ISO 8601 UTC time/,
    );
  });
});

describe('Engine: starting a scheduled run', () => {
  it('starts once per scheduled time: a duplicate delivery finds the name taken and is not run again', async () => {
    // Prepare: a starter that refuses a name it has seen, as Step Functions does
    const names: string[] = [];
    const starter: ExecutionStarter = {
      async startExecution({ name }) {
        if (names.includes(name)) throw new ExecutionAlreadyExistsError(name);
        names.push(name);
        return { executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:${name}` };
      },
    };
    const delivery = {
      schedule: 'weekday-evening-stop',
      scheduledTime: '2026-12-01T18:00:00Z',
      request: { action: 'stop' },
    };

    // Act
    const first = await startScheduledRun(starter, ARN, delivery);
    const again = await startScheduledRun(starter, ARN, delivery);
    const nextDay = await startScheduledRun(starter, ARN, {
      ...delivery,
      scheduledTime: '2026-12-02T18:00:00Z',
    });

    // Assess
    expect(first).toMatchObject({ started: true, name: 'weekday-evening-stop-20261201T180000Z' });
    expect(again).toEqual({
      started: false,
      name: 'weekday-evening-stop-20261201T180000Z',
      duplicate: true,
    });
    expect(nextDay.started).toBe(true);
    expect(names).toHaveLength(2);
  });
});

describe('Engine: the signed StartExecution call', () => {
  async function server(
    answer: (body: Record<string, unknown>) => { status: number; body: unknown },
  ) {
    const seen: Array<{ headers: IncomingMessage['headers']; body: Record<string, unknown> }> = [];
    const http = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk) => {
        raw += chunk;
      });
      req.on('end', () => {
        const body = JSON.parse(raw) as Record<string, unknown>;
        seen.push({ headers: req.headers, body });
        const { status, body: out } = answer(body);
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(out));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/`;
    return { url, seen, close: () => new Promise<void>((resolve) => http.close(() => resolve())) };
  }

  it('sends a SigV4-signed JSON 1.0 request and reads the execution ARN', async () => {
    // Prepare
    const local = await server((body) => ({
      status: 200,
      body: { executionArn: `arn:x:${String(body.name)}`, startDate: 1 },
    }));
    const starter = sfnStarter({
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      endpoint: local.url,
    });

    // Act
    const out = await starter.startExecution({
      stateMachineArn: ARN,
      name: 'n-20261201T180000Z',
      input: '{}',
    });
    await local.close();

    // Assess
    expect(out).toEqual({ executionArn: 'arn:x:n-20261201T180000Z' });
    expect(local.seen[0]?.headers).toMatchObject({
      'x-amz-target': 'AWSStepFunctions.StartExecution',
      'content-type': 'application/x-amz-json-1.0',
    });
    expect(local.seen[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/states\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/,
    );
    expect(local.seen[0]?.body).toEqual({
      stateMachineArn: ARN,
      name: 'n-20261201T180000Z',
      input: '{}',
    });
  });

  it('turns ExecutionAlreadyExists into its own error, and any other refusal into a named one', async () => {
    // Prepare
    let call = 0;
    const local = await server(() =>
      call++ === 0
        ? {
            status: 400,
            body: {
              __type: 'com.amazonaws.swf.service.v2.model#ExecutionAlreadyExists',
              message: 'Execution Already Exists',
            },
          }
        : { status: 400, body: { __type: 'InvalidName', message: 'Invalid Name' } },
    );
    const starter = sfnStarter({
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      endpoint: local.url,
    });
    const start = () =>
      starter
        .startExecution({ stateMachineArn: ARN, name: 'n', input: '{}' })
        .catch((e: unknown) => e);

    // Act
    const duplicate = await start();
    const other = await start();
    await local.close();

    // Assess
    expect(duplicate).toBeInstanceOf(ExecutionAlreadyExistsError);
    expect(other).toBeInstanceOf(StepFunctionsError);
    expect(other).toMatchObject({
      code: 'InvalidName',
      status: 400,
      message: 'InvalidName: Invalid Name',
    });
  });
});
