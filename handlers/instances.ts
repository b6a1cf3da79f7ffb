/**
 * Entry point for schedules (EventBridge Scheduler passes the request as the event) and direct
 * invocation. The event is validated before any AWS call; an invalid one fails the invocation
 * with every problem listed.
 */
import type { Context } from 'aws-lambda';
import { limitResponse, logRun, type TruncatedResult } from './aws/run-log';
import { execute, logger, validateRequest } from './aws/runtime';
import { InvalidRequestError } from './contract/errors';

export const handler = async (event: unknown, context: Context): Promise<TruncatedResult> => {
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
  logRun(logger, result);
  return limitResponse(result);
};
