/**
 * EventBridge PutEvents over its real wire protocol (JSON 1.1, `X-Amz-Target:
 * AWSEvents.PutEvents`), signed with SigV4 like the other services and authorised by the same
 * Authorizer (the packaged execution role's policy), on the bus ARN of each entry. The limits are
 * EventBridge's: 1-10 entries, 1 MB per call; a bad entry fails alone, with its ErrorCode.
 */
import { randomUUID } from 'node:crypto';
import type { Authorizer, Decision } from '../shared/authorization';
import type { Caller } from './authenticate';
import { AwsError } from './aws-error';
import type { RecordedEvents } from './events-store';
import { authenticateJsonCaller } from './json-authenticate';
import type { AwsHttpResponse } from './render-response';
import type { SessionStore } from './sessions';
import type { ReceivedRequest } from './sigv4-verify';

export const EVENTS_TARGET_PREFIX = 'AWSEvents.';
const MAX_ENTRIES = 10;
/**
 * 1 MB since 2026-01-29 (was 256 KB): AWS Compute Blog, "More room to build: serverless services
 * now support payloads up to 1 MB". Some EventBridge pages (eb-putevent-size) still say 256 KB.
 */
export const MAX_CALL_BYTES = 1024 * 1024;

export interface EventsEndpointState {
  world: { sessions: SessionStore };
  authorizer: Authorizer;
  events: RecordedEvents;
  wallNow: () => number;
}

export const isEventsRequest = (request: ReceivedRequest): boolean =>
  (request.headers['x-amz-target'] ?? '').startsWith(EVENTS_TARGET_PREFIX);

function jsonResponse(status: number, body: unknown, requestId: string): AwsHttpResponse {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': requestId,
      date: new Date().toUTCString(),
    },
    body: JSON.stringify(body),
  };
}

const errorBody = (error: AwsError) => ({ __type: error.code, message: error.message });

interface WireEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  Resources?: unknown;
  EventBusName?: unknown;
  Time?: unknown;
}

const entrySize = (entry: WireEntry) =>
  [entry.Source, entry.DetailType, entry.Detail, entry.EventBusName].reduce<number>(
    (n, f) => n + (typeof f === 'string' ? Buffer.byteLength(f, 'utf8') : 0),
    0,
  );

function busArn(caller: Caller, name: unknown): string {
  if (typeof name === 'string' && name.startsWith('arn:')) return name;
  const bus = typeof name === 'string' && name !== '' ? name : 'default';
  return `arn:aws:events:${caller.region}:${caller.accountId}:event-bus/${bus}`;
}

/** Per-entry problems EventBridge answers in the entry's ErrorCode, not as a call error. */
function entryProblem(entry: WireEntry): { ErrorCode: string; ErrorMessage: string } | undefined {
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  if ((entry.Source as string).startsWith('aws.')) {
    return {
      ErrorCode: 'NotAuthorizedForSourceException',
      ErrorMessage: 'Not authorized for the source.',
    };
  }
  try {
    const detail = JSON.parse(entry.Detail as string) as unknown;
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
      throw new Error('not an object');
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  return undefined;
}

export async function handleEventsRequest(
  state: EventsEndpointState,
  request: ReceivedRequest,
): Promise<AwsHttpResponse> {
  const requestId = randomUUID();
  const target = request.headers['x-amz-target'] ?? '';
  try {
    const caller = await authenticateJsonCaller({
      request,
      sessions: state.world.sessions,
      wallNow: state.wallNow(),
      signingName: 'events',
    });
    if (target !== `${EVENTS_TARGET_PREFIX}PutEvents`) {
      throw new AwsError(
        'UnknownOperationException',
        `This endpoint serves AWSEvents.PutEvents only, not ${target}.`,
        400,
      );
    }
    const response = await putEvents(state, caller, request.body);
    return jsonResponse(200, response, requestId);
  } catch (thrown) {
    const error =
      thrown instanceof AwsError
        ? thrown
        : new AwsError(
            'InternalException',
            thrown instanceof Error ? thrown.message : String(thrown),
            500,
          );
    state.events.recordCall({ outcome: error.code, entries: 0, failedEntries: 0 });
    return jsonResponse(error.httpStatus, errorBody(error), requestId);
  }
}

async function putEvents(state: EventsEndpointState, caller: Caller, body: string) {
  let input: { Entries?: unknown };
  try {
    input = JSON.parse(body) as { Entries?: unknown };
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.', 400);
  }
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
      400,
    );
  }
  const wire = entries as WireEntry[];
  if (wire.reduce((n, e) => n + entrySize(e), 0) > MAX_CALL_BYTES) {
    throw new AwsError(
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
      400,
    );
  }
  // Authorised per bus, as AWS evaluates events:PutEvents on the event-bus resource.
  const buses = [...new Set(wire.map((e) => busArn(caller, e.EventBusName)))];
  for (const bus of buses) {
    const decision = await authorize(state.authorizer, caller, bus);
    if (!decision.allowed) {
      throw new AwsError(
        'AccessDeniedException',
        `User: ${caller.session.sessionArn} is not authorized to perform: events:PutEvents on resource: ${bus} because no identity-based policy allows the events:PutEvents action`,
        400,
      );
    }
  }
  let failed = 0;
  const answers = wire.map((entry) => {
    const problem = entryProblem(entry);
    if (problem || state.events.takeFailure()) {
      failed += 1;
      return (
        problem ?? {
          ErrorCode: 'InternalFailure',
          ErrorMessage: 'Injected failure (POST /_local/events/faults).',
        }
      );
    }
    const eventId = randomUUID();
    state.events.record({
      eventId,
      eventBusArn: busArn(caller, entry.EventBusName),
      account: caller.accountId,
      region: caller.region,
      source: entry.Source as string,
      detailType: entry.DetailType as string,
      detail: JSON.parse(entry.Detail as string),
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      time: new Date().toISOString(),
    });
    return { EventId: eventId };
  });
  state.events.recordCall({ outcome: 'OK', entries: wire.length, failedEntries: failed });
  return { FailedEntryCount: failed, Entries: answers };
}

async function authorize(authorizer: Authorizer, caller: Caller, bus: string): Promise<Decision> {
  if (!authorizer.authorizeRequest) {
    return {
      allowed: false,
      result: 'ImplicitlyDenied',
      explanation: 'this authorizer cannot evaluate events:PutEvents',
    };
  }
  return authorizer.authorizeRequest({
    callerSessionArn: caller.session.sessionArn,
    callerRoleArn: caller.session.role.arn,
    action: 'events:PutEvents',
    resourceArn: bus,
    resourceAccountId: bus.split(':')[4] ?? caller.accountId,
    region: caller.region,
  });
}
