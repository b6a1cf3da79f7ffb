/**
 * EventBridge Scheduler over its real wire protocol (restJson1, signing name `scheduler`):
 * ListSchedules `GET /schedules`, GetSchedule `GET /schedules/{Name}?groupName=`, CreateSchedule
 * `POST /schedules/{Name}`, UpdateSchedule `PUT /schedules/{Name}`, DeleteSchedule
 * `DELETE /schedules/{Name}?groupName=`. Signed with SigV4 like the other services, and authorised
 * by the same Authorizer: scheduler:ListSchedules on `*` (it has no resource type), the others on
 * the schedule's ARN, and iam:PassRole on the target's role for Create and Update (with
 * iam:PassedToService = scheduler.amazonaws.com), as IAM evaluates them.
 */
import { randomUUID } from 'node:crypto';
import type { ActionCheck, Authorizer } from '../shared/authorization';
import type { Caller } from './authenticate';
import { AwsError } from './aws-error';
import { authenticateJsonCaller } from './json-authenticate';
import type { AwsHttpResponse } from './render-response';
import {
  type ScheduleReplacement,
  type ScheduleStore,
  type StoredSchedule,
  scheduleArn,
} from './scheduler-store';
import {
  checkGroupName,
  checkScheduleName,
  parseUpdateSchedule,
  ValidationProblems,
} from './scheduler-validation';
import type { SessionStore } from './sessions';
import { parseAuthorization, type ReceivedRequest } from './sigv4-verify';

export const SCHEDULER_SIGNING_NAME = 'scheduler';
const MAX_PAGE = 100;

export interface SchedulerEndpointState {
  world: { sessions: SessionStore };
  authorizer: Authorizer;
  schedules: ScheduleStore;
  wallNow: () => number;
}

/** By the SigV4 scope's service, or (unsigned) by Scheduler's own paths. */
export function isSchedulerRequest(request: ReceivedRequest): boolean {
  const auth = parseAuthorization(request.headers.authorization);
  if (typeof auth === 'object') return auth.service === SCHEDULER_SIGNING_NAME;
  return /^\/(schedules|schedule-groups|tags)(\/|$)/.test(request.path);
}

function jsonResponse(
  status: number,
  body: unknown,
  requestId: string,
  errorType?: string,
): AwsHttpResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
      date: new Date().toUTCString(),
    },
    body: JSON.stringify(body),
  };
}

interface Route {
  action: 'ListSchedules' | 'GetSchedule' | 'CreateSchedule' | 'UpdateSchedule' | 'DeleteSchedule';
  name?: string;
}

function routeOf(request: ReceivedRequest): Route | undefined {
  if (request.path === '/schedules' && request.method === 'GET') return { action: 'ListSchedules' };
  const match = /^\/schedules\/([^/]+)$/.exec(request.path);
  if (!match?.[1]) return undefined;
  const name = decodeURIComponent(match[1]);
  if (request.method === 'GET') return { action: 'GetSchedule', name };
  if (request.method === 'POST') return { action: 'CreateSchedule', name };
  if (request.method === 'PUT') return { action: 'UpdateSchedule', name };
  if (request.method === 'DELETE') return { action: 'DeleteSchedule', name };
  return undefined;
}

function one(query: Record<string, string | string[]>, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[0] : value;
}

export async function handleSchedulerRequest(
  state: SchedulerEndpointState,
  request: ReceivedRequest,
): Promise<AwsHttpResponse> {
  const requestId = randomUUID();
  const route = routeOf(request);
  try {
    const caller = await authenticateJsonCaller({
      request,
      sessions: state.world.sessions,
      wallNow: state.wallNow(),
      signingName: SCHEDULER_SIGNING_NAME,
    });
    if (!route) {
      throw new AwsError(
        'UnknownOperationException',
        `This endpoint serves ListSchedules, GetSchedule, CreateSchedule, UpdateSchedule and DeleteSchedule only, not ${request.method} ${request.path}.`,
        404,
      );
    }
    const body = await runRoute(state, caller, route, request);
    state.schedules.recordCall({
      action: route.action,
      outcome: 'OK',
      ...(route.name ? { schedule: route.name } : {}),
    });
    return jsonResponse(200, body, requestId);
  } catch (thrown) {
    const error =
      thrown instanceof AwsError
        ? thrown
        : new AwsError(
            'InternalServerException',
            thrown instanceof Error ? thrown.message : String(thrown),
            500,
          );
    state.schedules.recordCall({
      action: route?.action ?? `${request.method} ${request.path}`,
      outcome: error.code,
      ...(route?.name ? { schedule: route.name } : {}),
    });
    return jsonResponse(error.httpStatus, { Message: error.message }, requestId, error.code);
  }
}

