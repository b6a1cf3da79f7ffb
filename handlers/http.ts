/**
 * HTTP API (payload 2.0) entry point: POST /instances/{action}, IAM-authorised. The action comes
 * from the path, everything else from the JSON body. A bad request gets a 400 listing every
 * problem; the run result comes back as JSON with 200.
 */
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyResultV2,
  Context,
} from 'aws-lambda';
import { environment, execute, logger } from './aws/runtime';
import { parseRequest } from './contract/request';
import { describeError } from './core/diagnose';
import type { Problem } from './formats/problems';

function json(statusCode: number, body: unknown): APIGatewayProxyResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

function readBody(event: APIGatewayProxyEventV2WithIAMAuthorizer): {
  body: Record<string, unknown>;
  problems: Problem[];
} {
  const text = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (text.trim() === '') return { body: {}, problems: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return {
      body: {},
      problems: [
        {
          field: 'body',
          message: `is not valid JSON (${err instanceof Error ? err.message : String(err)}); send a JSON object, or no body`,
        },
      ],
    };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return {
      body: {},
      problems: [{ field: 'body', message: 'must be a JSON object, for example {"dryRun": true}' }],
    };
  }
  return { body: parsed as Record<string, unknown>, problems: [] };
}

export const handler = async (
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  context: Context,
): Promise<APIGatewayProxyResultV2> => {
  logger.addContext(context);
  const iam = event.requestContext.authorizer?.iam;
  const action = event.pathParameters?.action;
  // Audit: who asked for what. The caller's access key ID is deliberately not logged.
  logger.info('http request', {
    caller: { userArn: iam?.userArn, accountId: iam?.accountId, userId: iam?.userId },
    action,
    sourceIp: event.requestContext.http?.sourceIp,
  });

  const { body, problems } = readBody(event);
  if ('action' in body && body.action !== action) {
    problems.push({
      field: 'action',
      message: `the body says ${JSON.stringify(body.action)} but the path says "${action}"; the action comes from the path, so remove "action" from the body`,
    });
  }
  const { action: _fromBody, ...rest } = body;
  const parsed = parseRequest({ ...rest, action }, environment.config);
  if (!parsed.ok) problems.push(...parsed.problems);
  if (problems.length > 0 || !parsed.ok) {
    logger.warn('invalid request', { problems });
    return json(400, { message: `invalid request: ${problems.length} problem(s)`, problems });
  }

  try {
    const result = await execute(parsed.value, context);
    logger.info('run finished', { result });
    return json(200, result);
  } catch (err) {
    // Details stay in the logs; the caller gets the request ID to quote.
    logger.error('run failed', { error: describeError(err) });
    return json(500, {
      message: `internal error; quote request ID ${context.awsRequestId} when reporting it`,
      problems: [],
    });
  }
};
