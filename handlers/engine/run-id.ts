/**
 * Run IDs of on-demand (HTTP) runs, and the execution ARN a run ID names. A run ID is the
 * execution's name, so it must keep Step Functions' name rules (1-80 characters; letters,
 * digits, `-` and `_` are the safe ones), and a run ID read from a URL must never name another
 * state machine or account: it is accepted only in that alphabet, which has no `:` or `/`.
 */
import type { Problem } from '../formats/problems';
import { SchedulerError } from '../formats/scheduler-error';
import { MAX_EXECUTION_NAME } from './execution-name';

/** A run ID (an execution name of the engine) as GET /runs/{id} accepts it. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

const API_REQUEST_ID = /^[A-Za-z0-9+/]+={0,2}$/;
const STATE_MACHINE_ARN =
  /^arn:(aws[a-z-]*):states:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/;

/** `20261201T181500Z` for a time in milliseconds. */
function stamp(epochMillis: number): string {
  return new Date(epochMillis).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/**
 * `http-<UTC time>-<API request ID>`: unique per request (API Gateway's request ID; its base64
 * alphabet written URL-safe, padding dropped), sortable by time. When the API request ID is
 * missing or does not fit, Lambda's request ID (a UUID) takes its place.
 */
export function httpRunId(
  apiRequestId: unknown,
  lambdaRequestId: string,
  epochMillis: number,
): string {
  const prefix = `http-${stamp(epochMillis)}-`;
  const room = MAX_EXECUTION_NAME - prefix.length;
  const fromApi =
    typeof apiRequestId === 'string' && API_REQUEST_ID.test(apiRequestId)
      ? apiRequestId.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
      : '';
  const unique = fromApi.length > 0 && fromApi.length <= room ? fromApi : lambdaRequestId;
  return `${prefix}${unique.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, room)}`;
}

/** Reads the `{id}` of GET /runs/{id}, or the problem that refuses it. */
export function parseRunId(
  value: unknown,
): { ok: true; runId: string } | { ok: false; problems: Problem[] } {
  if (typeof value === 'string' && RUN_ID_PATTERN.test(value)) return { ok: true, runId: value };
  return {
    ok: false,
    problems: [
      {
        field: 'id',
        message:
          'must be a run ID as POST /instances/{action} answers it (runId): 1-80 letters, digits, - or _',
      },
    ],
  };
}

/** The state machine's ARN is not one of a Step Functions state machine. */
export class InvalidStateMachineArnError extends SchedulerError {
  constructor(readonly value: string) {
    super(
      'InvalidStateMachineArnError',
      `ENGINE_STATE_MACHINE_ARN is "${value}"; expected arn:<partition>:states:<region>:<account>:stateMachine:<name> (serverless.yml sets it to !Ref EngineStateMachine)`,
    );
  }
}

/**
 * `arn:<partition>:states:<region>:<account>:execution:<machine>:<runId>`: an execution of this
 * one state machine. Throws InvalidStateMachineArnError for an ARN of anything else, and a
 * run ID outside RUN_ID_PATTERN is refused the same way parseRunId refuses it.
 */
export function executionArnFor(stateMachineArn: string, runId: string): string {
  const match = STATE_MACHINE_ARN.exec(stateMachineArn);
  if (!match) throw new InvalidStateMachineArnError(stateMachineArn);
  if (!RUN_ID_PATTERN.test(runId))
    throw new RangeError(`run ID ${JSON.stringify(runId)} is invalid`);
  const [, partition, region, account, machine] = match;
  return `arn:${partition}:states:${region}:${account}:execution:${machine}:${runId}`;
}

/**
 * Reads the state machine ARN once, at cold start. An ARN that is not one (serverless-offline
 * passes `!Ref EngineStateMachine` through unresolved) is kept as the error, so the function can
 * still refuse bad requests and answer the runs it cannot start or read with a 500.
 */
export function readStateMachineArn(
  value: string,
): { ok: true; arn: string } | { ok: false; error: InvalidStateMachineArnError } {
  return STATE_MACHINE_ARN.test(value)
    ? { ok: true, arn: value }
    : { ok: false, error: new InvalidStateMachineArnError(value) };
}