function runRoute(
  state: SchedulerEndpointState,
  caller: Caller,
  route: Route,
  request: ReceivedRequest,
): Promise<unknown> {
  switch (route.action) {
    case 'ListSchedules':
      return listSchedules(state, caller, request.query);
    case 'GetSchedule':
      return getSchedule(state, caller, route.name ?? '', request.query);
    case 'CreateSchedule':
      return createSchedule(state, caller, route.name ?? '', request.body);
    case 'UpdateSchedule':
      return updateSchedule(state, caller, route.name ?? '', request.body);
    case 'DeleteSchedule':
      return deleteSchedule(state, caller, route.name ?? '', request.query);
  }
}

interface PageToken {
  group: string;
  after: string;
}

function decodeToken(token: string, group: string): PageToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PageToken;
    if (parsed.group === group && typeof parsed.after === 'string') return parsed;
  } catch {
    // answered below
  }
  throw new AwsError('ValidationException', 'The NextToken is not valid.', 400);
}

async function listSchedules(
  state: SchedulerEndpointState,
  caller: Caller,
  query: Record<string, string | string[]>,
) {
  const group = one(query, 'ScheduleGroup') ?? 'default';
  const maxResults = one(query, 'MaxResults');
  const stateFilter = one(query, 'State');
  const prefix = one(query, 'NamePrefix');
  const token = one(query, 'NextToken');
  const problems = new ValidationProblems();
  checkGroupName('ScheduleGroup', group, problems);
  checkScheduleName('NamePrefix', prefix, problems);
  problems.oneOf('State', stateFilter, ['ENABLED', 'DISABLED']);
  const pageSize = maxResults === undefined ? state.schedules.defaultPageSize : Number(maxResults);
  if (maxResults !== undefined) problems.integer('MaxResults', pageSize, 1, MAX_PAGE);
  problems.string('NextToken', token, 1, 2048);
  problems.throwIfAny();
  await authorize(state, caller, 'scheduler:ListSchedules', '*');
  if (!state.schedules.hasGroup(caller.accountId, caller.region, group)) {
    throw new AwsError('ResourceNotFoundException', `Schedule group ${group} does not exist.`, 404);
  }
  const after = token === undefined ? undefined : decodeToken(token, group).after;
  const matching = state.schedules
    .list(caller.accountId, caller.region, group)
    .filter(
      (s) =>
        (prefix === undefined || s.Name.startsWith(prefix)) &&
        (stateFilter === undefined || s.State === stateFilter),
    )
    .filter((s) => after === undefined || s.Name > after);
  const page = matching.slice(0, pageSize);
  const last = page[page.length - 1];
  return {
    Schedules: page.map((s) => ({
      Arn: s.Arn,
      Name: s.Name,
      GroupName: s.GroupName,
      State: s.State,
      CreationDate: s.CreationDate,
      LastModificationDate: s.LastModificationDate,
      Target: { Arn: s.Target.Arn },
    })),
    ...(matching.length > page.length && last
      ? {
          NextToken: Buffer.from(JSON.stringify({ group, after: last.Name })).toString('base64url'),
        }
      : {}),
  };
}

function notFound(name: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
}

async function getSchedule(
  state: SchedulerEndpointState,
  caller: Caller,
  name: string,
  query: Record<string, string | string[]>,
): Promise<StoredSchedule> {
  const group = one(query, 'groupName') ?? 'default';
  const problems = new ValidationProblems();
  checkScheduleName('Name', name, problems);
  checkGroupName('GroupName', group, problems);
  problems.throwIfAny();
  await authorize(
    state,
    caller,
    'scheduler:GetSchedule',
    scheduleArn(caller.region, caller.accountId, group, name),
  );
  const schedule = state.schedules.get(caller.accountId, caller.region, group, name);
  if (!schedule) throw notFound(name);
  return schedule;
}

