/**
 * The engine's executions port over Step Functions, with the SDK's client (its retry strategy,
 * signing and error types). The caller passes the client, so tests use aws-sdk-client-mock and
 * the local endpoint serves the same calls over the wire.
 */
import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
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
