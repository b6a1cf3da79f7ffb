/**
 * Step Functions engine, one work item: runs the request on the targets of one batch (the same
 * engine as the instances function: handlers/core/run.ts) and returns a bounded report. It
 * acts and does not wait: the waiting happens in the Standard parent (Wait states and
 * re-checks), so this Express child stays far inside its 5 minutes. Per-target detail goes to
 * the log, one line per target.
 */
import type { Context } from 'aws-lambda';
import { execute, logger, validateRequest } from '../aws/runtime';
import { InvalidRequestError } from '../contract/errors';
import { parseRunOrigin } from '../formats/origin';
import { isUnderWay } from '../tasks/ec2/wait';
import { batchTargets } from './batches';
import { type BatchReport, batchReport } from './report';
import { readEngineSettings } from './settings';

const settings = readEngineSettings();

export interface WorkInput {
  batch: number;
  request: unknown;
  /** The plan's origin (absent when invoked by hand: a direct run). */
  origin?: unknown;
  /** The run's ID (the execution name): this batch's Instance Outcome events carry it. */
  runId?: unknown;
}

export const handler = async (event: WorkInput, context: Context): Promise<BatchReport> => {
  logger.addContext(context);
  const request = validateRequest(event.request);
  const origin = parseRunOrigin(event.origin);
  if (!origin.ok) throw new InvalidRequestError(origin.problems);
  const targets = batchTargets(request.targets, event.batch, settings.sizing);
  // Only this batch's Instance Outcome events: the run's one summary comes from the summary step.
  const result = await execute({ ...request, targets, wait: false }, context, origin.origin, {
    signals: 'instances',
    ...(typeof event.runId === 'string' ? { runId: event.runId } : {}),
  });
  for (const target of result.targets)
    logger.info('target finished', { batch: event.batch, target });
  const action = request.action === 'start' ? 'start' : 'stop';
  // The run result carries the merged targets and summary (handlers/core/merge.ts).
  return batchReport(
    event.batch,
    result,
    (resource) => request.action !== 'status' && isUnderWay(action, resource),
  );
};
