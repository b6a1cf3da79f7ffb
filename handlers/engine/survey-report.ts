/**
 * The engine's blast-radius guard over the whole run. Before a start or stop acts, every batch is
 * surveyed (describe only) and its change count returned; this adds them, runs the same guard as
 * the single invocation (handlers/core/blast-radius.ts) over the run's total, and either refuses
 * the run before any Start/Stop call or approves each batch for at most what its survey counted.
 * Pure: the summary function calls it, the unit tests call it directly.
 */
import { assessBlastRadius } from '../core/blast-radius';
import { addCounts } from '../core/run';
import type { ChangeSurvey } from '../core/survey';
import { SchedulerError } from '../formats/scheduler-error';
import {
  type BatchReport,
  type FailedItem,
  type GuardPlan,
  isFailedItem,
  type RunGuard,
} from './report';

export type { GuardPlan, RunGuard };

/** A work item of the Act: its batch and, once surveyed, the most it may change. */
export interface WorkItem {
  batch: number;
  approvedChanges?: number;
}

/** One batch's survey (the Map collects one per batch). */
export interface SurveyReport extends ChangeSurvey {
  batch: number;
}

export interface SurveyVerdict {
  guard: RunGuard;
  /** The Act's items: every batch with its surveyed count, or none when the run is refused. */
  work: WorkItem[];
}

export function assessSurvey(
  plan: GuardPlan,
  results: ReadonlyArray<SurveyReport | FailedItem>,
): SurveyVerdict {
  const surveyed = results.filter((r): r is SurveyReport => !isFailedItem(r));
  const itemsFailed = results
    .filter(isFailedItem)
    .map((r) => r.batch)
    .sort((a, b) => a - b);
  const resources = surveyed.reduce((n, r) => n + r.resources, 0);
  const byType = surveyed.reduce<Record<string, number>>((sum, r) => addCounts(sum, r.byType), {});
  const targets = surveyed.reduce(
    (n, r) => n + r.targets - r.targetsFailed - r.targetsNotProcessed,
    0,
  );
  const targetsUnsurveyed = surveyed.reduce(
    (n, r) => n + r.targetsFailed + r.targetsNotProcessed,
    0,
  );
  const blastRadius = assessBlastRadius({
    action: plan.action,
    resources,
    byType,
    resourceType: plan.resourceType,
    targets,
    limit: plan.limit,
    ...(plan.confirmCount !== undefined ? { confirmCount: plan.confirmCount } : {}),
  });
  const counts = { targetsUnsurveyed, itemsFailed };
  if (itemsFailed.length > 0) {
    const guard: RunGuard = {
      ...blastRadius,
      ...counts,
      verdict: 'refused',
      reason: `the survey of work item(s) ${itemsFailed.join(', ')} failed after retries, so the run's count is unknown and nothing was changed; run again`,
    };
    return { guard, work: [] };
  }
  if (blastRadius.verdict === 'refused') return { guard: { ...blastRadius, ...counts }, work: [] };
  const work = surveyed
    .map((r) => ({ batch: r.batch, approvedChanges: r.resources }))
    .sort((a, b) => a.batch - b.batch);
  return { guard: { ...blastRadius, ...counts }, work };
}

/**
 * A dry run's guard over the whole run: not surveyed (it changes nothing), its batches' counts
 * come back from the act (`dryRunChanges`) and go through the same guard as a survey's, so the
 * Finish output says whether the real run would be accepted and what to confirm.
 */
export function assessDryRun(
  plan: GuardPlan,
  results: ReadonlyArray<BatchReport | FailedItem>,
): RunGuard {
  const counted = results.map((r): SurveyReport | FailedItem =>
    isFailedItem(r)
      ? r
      : {
          batch: r.batch,
          resources: r.dryRunChanges ?? 0,
          byType: r.dryRunChangesByType ?? {},
          targets: r.summary.targets,
          targetsFailed: r.summary.targetsFailed,
          targetsNotProcessed: r.summary.targetsNotProcessed,
        },
  );
  return assessSurvey(plan, counted).guard;
}

/** A start or stop work item without a valid survey approval: acting would bypass the run's guard. */
export class UnapprovedWorkItemError extends SchedulerError {
  constructor(
    readonly batch: unknown,
    readonly approvedChanges: unknown,
  ) {
    super(
      'UnapprovedWorkItemError',
      `work item ${JSON.stringify(batch)} has approvedChanges ${JSON.stringify(approvedChanges)}; a start or stop acts only with a whole number from its survey, so start the run through the engine's state machine (Survey, then AssessSurvey), not the work function alone`,
    );
  }
}

/** The approval a work item carries; required (a whole number) when the run acts. */
export function approvalOf(item: WorkItem, acts: boolean): number | undefined {
  if (!acts) return undefined;
  const approved = item.approvedChanges;
  if (typeof approved !== 'number' || !Number.isInteger(approved) || approved < 0) {
    throw new UnapprovedWorkItemError(item.batch, approved);
  }
  return approved;
}
