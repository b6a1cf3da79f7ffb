/**
 * Step Functions engine, the summary state: combines the work items' reports (after the act, and
 * after each round of re-checks) into one bounded report and says whether to wait again.
 */
import { logger } from '../aws/runtime';
import type { Action } from '../core/types';
import {
  type BatchReport,
  type EngineReport,
  type FailedItem,
  type RecheckReport,
  reportAfterAct,
  reportAfterRecheck,
} from './report';

export type SummariseInput =
  | { phase: 'act'; action: Action; maxChecks: number; results: Array<BatchReport | FailedItem> }
  | {
      phase: 'recheck';
      maxChecks: number;
      previous: EngineReport;
      results: Array<RecheckReport | FailedItem>;
    };

export const handler = async (event: SummariseInput): Promise<EngineReport> => {
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
