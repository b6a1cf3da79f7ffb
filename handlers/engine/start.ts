/**
 * Entry point for EventBridge Scheduler: starts one engine run per scheduled invocation, named
 * after the schedule and its scheduled time (the schedule's input carries
 * `"scheduledTime": "<aws.scheduler.scheduled-time>"`). A duplicate delivery is logged and
 * answered, not run twice. The request is validated first, so a bad schedule fails here, and a
 * paused stage (npm run switch) starts nothing. On an excluded date or holiday of the schedule no
 * run starts: the skipped run still ends with its Run Summary (marked `skipped`, under the run ID
 * the execution would have had, so a repeated delivery repeats its eventId), its metrics
 * (RunsSkipped, and the heartbeat, as the schedule fired as planned) and a log line.
 */
import type { Context } from 'aws-lambda';
import {
  environment,
  logger,
  refuseWhenPaused,
  requireConfiguredSchedule,
  signalDeps,
  validateRequest,
} from '../aws/runtime';
import { stepFunctions } from '../aws/step-functions';
import { requireEnv } from '../config/env';
import type { RunOrigin } from '../formats/origin';
import { publishRunRecord } from '../signals/publish';
import { recordOfSkip } from '../signals/run-record';
import { scheduledRunSkip } from '../signals/scheduled-skip';
import { DEFAULT_TASK } from '../tasks';
import { executionName } from './execution-name';
import { requireEngineSizedRequest } from './request-size';
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
  const request = validateRequest(event?.request);
  requireEngineSizedRequest(event.request);
  requireConfiguredSchedule({ kind: 'schedule', schedule: String(event?.schedule) });
  const origin: RunOrigin = {
    kind: 'schedule',
    schedule: event.schedule,
    ...(/^\d{4}-/.test(event.scheduledTime) ? { scheduledTime: event.scheduledTime } : {}),
  };
  const skipped = scheduledRunSkip(origin, environment.config.schedules, Date.now());
  if (skipped) {
    const name = executionName(event.schedule, event.scheduledTime);
    const record = recordOfSkip({
      runId: name,
      task: request.task ?? DEFAULT_TASK,
      action: request.action,
      dryRun: request.dryRun,
      startedAt: new Date().toISOString(),
      skipped,
    });
    logger.info('scheduled run skipped', { name, skipped });
    await publishRunRecord(record, origin, signalDeps());
    return { started: false, name, skipped };
  }
  // A paused stage starts no run: the scheduled invocation fails with who paused and why.
  await refuseWhenPaused(context?.invokedFunctionArn);
  const outcome = await startScheduledRun(starter, stateMachineArn, event);
  if (outcome.started) logger.info('run started', { ...outcome });
  else if ('duplicate' in outcome) {
    logger.warn('duplicate delivery: the run exists already', { name: outcome.name });
  }
  return outcome;
};
