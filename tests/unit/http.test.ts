import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { logger } from '../../handlers/aws/logger';
import type { RunResult } from '../../handlers/core/results';
import { handler } from '../../handlers/http';
import { aContext } from '../helpers/context';
import { acceptingEventBridge } from '../helpers/event-bridge';
import { anHttpEvent, CALLER_ACCESS_KEY } from '../helpers/http-event';
import { anInstance, describePage } from '../helpers/instances';

async function call(event: APIGatewayProxyEventV2WithIAMAuthorizer) {
  const response = (await handler(event, aContext())) as APIGatewayProxyStructuredResultV2;
  return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') };
}

describe('Function: handler (http)', () => {
  const ec2Mock = mockClient(EC2Client);
  const eventBridge = acceptingEventBridge();

  beforeEach(() => {
    ec2Mock.reset();
    eventBridge.reset();
    jest.restoreAllMocks();
  });

  it('answers 403 naming the rule to change, before any AWS call, when the caller may not do the action', async () => {
    // Prepare
    const event = anHttpEvent('stop');
    const iam = event.requestContext.authorizer.iam;
    iam.userArn =
      'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/bob';

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
    expect(ec2Mock.calls()).toHaveLength(0);
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
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('answers 400 listing every problem of the body and path', async () => {
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
    expect(ec2Mock.calls()).toHaveLength(0);
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

  it('answers 200 with the run result, treating an empty body as {}', async () => {
    // Prepare
    ec2Mock.on(DescribeInstancesCommand).resolves(describePage([anInstance({ id: 'i-0000000a' })]));
    const event = anHttpEvent('status');

    // Act
    const { status, body } = await call(event);

    // Assess
    const result = body as RunResult;
    expect(status).toBe(200);
    expect(result.action).toBe('status');
    expect(result.summary).toMatchObject({ targets: 3, instances: 3, unchanged: 3 });
  });

  it('accepts a matching action in the body and a base64-encoded body', async () => {
    // Prepare
    ec2Mock.on(DescribeInstancesCommand).resolves(describePage([]));
    const event = {
      ...anHttpEvent(
        'status',
        Buffer.from('{"action":"status","targets":{"regions":["us-east-1"]}}').toString('base64'),
      ),
      isBase64Encoded: true,
    };

    // Act
    const { status, body } = await call(event);

    // Assess
    expect(status).toBe(200);
    expect((body as RunResult).targets.map((t) => t.region)).toEqual(['us-east-1']);
  });

  it("logs the caller's IAM identity for audit, never their access key", async () => {
    // Prepare
    const info = jest.spyOn(logger, 'info');
    ec2Mock.on(DescribeInstancesCommand).resolves(describePage([]));

    // Act
    await call(anHttpEvent('status'));

    // Assess
    expect(info).toHaveBeenCalledWith(
      'http request',
      expect.objectContaining({
        caller: expect.objectContaining({
          userArn: 'arn:aws:sts::111111111111:assumed-role/operators/alice',
        }),
        action: 'status',
      }),
    );
    expect(JSON.stringify(info.mock.calls)).not.toContain(CALLER_ACCESS_KEY);
  });
});
