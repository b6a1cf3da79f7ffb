/**
 * An HTTP request that ends in an internal error is answered 500 and counted in
 * HttpInternalErrors (its own EMF line, service and stage only), which the packaged alarm
 * watches. The core is replaced by one that throws, as a bug would.
 */
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { aContext } from '../../helpers/context';
import { acceptingEventBridge } from '../../helpers/event-bridge';

jest.mock('../../../handlers/core/run', () => ({
  runRequest: jest.fn(async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'Reservations')");
  }),
}));

type Emf = Record<string, unknown> & {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> };
};

const event = (action: string) =>
  ({
    body: JSON.stringify({ targets: { accounts: ['222222222222'], regions: ['eu-west-1'] } }),
    isBase64Encoded: false,
    pathParameters: { action },
    requestContext: {
      authorizer: {
        iam: { userArn: 'arn:aws:iam::111111111111:user/alice', accountId: '111111111111' },
      },
      http: { sourceIp: '192.0.2.1' },
    },
  }) as unknown as APIGatewayProxyEventV2WithIAMAuthorizer;

describe('HTTP internal errors', () => {
  const eventBridge = acceptingEventBridge();
  let http: typeof import('../../../handlers/http')['handler'];
  let printed: string[];

  beforeAll(async () => {
    // setup-env sets POWERTOOLS_DEV, which silences metrics unless told otherwise.
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    http = (await import('../../../handlers/http')).handler;
  });

  afterAll(() => {
    delete process.env.POWERTOOLS_METRICS_DISABLED;
  });

  beforeEach(() => {
    eventBridge.reset();
    jest.restoreAllMocks();
    printed = [];
    jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      printed.push(String(line));
    });
  });

  const emfLines = (): Emf[] =>
    printed.filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Emf);

  it('counts a 500 in HttpInternalErrors with the service and stage as dimensions', async () => {
    // Prepare
    const request = event('stop');

    // Act
    const response = await http(request, aContext({ requestId: 'req-500' }));

    // Assess
    expect(response).toMatchObject({ statusCode: 500 });
    const [line, ...others] = emfLines();
    expect(others).toEqual([]);
    expect(line?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'xacct-ec2',
      Dimensions: [['service', 'stage']],
    });
    expect(line).toMatchObject({
      service: 'xacct-ec2',
      stage: 'test',
      HttpInternalErrors: 1,
      requestId: 'req-500',
    });
    expect(eventBridge.events.calls()).toHaveLength(0);
  });

  it('does not count a refused request (a 4xx) as an internal error', async () => {
    // Prepare
    const request = event('reboot');

    // Act
    const response = await http(request, aContext());

    // Assess
    expect(response).toMatchObject({ statusCode: 400 });
    expect(emfLines()).toEqual([]);
  });
});
