/**
 * Stops every RUNNING execution of the stage's engine. A stopped Standard execution starts no
 * further Map items; the batches already acting finish their own EC2 calls.
 */
import { paginateListExecutions, type SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { awsErrorName, describeAwsError } from './aws-errors';

/** The error name every stopped execution carries (StopExecution's `error`, at most 256 chars). */
export const PAUSED_ERROR = 'StageSwitchPaused';
/** StopExecution's `cause` allows 32768 characters. */
const MAX_CAUSE = 32_768;

export interface ExecutionOutcome {
  name: string;
  executionArn: string;
  outcome: 'stopped' | 'failed';
  error?: string;
}

export interface StopExecutionsResult {
  outcomes: ExecutionOutcome[];
  listError?: string;
  /** The stage has no engine state machine (in this region). */
  stateMachineMissing?: boolean;
}

export async function listRunningExecutions(
  client: SFNClient,
  stateMachineArn: string,
): Promise<Array<{ name: string; executionArn: string }>> {
  const running: Array<{ name: string; executionArn: string }> = [];
  const pages = paginateListExecutions({ client }, { stateMachineArn, statusFilter: 'RUNNING' });
  for await (const page of pages) {
    for (const execution of page.executions ?? []) {
      running.push({ name: execution.name ?? '', executionArn: execution.executionArn ?? '' });
    }
  }
  return running;
}

/** Every running execution, one after the other; a failed stop is reported, the rest proceed. */
export async function stopRunningExecutions(
  client: SFNClient,
  input: { stateMachineArn: string; cause: string },
): Promise<StopExecutionsResult> {
  let running: Array<{ name: string; executionArn: string }>;
  try {
    running = await listRunningExecutions(client, input.stateMachineArn);
  } catch (error) {
    if (awsErrorName(error) === 'StateMachineDoesNotExist') {
      return { outcomes: [], stateMachineMissing: true };
    }
    return { outcomes: [], listError: describeAwsError(error) };
  }
  const outcomes: ExecutionOutcome[] = [];
  for (const execution of running) {
    try {
      await client.send(
        new StopExecutionCommand({
          executionArn: execution.executionArn,
          error: PAUSED_ERROR,
          cause: input.cause.slice(0, MAX_CAUSE),
        }),
      );
      outcomes.push({ ...execution, outcome: 'stopped' });
    } catch (error) {
      outcomes.push({ ...execution, outcome: 'failed', error: describeAwsError(error) });
    }
  }
  return { outcomes };
}
