/**
 * Step Functions engine, one survey item (run by the engineWork function before a start or stop
 * acts): counts what the request would change on the targets of one batch, describing only (no
 * Start/Stop, not even a DryRun one) and publishing nothing. The summary adds the counts and runs
 * the blast-radius guard over the whole run (survey-report.ts).
 */
import type { Context } from 'aws-lambda';
import { logger, survey } from '../aws/runtime';
import type { RunRequest } from '../contract/request';
import type { RunOrigin } from '../formats/origin';
import { batchTargets } from './batches';
import type { EngineSettings } from './settings';
import type { SurveyReport } from './survey-report';

export async function surveyBatch(
  request: RunRequest,
  batch: number,
  origin: RunOrigin,
  context: Context,
  settings: EngineSettings,
): Promise<SurveyReport> {
  const targets = batchTargets(request.targets, batch, settings.sizing);
  const counted = await survey(
    { ...request, targets, wait: false, dryRun: false },
    context,
    origin,
  );
  logger.info('batch surveyed', { batch, ...counted });
  return { batch, ...counted };
}
