/**
 * HTTP API (payload 2.0) entry point: POST /instances/{action}, IAM-authorised. The action comes
 * from the path, everything else from the JSON body. A bad request gets a 4xx listing every
 * problem (the table is in handlers/contract/README.md); the run result comes back with 200.
 */
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyResultV2,
  Context,
} from 'aws-lambda';
import { authorizeCaller } from './aws/authorize-caller';
import { metrics } from './aws/metrics';
import { limitResponse, logRun } from './aws/run-log';
import { environment, execute, logger } from './aws/runtime';
import { readHttpEvent } from './contract/http-event';
import { parseJsonBody } from './contract/json-body';
import { parseRequest } from './contract/request';
import { describeError } from './core/diagnose';
import { InstanceLimitError } from './core/errors';
import type { Problem } from './formats/problems';
import { countInternalError } from './signals/internal-errors';

function json(statusCode: number, body: unknown): APIGatewayProxyResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

const REFUSALS = {
  400: 'invalid request',
  409: 'refused by the blast-radius guard',
  413: 'request body too large',
} as const;

function refused(statusCode: keyof typeof REFUSALS, problems: Problem[]): APIGatewayProxyResultV2 {
  logger.warn(REFUSALS[statusCode], { statusCode, problems });
  return json(statusCode, {
    message: `${REFUSALS[statusCode]}: ${problems.length} problem(s)`,
    problems,
  });
}

/** The body as a JSON object ({} when empty), or the problems that stop it being one. */
function readBody(text: string): { body: Record<string, unknown>; problems: Problem[] } {
  if (text.trim() === '') return { body: {}, problems: [] };
  const parsed = parseJsonBody(text);
  if (!parsed.ok) return { body: {}, problems: parsed.problems };
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {
      body: {},
      problems: [{ field: 'body', message: 'must be a JSON object, for example {"dryRun": true}' }],
    };
  }
  return { body: value as Record<string, unknown>, problems: [] };
}

export const handler = async (
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  context: Context,
): Promise<APIGatewayProxyResultV2> => {
  logger.addContext(context);
  const read = readHttpEvent(event);
  if (!read.ok) return refused(read.statusCode, read.problems);
  const { action, bodyText, caller, sourceIp } = read.call;
  // Audit: who asked for what. The caller's access key ID is deliberately not logged.
  logger.info('http request', { caller, action, sourceIp });
  const gate = authorizeCaller(event, environment.config.callers);
  if (!gate.ok) {
    logger.warn('caller refused', { reason: gate.reason });
    return gate.response;
  }

  const { body, problems } = readBody(bodyText);
  if ('action' in body && body.action !== action) {
    problems.push({
      field: 'action',
      message: `the body says ${JSON.stringify(body.action)} but the path says "${action}"; the action comes from the path, so remove "action" from the body`,
    });
  }
  const { action: _fromBody, ...rest } = body;
  const parsed = parseRequest({ ...rest, action }, environment.config);
  if (!parsed.ok) problems.push(...parsed.problems);
  if (problems.length > 0 || !parsed.ok) return refused(400, problems);

  try {
    const origin = {
      kind: 'http' as const,
      callerArn: typeof caller.userArn === 'string' ? caller.userArn : 'unknown',
    };
    const result = await execute(parsed.value, context, origin);
    logRun(logger, result);
    return json(200, limitResponse(result));
  } catch (err) {
    if (err instanceof InstanceLimitError) return refused(409, err.problems);
    // Details stay in the logs; the caller gets the request ID to quote.
    logger.error('run failed', { error: describeError(err) });
    countInternalError(metrics, context.awsRequestId);
    return json(500, {
      message: `internal error; quote request ID ${context.awsRequestId} when reporting it`,
      problems: [],
    });
  }
};
