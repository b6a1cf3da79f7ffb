import { randomUUID } from 'node:crypto';
import { authenticate, type Caller } from './authenticate';
import { AwsError } from './aws-error';
import type { CallCounters } from './call-counters';
import { ec2Errors } from './ec2-errors';
import { EC2_ACTIONS } from './ec2-service';
import { handleEventsRequest, isEventsRequest } from './events-put-events';
import type { RecordedEvents } from './events-store';
import type { CallScope, ServerErrorKind, ServiceName } from './faults';
import { handleOrganizationsRequest, isOrganizationsRequest } from './organizations-service';
import { QueryParams } from './query-params';
import { rdsErrors } from './rds-errors';
import { RDS_ACTIONS } from './rds-service';
import {
  type AwsHttpResponse,
  ec2Success,
  errorResponse,
  rdsSuccess,
  stsSuccess,
} from './render-response';
import { API_VERSIONS, checkRequestShape } from './request-shape';
import { handleSchedulerRequest, isSchedulerRequest } from './scheduler-service';
import type { ScheduleStore } from './scheduler-store';
import type { ActionDefinition, ServiceContext } from './service-context';
import { parseAuthorization, type ReceivedRequest } from './sigv4-verify';
import type { StateMachineExecutions } from './states-executions';
import { handleStatesRequest, isStatesRequest } from './states-service';
import { stsErrors } from './sts-errors';
import { STS_ACTIONS } from './sts-service';

export interface EndpointState extends ServiceContext {
  calls: CallCounters;
  /** EventBridge events accepted (events-put-events.ts). */
  events: RecordedEvents;
  /** Step Functions executions of the registered state machines (states-service.ts). */
  executions: StateMachineExecutions;
  /** EventBridge Scheduler's schedules (scheduler-service.ts). */
  schedules: ScheduleStore;
  /** Real time, for signature freshness. */
  wallNow: () => number;
  log: (line: string) => void;
}

const ACTIONS: Record<ServiceName, Readonly<Record<string, ActionDefinition>>> = {
  sts: STS_ACTIONS,
  ec2: EC2_ACTIONS,
  rds: RDS_ACTIONS,
};

/** API versions, for telling the service apart when a request carries no signature to route by. */
const VERSIONS: Record<string, ServiceName> = {
  [API_VERSIONS.sts]: 'sts',
  [API_VERSIONS.ec2]: 'ec2',
  [API_VERSIONS.rds]: 'rds',
};

/**
 * One AWS call: route by the SigV4 credential scope's service, add latency, authenticate, inject
 * server errors, check Version, Action and parameters, run the action, and answer in that
 * service's XML, counting the outcome.
 */
