/**
 * Step Functions engine, the summary state: combines the work items' reports (after the act, and
 * after each round of re-checks) into one bounded report and says whether to wait again. It
 * also sends what only the whole run knows (handlers/signals/SIGNALS.md): each newly found
 * fall-back of a start, and, when the run finishes, its one run-level summary.
 */
import { eventBridge } from '../aws/events';
import { metrics } from '../aws/metrics';
import { environment, logger } from '../aws/runtime';
import type { Action } from '../core/types';
import type { RunRefusal } from '../signals/contract';
import { publishInstanceEvents, publishRunRecord } from '../signals/publish';
import type { EngineRun, Plan } from './plan';
import {
  type BatchReport,
  type EngineReport,
  type FailedItem,
  newFallBacks,
  type RecheckReport,
  reportAfterAct,
  reportAfterRecheck,
  reportRefused,
} from './report';
import { engineRunRecord, fellBackEvents } from './run-signals';
import { type AssessSurveyInput, assessSurveyState } from './survey-assess';
import type { RunGuard } from './survey-report';

export type SummariseInput = (
  | {
      phase: 'act';
      action: Action;
      maxChecks: number;
      results: Array<BatchReport | FailedItem>;
      /** The run's guard after the survey (survey-report.ts): refused means no item acted. */
      guard?: RunGuard;
    }
  | {
      phase: 'recheck';
      maxChecks: number;
      previous: EngineReport;
      results: Array<RecheckReport | FailedItem>;
    }
  /** The run refused as a whole before acting (the blast-radius guard): it ends here. */
  | { phase: 'refused'; action: Action; refused: RunRefusal }
) & {
  /** The plan's `run` (absent in a state machine that predates it: no run-level signals then). */
  run?: EngineRun;
};

const signalDeps = {
  metrics,
  eventBridge,
  serviceName: environment.serviceName,
  stage: environment.stage,
  logger,
};

function reportOf(event: SummariseInput): EngineReport {
  if (event.phase === 'act' && event.guard?.verdict === 'refused') {
    const { reason, resources, limit } = event.guard;
    return reportRefused(event.action, {
      reason: reason ?? 'refused by the blast-radius guard',
      resources,
      limit,
    });
  }
  if (event.phase === 'act') return reportAfterAct(event.action, event.results, event.maxChecks);
  if (event.phase === 'recheck') {
    return reportAfterRecheck(event.previous, event.results, event.maxChecks);
  }
  return reportRefused(event.action, event.refused);
}

export const handler = async (
  event: SummariseInput | AssessSurveyInput,
): Promise<EngineReport | Plan> => {
  if (event.phase === 'survey') return assessSurveyState(event);
  const report = reportOf(event);
  logger.info(report.waitMore ? 'run in progress' : 'run finished', {
    summary: report.summary,
    checks: report.checks,
    pendingBatches: report.pending.length,
    failuresTotal: report.failuresTotal,
    ...(report.refused ? { refused: report.refused } : {}),
  });
  const { run } = event;
  if (!run) {
    logger.warn('no run-level signals: the input has no run (plan output `run`)');
    return report;
  }
  if (event.phase === 'recheck') {
    const fresh = newFallBacks(event.previous, event.results);
    const events = fellBackEvents(fresh, run, { stage: environment.stage, check: report.checks });
    await publishInstanceEvents({ action: report.action, runId: run.id }, events, signalDeps);
  }
  if (!report.waitMore) {
    await publishRunRecord(engineRunRecord(report, run, Date.now()), run.origin, signalDeps);
  }
  return report;
};
