/**
 * Entry point for schedules (EventBridge Scheduler passes the request as the event) and direct
 * invocation. The event is validated before any AWS call; an invalid one fails the invocation
 * with every problem listed.
 */
import type { Context } from 'aws-lambda';
import { execute, logger, validateRequest } from './aws/runtime';
import { InvalidRequestError } from './contract/errors';
import type { RunResult } from './core/results';

export const handler = async (event: unknown, context: Context): Promise<RunResult> => {
  logger.addContext(context);
  let request: ReturnType<typeof validateRequest>;
  try {
    request = validateRequest(event);
  } catch (err) {
    if (err instanceof InvalidRequestError) {
      logger.error('invalid request', { problems: err.problems });
    }
    throw err;
  }
  const result = await execute(request, context);
  logger.info('run finished', { result });
  return result;
};
