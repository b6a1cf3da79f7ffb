/**
 * The engine's executions port over Step Functions, with the SDK's client (its retry strategy,
 * signing and error types). The caller passes the client, so tests use aws-sdk-client-mock and
 * the local endpoint serves the same calls over the wire.
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { EngineRuns, ExecutionStatus } from './engine-runs';
import { ExecutionAlreadyExistsError, type ExecutionStarter } from './start-run';

export function stepFunctionsStarter(client: SFNClient): ExecutionStarter {
  return {
    async startExecution(input) {
      try {
        const out = await client.send(new StartExecutionCommand(input));
        if (!out.executionArn) throw new Error('StartExecution answered without an executionArn');
        return { executionArn: out.executionArn };
      } catch (err) {
        if (err instanceof ExecutionAlreadyExists) {
          throw new ExecutionAlreadyExistsError(input.name, { cause: err });
        }
        throw err;
      }
    },
  };
}

export function stepFunctionsRuns(client: SFNClient): EngineRuns {
  return {
    ...stepFunctionsStarter(client),
    async describeExecution(executionArn) {
      try {
        const out = await client.send(new DescribeExecutionCommand({ executionArn }));
        if (!out.status || !out.startDate) {
          throw new Error('DescribeExecution answered without a status or a startDate');
        }
        return {
          status: out.status as ExecutionStatus,
          startedAt: out.startDate,
          ...(out.stopDate ? { stoppedAt: out.stopDate } : {}),
          ...(out.input !== undefined ? { input: out.input } : {}),
          ...(out.output !== undefined ? { output: out.output } : {}),
          ...(out.error !== undefined ? { error: out.error } : {}),
          ...(out.cause !== undefined ? { cause: out.cause } : {}),
        };
      } catch (err) {
        if (err instanceof ExecutionDoesNotExist) return undefined;
        throw err;
      }
    },
  };
}
