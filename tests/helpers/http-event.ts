import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';

/** The caller's access key ID as API Gateway passes it; it must never be logged. */
export const CALLER_ACCESS_KEY = 'ASIAZZZZZZZZZZZZZZZZ';

/** An API Gateway HTTP API (payload 2.0) event for POST /instances/{action}, IAM-authorised. */
export function anHttpEvent(
  action: string,
  body?: string,
): APIGatewayProxyEventV2WithIAMAuthorizer {
  return {
    version: '2.0',
    routeKey: 'POST /instances/{action}',
    rawPath: `/instances/${action}`,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: { action },
    isBase64Encoded: false,
    ...(body !== undefined ? { body } : {}),
    requestContext: {
      accountId: '111111111111',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method: 'POST',
        path: `/instances/${action}`,
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.10',
        userAgent: 'test',
      },
      // The shape of an HTTP API request ID: base64 with padding.
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: 'POST /instances/{action}',
      stage: '$default',
      time: '05/Jan/2026:19:00:00 +0000',
      timeEpoch: 1_767_639_600_000,
      authorizer: {
        iam: {
          accessKey: CALLER_ACCESS_KEY,
          accountId: '111111111111',
          callerId: 'AROAEXAMPLE:alice',
          cognitoIdentity: null,
          principalOrgId: 'o-exampleorg',
          userArn: 'arn:aws:sts::111111111111:assumed-role/operators/alice',
          userId: 'AROAEXAMPLE:alice',
        },
      },
    },
  };
}

/** An API Gateway HTTP API (payload 2.0) event for GET /runs/{id}, IAM-authorised. */
export function aRunReadEvent(id: string): APIGatewayProxyEventV2WithIAMAuthorizer {
  const post = anHttpEvent('status');
  const { body: _body, ...event } = post;
  return {
    ...event,
    routeKey: 'GET /runs/{id}',
    rawPath: `/runs/${id}`,
    pathParameters: { id },
    requestContext: {
      ...post.requestContext,
      http: { ...post.requestContext.http, method: 'GET', path: `/runs/${id}` },
      routeKey: 'GET /runs/{id}',
    },
  };
}
