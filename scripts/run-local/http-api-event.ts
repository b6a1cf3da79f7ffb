/**
 * An HTTP API (payload 2.0) event as API Gateway hands it to the http function after the
 * `aws_iam` authorizer: the caller's IAM identity in `requestContext.authorizer.iam`. For
 * driving the handler in-process (integration tests, `npm run engine:local -- --http`).
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';

export type HttpApiRoute =
  | { method: 'POST'; action: string; body?: unknown }
  | { method: 'GET'; runId: string };

/** The caller every local request comes from: the seed's `ops` role, session `operator`. */
export const LOCAL_CALLER_ARN = 'arn:aws:sts::111111111111:assumed-role/ops/operator';

export function httpApiEvent(route: HttpApiRoute): APIGatewayProxyEventV2WithIAMAuthorizer {
  const routeKey = route.method === 'POST' ? 'POST /instances/{action}' : 'GET /runs/{id}';
  const path = route.method === 'POST' ? `/instances/${route.action}` : `/runs/${route.runId}`;
  const body = route.method === 'POST' ? route.body : undefined;
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: route.method === 'POST' ? { action: route.action } : { id: route.runId },
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    requestContext: {
      accountId: '111111111111',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      http: {
        method: route.method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'local',
      },
      authorizer: {
        iam: {
          accessKey: 'ASIAEXAMPLEEXAMPLE00',
          accountId: '111111111111',
          callerId: 'AROAEXAMPLE:operator',
          cognitoIdentity: null as never,
          principalOrgId: 'o-a1b2c3d4e5',
          userArn: LOCAL_CALLER_ARN,
          userId: 'AROAEXAMPLE:operator',
        },
      },
    },
  } as APIGatewayProxyEventV2WithIAMAuthorizer;
}