export async function handleAwsRequest(
  state: EndpointState,
  request: ReceivedRequest,
): Promise<AwsHttpResponse> {
  // EventBridge speaks JSON 1.1, routed by X-Amz-Target rather than by Action.
  if (isEventsRequest(request)) return handleEventsRequest(state, request);
  // JSON 1.1 (Organizations) is routed by its X-Amz-Target header before the query protocols.
  if (isOrganizationsRequest(request)) return handleOrganizationsRequest(state, request);
  // Step Functions speaks JSON 1.0, routed by X-Amz-Target too.
  if (isStatesRequest(request)) return handleStatesRequest(state, request);
  // EventBridge Scheduler speaks restJson1 (paths and methods), routed by its signing name.
  if (isSchedulerRequest(request)) return handleSchedulerRequest(state, request);
  const requestId = randomUUID();
  // A Query request may carry parameters in the URL as well as in the form body: both are read,
  // so a parameter in the URL cannot slip past the checks (the body wins a name given twice).
  const params = QueryParams.parse(queryString(request.query), request.body);
  const action = params.get('Action') ?? '';
  const auth = parseAuthorization(request.headers.authorization);
  const scopeService = typeof auth === 'object' ? auth.service : undefined;
  const service =
    scopeService !== undefined ? asService(scopeService) : VERSIONS[params.get('Version') ?? ''];
  if (!service) {
    state.calls.record({
      service: 'unknown',
      accountId: 'unknown',
      region: 'unknown',
      action,
      outcome: 'InvalidAction',
    });
    const error = new AwsError(
      'InvalidAction',
      `This endpoint serves sts, ec2 and rds by Query; the request was for '${scopeService ?? 'an unknown service'}'.`,
      400,
    );
    return errorResponse('sts', error, requestId);
  }

  const claimedAccount =
    (typeof auth === 'object'
      ? state.world.sessions.find(auth.accessKeyId)?.role.accountId
      : undefined) ?? 'unknown';
  const scope: CallScope = {
    service,
    accountId: claimedAccount,
    region: typeof auth === 'object' ? auth.region : 'unknown',
    action: action || '(none)',
  };
  const endInFlight = state.calls.begin();
  try {
    const delay = state.faults.latencyFor(scope);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    let response: AwsHttpResponse;
    let outcome = 'OK';
    try {
      const caller = await authenticate({
        service,
        request,
        auth,
        sessions: state.world.sessions,
        wallNow: state.wallNow(),
      });
      response = await runAction(state, service, action, caller, params, scope, requestId);
    } catch (thrown) {
      const error = asAwsError(state, service, thrown);
      outcome = error.code;
      response = errorResponse(service, error, requestId);
    }
    state.calls.record({ ...scope, outcome });
    return response;
  } finally {
    endInFlight();
  }
}

async function runAction(
  state: EndpointState,
  service: ServiceName,
  action: string,
  caller: Caller,
  params: QueryParams,
  scope: CallScope,
  requestId: string,
): Promise<AwsHttpResponse> {
  const serverError = state.faults.serverErrorFor(scope);
  if (serverError) throw injectedServerError(service, serverError);
  const definition = checkRequestShape(service, ACTIONS[service], params);
  if (service === 'sts') throttleSts(state, caller, scope);
  const xml = await definition.handler(state, { caller, params });
  if (service === 'sts') return stsSuccess(action, xml, requestId);
  if (service === 'rds') return rdsSuccess(action, xml, requestId);
  return ec2Success(action, xml, requestId);
}

/** STS: the 600/s account quota bucket, plus the probabilistic throttling knob. */
function throttleSts(state: EndpointState, caller: Caller, scope: CallScope): void {
  const bucketEmpty =
    state.faults.throttlingEnabled() &&
    !state.throttles.tryTakeAll(caller.accountId, caller.region, [
      { bucket: 'sts:requests', count: 1 },
    ]);
  if (bucketEmpty || state.faults.stsThrottled(scope)) throw stsErrors.throttling();
}

function injectedServerError(service: ServiceName, kind: ServerErrorKind): AwsError {
  if (service === 'sts')
    return kind === 'internal' ? stsErrors.internalFailure() : stsErrors.serviceUnavailable();
  if (service === 'rds')
    return kind === 'internal' ? rdsErrors.internalFailure() : rdsErrors.serviceUnavailable();
  return kind === 'internal' ? ec2Errors.internalError() : ec2Errors.serviceUnavailable();
}

/** A bug (or an Authorizer that threw) becomes a 500, and is logged so it is not mistaken for a fault. */
function asAwsError(state: EndpointState, service: ServiceName, thrown: unknown): AwsError {
  if (thrown instanceof AwsError) return thrown;
  state.log(
    `local-aws: unexpected failure: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`,
  );
  return service === 'ec2' ? ec2Errors.internalError() : stsErrors.internalFailure();
}

function asService(name: string): ServiceName | undefined {
  return name === 'sts' || name === 'ec2' || name === 'rds' ? name : undefined;
}

function queryString(query: Record<string, string | string[]>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const one of Array.isArray(value) ? value : [value]) search.append(key, one);
  }
  return search.toString();
}
