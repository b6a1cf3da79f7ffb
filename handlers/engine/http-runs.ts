/**
 * On-demand runs over HTTP: start one engine execution per accepted request, named by its run ID,
 * and read one back by that ID. The request has been validated by the caller of these functions;
 * the engine's plan validates it again against the same stage configuration.
 */
import type { EngineRuns, ExecutionDescription } from './engine-runs';
import { executionArnFor } from './run-id';
import { ExecutionAlreadyExistsError } from './start-run';

export interface HttpRunStart {
  runId: string;
  /** The request in the contract's shape (the action from the path), as the plan reads it. */
  request: Record<string, unknown>;
  /** The caller's ARN as API Gateway named it and the caller rules accepted it. */
  callerArn: string;
}

export type HttpRunStarted = { runId: string; duplicate: boolean };

/**
 * Starts the run. A second delivery of the same request (the same API request ID, so the same
 * run ID) finds the name taken and is answered with the run that exists: it never runs twice.
 */
export async function startHttpRun(
  runs: EngineRuns,
  stateMachineArn: string,
  start: HttpRunStart,
): Promise<HttpRunStarted> {
  const input = JSON.stringify({
    request: start.request,
    origin: { kind: 'http', callerArn: start.callerArn },
  });
  try {
    await runs.startExecution({ stateMachineArn, name: start.runId, input });
    return { runId: start.runId, duplicate: false };
  } catch (err) {
    if (err instanceof ExecutionAlreadyExistsError) return { runId: start.runId, duplicate: true };
    throw err;
  }
}

/** The run's execution, or undefined when the engine has no execution of that name. */
export function describeHttpRun(
  runs: EngineRuns,
  stateMachineArn: string,
  runId: string,
): Promise<ExecutionDescription | undefined> {
  return runs.describeExecution(executionArnFor(stateMachineArn, runId));
}
