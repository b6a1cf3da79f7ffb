/**
 * Entry point for schedules (EventBridge Scheduler passes the request as the event) and direct
 * invocation. The event is validated before any AWS call; an invalid one fails the invocation
 * with every problem listed (InvalidRequestError), and a run the blast-radius guard refuses
 * fails with ResourceLimitError before any Start/Stop call. A paused stage (npm run switch) fails
 * every run with StagePausedError, naming who paused, when and why, before any target call.
 */
import type { Context } from 'aws-lambda';
import { StagePausedError } from './aws/pause-gate';
import {
  DIRECT_RESPONSE,
  logRunFinished,
  logTarget,
  responseBudget,
  SCHEDULED_RESPONSE,
  type TruncatedResult,
} from './aws/run-log';
import { executeInto, logger, validateRequest } from './aws/runtime';
import { InvalidRequestError } from './contract/errors';
import { ResourceLimitError } from './core/errors';
import { unwrapInvocation } from './signals/schedule-input';

export const handler = async (event: unknown, context: Context): Promise<TruncatedResult> => {
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
    // Each target is logged and sized into the response as it finishes, then let go: the
    // invocation holds the targets in flight and a response of at most 5 MB (192 KB for a
    // schedule's, which no caller receives), not the fleet.
    const origin = invocation.ok ? invocation.origin : undefined;
    const response = responseBudget(
      origin?.kind === 'schedule' ? SCHEDULED_RESPONSE : DIRECT_RESPONSE,
    );
    let targetCount = 0;
    const outline = await executeInto(request, context, origin, undefined, ({ result }, index) => {
      targetCount += 1;
      logTarget(logger, context.awsRequestId, result);
      response.add(result, index);
    });
    logRunFinished(logger, outline, targetCount);
    return response.finish(outline);
  } catch (err) {
    if (err instanceof ResourceLimitError) {
      logger.error('refused by the blast-radius guard', { problems: err.problems });
    }
    if (err instanceof StagePausedError) {
      logger.error('refused: the stage is paused', { pause: err.pause });
    }
    throw err;
  }
};
