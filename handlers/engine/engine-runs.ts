/**
 * The engine's executions as the HTTP entry point uses them: start one, and describe one by its
 * ARN. The Step Functions adapter is in sfn-executions.ts; tests mock the SDK client under it.
 */
import type { ExecutionStarter } from './start-run';

/** Step Functions' execution states, as DescribeExecution names them. */
export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

/** What DescribeExecution says of one execution: the parts a run's answer is built from. */
export interface ExecutionDescription {
  status: ExecutionStatus;
  startedAt: Date;
  stoppedAt?: Date;
  /** The execution input, as JSON text. */
  input?: string;
  /** The Finish state's output, as JSON text (a succeeded execution only). */
  output?: string;
  /** The error name and cause of a failed, timed-out or aborted execution. */
  error?: string;
  cause?: string;
}

export interface EngineRuns extends ExecutionStarter {
  /** The execution, or undefined when none has that ARN. */
  describeExecution(executionArn: string): Promise<ExecutionDescription | undefined>;
}
