/**
 * Entry point for schedules (EventBridge Scheduler passes the request as the event) and direct
 * invocation. The event is validated before any AWS call; an invalid one fails the invocation
 * with every problem listed (InvalidRequestError), and a run the blast-radius guard refuses
 * fails with InstanceLimitError before any Start/Stop call.
 */
import type { Context } from 'aws-lambda';
import { execute, logger, validateRequest } from './aws/runtime';
import { InvalidRequestError } from './contract/errors';
import { InstanceLimitError } from './core/errors';
import type { RunResult } from './core/results';
import { unwrapInvocation } from './signals/schedule-input';

export const handler = async (event: unknown, context: Context): Promise<RunResult> => {
  logger.addContext(context);
  let request: ReturnType<typeof validateRequest>;
  // A schedule wraps its request with its name (handlers/signals/schedule-input.ts).
  const invocation = unwrapInvocation(event);
  try {
    if (!invocation.ok) throw new InvalidRequestError(invocation.problems);
    request = validateRequest(invocation.request);
  } catch (err) {
    if (err instanceof InvalidRequestError) {
      logger.error('invalid request', { problems: err.problems });
    }
    throw err;
  }
  try {
    const result = await execute(request, context, invocation.ok ? invocation.origin : undefined);
    logger.info('run finished', { result });
    return result;
  } catch (err) {
    if (err instanceof InstanceLimitError) {
      logger.error('refused by the blast-radius guard', { problems: err.problems });
    }
    throw err;
  }
};
