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
import { publishResourceEvents, publishRunRecord } from '../signals/publish';
import { type FailedPlanInput, failedPlanRun, UnreportableRunError } from './failed-plan';
import type { EngineRun, Plan } from './plan';
import {
  type BatchReport,
  type EngineReport,
  type FailedItem,
  groupedResults,
  newFallBacks,
  type RecheckReport,
  type RunFailure,
  reportAfterAct,
  reportAfterRecheck,
  reportFailed,
  reportRefused,
} from './report';
import { engineRunRecord, fellBackEvents } from './run-signals';
import { type AssessSurveyInput, assessSurveyState } from './survey-assess';
import { assessDryRun, type RunGuard } from './survey-report';

export type SummariseInput = (
  | {
      phase: 'act';
      action: Action;
      maxChecks: number;
      /** The Map's results, one per child: its group's reports and caught failures, or null / {Error, Cause} (report.ts). */
      results: unknown[];
      /** The Map's items, in the order of `results`: the plan's `work` cut into groups. */
      items?: Array<Array<{ batch: number }>>;
      /** The run's guard after the survey (survey-report.ts): refused means no item acted. */
      guard?: RunGuard;
    }
  | {
      phase: 'recheck';
      maxChecks: number;
      previous: EngineReport;
      /** The Map's results, one per child (as for the act). */
      results: unknown[];
      /** The Map's items: `previous.pending` cut into groups, in the order of `results`. */
      items?: Array<Array<{ batch: number }>>;
    }
  /** The run refused as a whole before acting (the blast-radius guard): it ends here. */
  | { phase: 'refused'; action: Action; refused: RunRefusal }
  /** The plan failed (PlanFailed): no plan, so the run is read from the execution's input. */
  | ({ phase: 'plan-failed'; failure?: { Error?: unknown; Cause?: unknown } } & FailedPlanInput)
  /** A phase failed (state-machine.ts, failureStates): the run ends here, marked failed. */
  | {
      phase: 'failed';
      action: Action;
      failedAt: RunFailure['failedAt'];
      /** Step Functions' error output of the failed state. */
      failure?: { Error?: unknown; Cause?: unknown };
      previous?: EngineReport;
    }
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

/** The act's guard, as the Finish output reports it: a dry run's decided here from its batches' counts. */
function guardAfterAct(
  guard: RunGuard | undefined,
  results: ReadonlyArray<BatchReport | FailedItem>,
): RunGuard {
  if (!guard) return { verdict: 'not-checked', reason: 'the plan set no guard' };
  if (guard.verdict !== 'pending') return guard;
  const { verdict, ...inputs } = guard;
  return assessDryRun(inputs, results);
}

/** Every input but a failed plan's, which afterFailedPlan turns into one of these. */
type PlannedInput = Exclude<SummariseInput, { phase: 'plan-failed' }>;

function reportOf(event: PlannedInput): EngineReport {
  if (event.phase === 'act' && event.guard?.verdict === 'refused') {
    const { reason, resources, limit } = event.guard;
    const refused = reportRefused(event.action, {
      reason: reason ?? 'refused by the blast-radius guard',
      resources,
      limit,
    });
    return { ...refused, blastRadius: event.guard };
  }
  if (event.phase === 'act') {
    const results = groupedResults<BatchReport>(event.results, event.items);
    const report = reportAfterAct(event.action, results, event.maxChecks);
    return { ...report, blastRadius: guardAfterAct(event.guard, results) };
  }
  if (event.phase === 'recheck') {
    const results = groupedResults<RecheckReport>(event.results, event.items);
    return reportAfterRecheck(event.previous, results, event.maxChecks);
  }
  if (event.phase === 'failed') {
    const text = (value: unknown) => (typeof value === 'string' ? value : 'unknown');
    return reportFailed(
      event.action,
      {
        failedAt: event.failedAt,
        error: text(event.failure?.Error),
        cause: text(event.failure?.Cause),
      },
      event.previous,
    );
  }
  return reportRefused(event.action, event.refused);
}

/** A failed plan's input as the failure path's: the run it would have planned, failed at Plan. */
function afterFailedPlan(event: Extract<SummariseInput, { phase: 'plan-failed' }>): PlannedInput {
  const planned = failedPlanRun(event);
  if (!planned) throw new UnreportableRunError(event.executionName);
  return {
    phase: 'failed',
    failedAt: 'Plan',
    action: planned.action,
    run: planned.run,
    ...(event.failure ? { failure: event.failure } : {}),
  };
}

export const handler = async (
  input: SummariseInput | AssessSurveyInput,
): Promise<EngineReport | Plan> => {
  if (input.phase === 'survey') return assessSurveyState(input);
  const event = input.phase === 'plan-failed' ? afterFailedPlan(input) : input;
  const report = reportOf(event);
  logger[report.failure ? 'error' : 'info'](report.waitMore ? 'run in progress' : 'run finished', {
    summary: report.summary,
    checks: report.checks,
    pendingBatches: report.pending.length,
    failuresTotal: report.failuresTotal,
    ...(report.refused ? { refused: report.refused } : {}),
    ...(report.failure ? { failure: report.failure } : {}),
  });
  const { run } = event;
  if (!run) {
    logger.warn('no run-level signals: the input has no run (plan output `run`)');
    return report;
  }
  if (event.phase === 'recheck') {
    const fresh = newFallBacks(
      event.previous,
      groupedResults<RecheckReport>(event.results, event.items),
    );
    const events = fellBackEvents(fresh, run, { stage: environment.stage, check: report.checks });
    await publishResourceEvents(
      { task: run.task, action: report.action, runId: run.id },
      events,
      signalDeps,
    );
  }
  if (!report.waitMore) {
    await publishRunRecord(engineRunRecord(report, run, Date.now()), run.origin, signalDeps);
  }
  return report;
};
