/**
 * Step Functions engine, one re-check of a batch after a Wait state: describe only (the request
 * run as `status`), counting the resources still in one of the task's in-transit states for the
 * action (`transitions.inTransit`) and the starts that fell back on their own (the task's
 * `startFellBack`, e.g. an EC2 launch failure).
 */
import type { Context } from 'aws-lambda';
import { execute, logger, validateRequest } from '../aws/runtime';
import { InvalidRequestError } from '../contract/errors';
import { parseRunOrigin } from '../formats/origin';
import { taskNamed } from '../tasks';
import { batchTargets } from './batches';
import { type FailureEntry, listedFailures, type RecheckReport } from './report';
import { readEngineSettings } from './settings';

const settings = readEngineSettings();

export interface RecheckInput {
  batch: number;
  request: unknown;
  /** The plan's origin (absent when invoked by hand: a direct run). */
  origin?: unknown;
}

export const handler = async (event: RecheckInput, context: Context): Promise<RecheckReport> => {
  logger.addContext(context);
  const request = validateRequest(event.request);
  const origin = parseRunOrigin(event.origin);
  if (!origin.ok) throw new InvalidRequestError(origin.problems);
  const action = request.action === 'start' ? 'start' : 'stop';
  const task = taskNamed(request.task);
  const inTransitStates = task.transitions.inTransit[action];
  const targets = batchTargets(request.targets, event.batch, settings.sizing);
  // A look, not a run: no signals of its own. The summary step reports what it found.
  const seen = await execute(
    { ...request, action: 'status', targets, wait: false, dryRun: false },
    context,
    origin.origin,
    { signals: 'none' },
  );
  let inTransit = 0;
  let targetsUnreadable = 0;
  const fellBack: FailureEntry[] = [];
  for (const target of seen.targets) {
    if (target.status !== 'ok') targetsUnreadable += 1;
    for (const resource of target.resources) {
      if (resource.outcome === 'skipped') continue;
      if (resource.currentState !== undefined && inTransitStates.includes(resource.currentState)) {
        inTransit += 1;
      }
      if (action === 'start' && task.startFellBack?.(resource)) {
        fellBack.push({
          accountId: target.accountId,
          region: target.region,
          type: resource.type,
          id: resource.id,
          ...(resource.currentState !== undefined ? { state: resource.currentState } : {}),
          code: 'StartFellBack',
        });
        logger.warn('start fell back to stopped', { batch: event.batch, resource });
      }
    }
  }
  return {
    batch: event.batch,
    inTransit,
    fellBack: listedFailures(fellBack),
    fellBackTotal: fellBack.length,
    targetsUnreadable,
  };
};