/** CreateSchedule's and UpdateSchedule's shared start: the body checked, then the action allowed on the schedule. */
async function parseAndAuthorize(
  state: SchedulerEndpointState,
  caller: Caller,
  action: 'scheduler:CreateSchedule' | 'scheduler:UpdateSchedule',
  name: string,
  body: string,
) {
  const parsed = parseUpdateSchedule(name, body);
  const arn = scheduleArn(caller.region, caller.accountId, parsed.group, name);
  await authorize(state, caller, action, arn);
  return parsed;
}

/** Both hand the target's role to the service: iam:PassRole to scheduler.amazonaws.com. */
async function authorizePassRole(
  state: SchedulerEndpointState,
  caller: Caller,
  replacement: ScheduleReplacement,
) {
  await authorize(state, caller, 'iam:PassRole', String(replacement.Target.RoleArn), {
    'iam:PassedToService': 'scheduler.amazonaws.com',
  });
}

async function updateSchedule(
  state: SchedulerEndpointState,
  caller: Caller,
  name: string,
  body: string,
) {
  const { group, replacement } = await parseAndAuthorize(
    state,
    caller,
    'scheduler:UpdateSchedule',
    name,
    body,
  );
  if (!state.schedules.get(caller.accountId, caller.region, group, name)) throw notFound(name);
  // UpdateSchedule hands the target's role to the service again, as on create.
  await authorizePassRole(state, caller, replacement);
  const updated = state.schedules.replace(
    caller.accountId,
    caller.region,
    group,
    name,
    replacement,
  );
  if (!updated) throw notFound(name);
  return { ScheduleArn: updated.Arn };
}

/** Like UpdateSchedule's body; the group must exist and the name be free (ConflictException). */
async function createSchedule(
  state: SchedulerEndpointState,
  caller: Caller,
  name: string,
  body: string,
) {
  const { group, replacement } = await parseAndAuthorize(
    state,
    caller,
    'scheduler:CreateSchedule',
    name,
    body,
  );
  if (!state.schedules.hasGroup(caller.accountId, caller.region, group)) {
    throw new AwsError('ResourceNotFoundException', `Schedule group ${group} does not exist.`, 404);
  }
  await authorizePassRole(state, caller, replacement);
  const created = state.schedules.create(caller.accountId, caller.region, group, name, replacement);
  // *unverified* text.
  if (!created) throw new AwsError('ConflictException', `Schedule ${name} already exists.`, 409);
  return { ScheduleArn: created.Arn };
}

async function deleteSchedule(
  state: SchedulerEndpointState,
  caller: Caller,
  name: string,
  query: Record<string, string | string[]>,
) {
  const group = one(query, 'groupName') ?? 'default';
  const problems = new ValidationProblems();
  checkScheduleName('Name', name, problems);
  checkGroupName('GroupName', group, problems);
  problems.string('ClientToken', one(query, 'clientToken'), 1, 64);
  problems.throwIfAny();
  await authorize(
    state,
    caller,
    'scheduler:DeleteSchedule',
    scheduleArn(caller.region, caller.accountId, group, name),
  );
  if (!state.schedules.delete(caller.accountId, caller.region, group, name)) throw notFound(name);
  return {};
}

async function authorize(
  state: SchedulerEndpointState,
  caller: Caller,
  action: string,
  resourceArn: string,
  context?: ActionCheck['context'],
): Promise<void> {
  const check: ActionCheck = {
    callerSessionArn: caller.session.sessionArn,
    callerRoleArn: caller.session.role.arn,
    action,
    resourceArn,
    resourceAccountId:
      resourceArn === '*' ? caller.accountId : (resourceArn.split(':')[4] ?? caller.accountId),
    region: caller.region,
    ...(context ? { context } : {}),
  };
  const decision = state.authorizer.authorizeRequest
    ? await state.authorizer.authorizeRequest(check)
    : { allowed: false, result: 'ImplicitlyDenied' };
  if (!decision.allowed) {
    const why =
      decision.result === 'ExplicitlyDenied'
        ? 'with an explicit deny in an identity-based policy'
        : `because no identity-based policy allows the ${action} action`;
    throw new AwsError(
      'AccessDeniedException',
      `User: ${caller.session.sessionArn} is not authorized to perform: ${action} on resource: ${resourceArn} ${why}`,
      403,
    );
  }
}
