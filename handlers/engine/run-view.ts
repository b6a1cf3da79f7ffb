/**
 * What GET /runs/{id} answers for one engine execution: its state and times, the request and
 * origin from its input, and, once it has finished, the Finish state's summary and guard (or the
 * error that ended it). Only these fields are copied: no ARN other than the caller's own origin, no stack
 * trace, and free text is redacted and shortened.
 */
import { redact } from '../core/redact';
import { parseRunOrigin, type RunOrigin } from '../formats/origin';
import type { ExecutionDescription, ExecutionStatus } from './engine-runs';

export interface RunView {
  runId: string;
  status: ExecutionStatus;
  startedAt: string;
  stoppedAt?: string;
  /** The request the run was started with (the contract's shape). */
  request: Record<string, unknown>;
  origin?: RunOrigin;
  summary?: unknown;
  failures?: unknown;
  failuresTotal?: number;
  failedItems?: unknown;
  /** The run's blast-radius guard (a dry run's verdict too), and the work items it refused. */
  blastRadius?: unknown;
  refusedItems?: unknown;
  /** Why a run ended other than SUCCEEDED: the error's name and its message. */
  error?: { code: string; message: string };
}

/** Longest error message an answer carries; the execution history has the whole cause. */
export const MAX_ERROR_MESSAGE = 2000;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parsed(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

/** The request of the execution input, `{}` when the input has none. */
function requestOf(description: ExecutionDescription): Record<string, unknown> {
  const request = parsed(description.input).request;
  return isRecord(request) ? request : {};
}

/** The task the run's request names, or undefined when it names none (the default task). */
export function runTask(description: ExecutionDescription): string | undefined {
  const { task } = requestOf(description);
  return typeof task === 'string' ? task : undefined;
}

/** Who started the run, from its execution input; undefined when the input names no valid origin. */
export function runOrigin(description: ExecutionDescription): RunOrigin | undefined {
  const input = parsed(description.input);
  if (input.origin === undefined) return undefined;
  const origin = parseRunOrigin(input.origin);
  return origin.ok ? origin.origin : undefined;
}

const ARN_TEXT = /\barn:aws[a-z-]*:[\w:/+=,.@$*-]+/g;

function shortMessage(text: string): string {
  const clean = redact(text).replace(ARN_TEXT, '[ARN]');
  return clean.length > MAX_ERROR_MESSAGE ? `${clean.slice(0, MAX_ERROR_MESSAGE - 1)}…` : clean;
}

const DEFAULT_MESSAGES: Partial<Record<ExecutionStatus, string>> = {
  ABORTED: 'the run was stopped (StopExecution) before it finished',
  TIMED_OUT: 'the run took longer than its state machine allows',
  FAILED: 'the run failed; the execution history names the state',
};

/** A Lambda error's cause is `{errorType, errorMessage, trace}`: the message only. */
function errorOf(description: ExecutionDescription): RunView['error'] {
  if (description.status === 'RUNNING' || description.status === 'SUCCEEDED') return undefined;
  const cause = parsed(description.cause);
  const text =
    typeof cause.errorMessage === 'string'
      ? cause.errorMessage
      : description.cause !== undefined && !description.cause.trimStart().startsWith('{')
        ? description.cause
        : (DEFAULT_MESSAGES[description.status] ?? description.status);
  return {
    code:
      description.error ??
      (typeof cause.errorType === 'string' ? cause.errorType : description.status),
    message: shortMessage(text),
  };
}

export function runView(runId: string, description: ExecutionDescription): RunView {
  const input = parsed(description.input);
  const origin = input.origin === undefined ? undefined : parseRunOrigin(input.origin);
  const finish = description.status === 'SUCCEEDED' ? parsed(description.output) : {};
  const error = errorOf(description);
  return {
    runId,
    status: description.status,
    startedAt: description.startedAt.toISOString(),
    ...(description.stoppedAt ? { stoppedAt: description.stoppedAt.toISOString() } : {}),
    request: requestOf(description),
    ...(origin?.ok ? { origin: origin.origin } : {}),
    ...('summary' in finish ? { summary: finish.summary } : {}),
    ...('failures' in finish ? { failures: finish.failures } : {}),
    ...(typeof finish.failuresTotal === 'number' ? { failuresTotal: finish.failuresTotal } : {}),
    ...('failedItems' in finish ? { failedItems: finish.failedItems } : {}),
    ...('blastRadius' in finish ? { blastRadius: finish.blastRadius } : {}),
    ...('refusedItems' in finish ? { refusedItems: finish.refusedItems } : {}),
    ...(error ? { error } : {}),
  };
}
