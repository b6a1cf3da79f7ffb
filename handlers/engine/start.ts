/**
 * Entry point for EventBridge Scheduler: starts one engine run per scheduled invocation, named
 * after the schedule and its scheduled time (the schedule's input carries
 * `"scheduledTime": "<aws.scheduler.scheduled-time>"`). A duplicate delivery is logged and
 * answered, not run twice. The request is validated first, so a bad schedule fails here, and a
 * paused stage (npm run switch) starts nothing.
 */
import type { Context } from 'aws-lambda';
import {
  logger,
  refuseWhenPaused,
  requireConfiguredSchedule,
  validateRequest,
} from '../aws/runtime';
import { stepFunctions } from '../aws/step-functions';
import { requireEnv } from '../config/env';
import { stepFunctionsStarter } from './sfn-executions';
import { type StartOutcome, startScheduledRun } from './start-run';

const stateMachineArn = requireEnv('ENGINE_STATE_MACHINE_ARN');
const starter = stepFunctionsStarter(stepFunctions);

export interface StartInput {
  schedule: string;
  scheduledTime: string;
  request: unknown;
}

export const handler = async (event: StartInput, context?: Context): Promise<StartOutcome> => {
  validateRequest(event?.request);
  requireConfiguredSchedule({ kind: 'schedule', schedule: String(event?.schedule) });
  // A paused stage starts no run: the scheduled invocation fails with who paused and why.
  await refuseWhenPaused(context?.invokedFunctionArn);
  const outcome = await startScheduledRun(starter, stateMachineArn, event);
  if (outcome.started) logger.info('run started', { ...outcome });
  else logger.warn('duplicate delivery: the run exists already', { name: outcome.name });
  return outcome;
};
