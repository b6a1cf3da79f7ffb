/**
 * Step Functions engine, one work item: runs the request on the targets of one batch (the same
 * core as the single invocation: handlers/core/run.ts) and returns a bounded report. It
 * acts and does not wait: the waiting happens in the Standard parent (Wait states and
 * re-checks), so this Express child stays far inside its 5 minutes. Per-target detail goes to
 * the log, one line per target. A start or stop acts only within what its batch's survey
 * counted (the run's guard, survey-report.ts); the same function runs the survey (`phase`).
 */
import type { Context } from 'aws-lambda';
import { execute, logger, validateRequest } from '../aws/runtime';
import { InvalidRequestError } from '../contract/errors';
import { ResourceLimitError } from '../core/errors';
import { isInTransit } from '../core/task';
import { parseRunOrigin } from '../formats/origin';
import { taskNamed } from '../tasks';
import { batchTargets } from './batches';
import { type BatchReport, batchReport, refusedBatchReport } from './report';
import { readEngineSettings } from './settings';
import { surveyBatch } from './survey';
import { approvalOf, type SurveyReport, type WorkItem } from './survey-report';

const settings = readEngineSettings();

export interface WorkInput {
  /** `survey`: count what the batch would change, describing only; absent: act. */
  phase?: 'survey';
  item: WorkItem;
  request: unknown;
  /** The plan's origin (absent when invoked by hand: a direct run). */
  origin?: unknown;
  /** The run's ID (the execution name): this batch's Resource Outcome events carry it. */
  runId?: unknown;
}

export const handler = async (
  event: WorkInput,
  context: Context,
): Promise<BatchReport | SurveyReport> => {
  logger.addContext(context);
  const request = validateRequest(event.request);
  const origin = parseRunOrigin(event.origin);
  if (!origin.ok) throw new InvalidRequestError(origin.problems);
  const batch = event.item?.batch;
  if (event.phase === 'survey') {
    return surveyBatch(request, batch, origin.origin, context, settings);
  }
  const approved = approvalOf(event.item, request.action !== 'status' && !request.dryRun);
  const targets = batchTargets(request.targets, batch, settings.sizing);
  let result: Awaited<ReturnType<typeof execute>>;
  try {
    result = await execute({ ...request, targets, wait: false }, context, origin.origin, {
      // Only this batch's Resource Outcome events: the run's one summary comes from the summary step.
      signals: 'resources',
      ...(typeof event.runId === 'string' ? { runId: event.runId } : {}),
      ...(approved !== undefined ? { approvedChanges: approved } : {}),
    });
  } catch (err) {
    // Grown since the survey: this batch changes nothing, and the summary lists it as refused.
    if (err instanceof ResourceLimitError) {
      return refusedBatchReport(batch, targets.length, err.blastRadius);
    }
    throw err;
  }
  for (const target of result.targets) logger.info('target finished', { batch, target });
  // A dry run's count per batch (the engine does not survey a dry run); an act's confirmation.
  if (result.blastRadius) logger.info('batch blast radius', { batch, ...result.blastRadius });
  const action = request.action === 'start' ? 'start' : 'stop';
  const task = taskNamed(request.task);
  // The run result carries the merged targets and summary (handlers/core/merge.ts).
  const report = batchReport(
    batch,
    result,
    (resource) => request.action !== 'status' && isInTransit(task, action, resource),
  );
  // A dry run's count travels to the summary, which runs the run's guard over every batch's.
  return request.dryRun && result.blastRadius
    ? {
        ...report,
        dryRunChanges: result.blastRadius.resources,
        dryRunChangesByType: result.blastRadius.byType,
      }
    : report;
};
