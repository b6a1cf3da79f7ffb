/**
 * HTTP API (payload 2.0) entry point, IAM-authorised, two routes:
 *
 * - `POST /instances/{action}`: the action from the path, everything else from the JSON body.
 *   Checked as before any run (event, caller rules, request against the stage's targets), then
 *   started as an engine execution named by its run ID: 202 with the run ID and where to read it.
 * - `GET /runs/{id}`: the run's state and, once finished, its result, to a caller the rules allow
 *   the run's action.
 *
 * A bad request gets a 4xx listing every problem (the table is in handlers/contract/README.md).
 * The function reaches no target account: its role may only start and describe executions of
 * the stage's engine.
 */
import type {
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyResultV2,
  Context,
} from 'aws-lambda';
import { authorizeCaller, authorizeTask, identifyCaller, mayReadRun } from './aws/authorize-caller';
import { logger } from './aws/logger';
import { metrics } from './aws/metrics';
import { createPauseGate, StagePausedError } from './aws/pause-gate';
import { stepFunctions } from './aws/step-functions';
import { environment, requireEnv } from './config/env';
import { type HttpCall, readHttpEvent } from './contract/http-event';
import { parseJsonBody } from './contract/json-body';
import { parseRequest } from './contract/request';
import { describeError } from './core/diagnose';
import { describeHttpRun, startHttpRun } from './engine/http-runs';
import { engineRequestSizeProblem } from './engine/request-size';
import { httpRunId, parseRunId, readStateMachineArn } from './engine/run-id';
import { runOrigin, runTask, runView } from './engine/run-view';
import { stepFunctionsRuns } from './engine/sfn-executions';
import { partitionOf } from './formats/partition';
import type { Problem } from './formats/problems';
import { countInternalError } from './signals/internal-errors';
import { DEFAULT_TASK } from './tasks';

const engine = readStateMachineArn(requireEnv('ENGINE_STATE_MACHINE_ARN'));
if (!engine.ok) logger.error('the engine cannot be reached', { error: engine.error.message });
const runs = stepFunctionsRuns(stepFunctions);
/** Callers are read in the stack's own partition only (an unknown region: none is accepted). */
const partition = partitionOf(environment.homeRegion) ?? `unknown (${environment.homeRegion})`;
/** Read on every POST: a paused stage answers 409 with who paused, when and why. */
const refuseWhenPaused = createPauseGate({
  client: stepFunctions,
  stateMachineArn: engine.ok ? engine.arn : undefined,
  service: environment.serviceName,
  stage: environment.stage,
});

/** The engine's ARN, or throws: an accepted request then gets the 500. */
function stateMachineArn(): string {
  if (!engine.ok) throw engine.error;
  return engine.arn;
}

function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

const REFUSALS = {
  400: 'invalid request',
  404: 'no such run',
  413: 'request body too large',
} as const;

function refused(statusCode: keyof typeof REFUSALS, problems: Problem[]): APIGatewayProxyResultV2 {
  logger.warn(REFUSALS[statusCode], { statusCode, problems });
  return json(statusCode, {
    message: `${REFUSALS[statusCode]}: ${problems.length} problem(s)`,
    problems,
  });
}

function paused(err: StagePausedError): APIGatewayProxyResultV2 {
  logger.warn('refused: the stage is paused', { pause: err.pause });
  return json(409, {
    message: err.message,
    problems: [{ field: 'stage', message: err.message }],
    paused: err.pause,
  });
}

function internalError(err: unknown, context: Context): APIGatewayProxyResultV2 {
  // Details stay in the logs; the caller gets the request ID to quote.
  logger.error('engine call failed', { error: describeError(err) });
  countInternalError(metrics, context.awsRequestId);
  return json(500, {
    message: `internal error; quote request ID ${context.awsRequestId} when reporting it`,
    problems: [],
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

async function startRun(
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  call: HttpCall,
  context: Context,
): Promise<APIGatewayProxyResultV2> {
  const { action, bodyText } = call;
  const gate = authorizeCaller(event, environment.config.callers, partition);
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
  const request = { ...rest, action };
  const parsed = parseRequest(request, environment.config);
  if (!parsed.ok) problems.push(...parsed.problems);
  const tooLarge = engineRequestSizeProblem(request);
  if (tooLarge) problems.push(tooLarge);
  if (problems.length > 0 || !parsed.ok) return refused(400, problems);
  const taskGate = authorizeTask(
    gate.caller,
    parsed.value.action,
    parsed.value.task ?? DEFAULT_TASK,
    environment.config.callers,
  );
  if (!taskGate.ok) {
    logger.warn('caller refused', { reason: taskGate.reason });
    return taskGate.response;
  }

  const runId = httpRunId(call.apiRequestId, context.awsRequestId, call.receivedAt ?? Date.now());
  try {
    await refuseWhenPaused(context.invokedFunctionArn);
    const started = await startHttpRun(runs, stateMachineArn(), {
      runId,
      request,
      callerArn: gate.caller.arn,
    });
    if (started.duplicate) logger.warn('the run exists already: same request again', { runId });
    else logger.info('run started', { runId, action, caller: gate.caller.arn });
  } catch (err) {
    if (err instanceof StagePausedError) return paused(err);
    return internalError(err, context);
  }
  const statusUrl = `/runs/${runId}`;
  return json(202, { runId, status: 'RUNNING', statusUrl }, { location: statusUrl });
}

async function readRun(
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  call: HttpCall,
  context: Context,
): Promise<APIGatewayProxyResultV2> {
  const gate = identifyCaller(event, environment.config.callers, 'status', partition);
  if (!gate.ok) {
    logger.warn('caller refused', { reason: gate.reason });
    return gate.response;
  }
  const id = parseRunId(call.runId);
  if (!id.ok) return refused(400, id.problems);

  let description: Awaited<ReturnType<typeof describeHttpRun>>;
  try {
    description = await describeHttpRun(runs, stateMachineArn(), id.runId);
  } catch (err) {
    return internalError(err, context);
  }
  // Not there and not yours answer alike, so the answer never tells which runs exist.
  const readable =
    description !== undefined &&
    mayReadRun(
      gate.caller,
      { origin: runOrigin(description), task: runTask(description) ?? DEFAULT_TASK },
      environment.config.callers,
    );
  if (!description || !readable) {
    if (description) logger.warn('caller may not read this run', { runId: id.runId });
    return refused(404, [
      {
        field: 'id',
        message: `no run ${id.runId} of this stage that you may read: a caller reads the runs it started (use the runId POST /instances/{action} answered; runs are kept 90 days after they end), and any run of a task your rule allows only with readAllRuns: true in that rule of params.callers`,
      },
    ]);
  }
  return json(200, runView(id.runId, description));
}

export const handler = async (
  event: APIGatewayProxyEventV2WithIAMAuthorizer,
  context: Context,
): Promise<APIGatewayProxyResultV2> => {
  logger.addContext(context);
  const read = readHttpEvent(event);
  if (!read.ok) return refused(read.statusCode, read.problems);
  const { call } = read;
  // Audit: who asked for what. The caller's access key ID is deliberately not logged.
  logger.info('http request', {
    caller: call.caller,
    method: call.method,
    ...(call.method === 'GET'
      ? { runId: String(call.runId).slice(0, 100) }
      : { action: call.action }),
    sourceIp: call.sourceIp,
  });
  return call.method === 'GET' ? readRun(event, call, context) : startRun(event, call, context);
};
