/**
 * Step Functions engine, the summary state: combines the work items' reports (after the act, and
 * after each round of re-checks) into one bounded report and says whether to wait again.
 */
import { logger } from '../aws/runtime';
import type { Action } from '../core/types';
import type { Plan } from './plan';
import {
  type BatchReport,
  type EngineReport,
  type FailedItem,
  type RecheckReport,
  reportAfterAct,
  reportAfterRecheck,
} from './report';
import { type AssessSurveyInput, assessSurveyState } from './survey-assess';

export type SummariseInput =
  | { phase: 'act'; action: Action; maxChecks: number; results: Array<BatchReport | FailedItem> }
  | {
      phase: 'recheck';
      maxChecks: number;
      previous: EngineReport;
      results: Array<RecheckReport | FailedItem>;
    };

export const handler = async (
  event: SummariseInput | AssessSurveyInput,
): Promise<EngineReport | Plan> => {
  if (event.phase === 'survey') return assessSurveyState(event);
  const report =
    event.phase === 'act'
      ? reportAfterAct(event.action, event.results, event.maxChecks)
      : reportAfterRecheck(event.previous, event.results, event.maxChecks);
  logger.info(report.waitMore ? 'run in progress' : 'run finished', {
    summary: report.summary,
    checks: report.checks,
    pendingBatches: report.pending.length,
    failuresTotal: report.failuresTotal,
  });
  return report;
};
