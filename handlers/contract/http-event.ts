/**
 * Checks that an event has the shape API Gateway (HTTP API, payload 2.0) always sends, and reads
 * the parts the function uses. Anything else (a direct invoke of the http function, a test
 * event, a misconfigured integration) gets a 400 that says what is missing, not a TypeError.
 */
import type { Problem } from '../formats/problems';

/** Larger than any valid request (1000 IDs, 200 escaped tag values), far below Lambda's 6 MB. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpCall {
  /** `GET` reads a run (GET /runs/{id}); anything else starts one (POST /instances/{action}). */
  method: string;
  /** The `{action}` path parameter, when there is one. */
  action: string | undefined;
  /** The `{id}` path parameter (GET /runs/{id}), when there is one; not checked yet. */
  runId: unknown;
  /** API Gateway's ID of this request, when the event has one; not checked yet. */
  apiRequestId: unknown;
  /** When API Gateway received the request (ms since the epoch), when the event says. */
  receivedAt: number | undefined;
  /** The body as text (base64 decoded), '' when there is none. */
  bodyText: string;
  /** Who called, for the audit log line; never the access key. */
  caller: { userArn?: unknown; accountId?: unknown; userId?: unknown };
  sourceIp: unknown;
}

export type HttpEventRead =
  | { ok: true; call: HttpCall }
  | { ok: false; statusCode: 400 | 413; problems: Problem[] };

const NOT_API_GATEWAY =
  'this function answers API Gateway HTTP API (payload 2.0) events; invoke the "instances" function for a direct request';

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function optionalRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function readHttpEvent(event: unknown): HttpEventRead {
  const bad = (field: string, what: string): HttpEventRead => ({
    ok: false,
    statusCode: 400,
    problems: [{ field, message: `${what}: ${NOT_API_GATEWAY}` }],
  });
  if (!isRecord(event)) return bad('(event)', 'the event is not an object');
  if (!isRecord(event.requestContext)) {
    return bad('(event).requestContext', 'is missing or not an object');
  }
  if (!isRecord(event.requestContext.http)) {
    return bad('(event).requestContext.http', 'is missing or not an object');
  }
  const { body, isBase64Encoded, pathParameters } = event;
  if (typeof isBase64Encoded !== 'boolean') {
    return bad('(event).isBase64Encoded', 'is missing or not true/false');
  }
  if (body !== undefined && body !== null && typeof body !== 'string') {
    return bad('(event).body', 'must be a string when present');
  }
  if (pathParameters !== undefined && pathParameters !== null && !isRecord(pathParameters)) {
    return bad('(event).pathParameters', 'must be an object when present');
  }

  const raw = body ?? '';
  const bytes = isBase64Encoded ? Buffer.from(raw, 'base64') : undefined;
  const size = bytes ? bytes.length : Buffer.byteLength(raw);
  if (size > MAX_BODY_BYTES) {
    return {
      ok: false,
      statusCode: 413,
      problems: [
        {
          field: 'body',
          message: `is ${size} bytes, more than the ${MAX_BODY_BYTES} any valid request needs; select large sets by tag`,
        },
      ],
    };
  }
  let bodyText = raw;
  if (bytes) {
    try {
      bodyText = utf8.decode(bytes);
    } catch {
      return {
        ok: false,
        statusCode: 400,
        problems: [
          { field: 'body', message: 'is not valid UTF-8 once base64 decoded; send UTF-8 JSON' },
        ],
      };
    }
  }

  const action = optionalRecord(pathParameters)?.action;
  const iam = optionalRecord(optionalRecord(event.requestContext.authorizer)?.iam);
  const { method } = event.requestContext.http;
  const { requestId, timeEpoch } = event.requestContext;
  return {
    ok: true,
    call: {
      method: typeof method === 'string' ? method.toUpperCase() : 'POST',
      action: typeof action === 'string' ? action : undefined,
      runId: optionalRecord(pathParameters)?.id,
      apiRequestId: requestId,
      receivedAt:
        typeof timeEpoch === 'number' && Number.isFinite(timeEpoch) ? timeEpoch : undefined,
      bodyText,
      caller: { userArn: iam?.userArn, accountId: iam?.accountId, userId: iam?.userId },
      sourceIp: event.requestContext.http.sourceIp,
    },
  };
}
