/**
 * One run, as its run-level signals see it: the summary event and the run metrics are built from
 * this, whichever path ran it (a single invocation's result, a refusal by the blast-radius guard,
 * or an engine execution's final report), so every path reports the same fields the same way.
 */
import { EMPTY_SUMMARY } from '../core/merge';
import type { RunResult, RunSkip, SnoozeCounts, TargetResult } from '../core/results';
import type { RunOutline } from '../core/run';
import type { Action } from '../core/types';
import {
  type EngineRunFacts,
  MAX_LISTED_TARGETS,
  type ResourceFailure,
  type RunOutcome,
  type RunRefusal,
  type RunSummaryDetail,
  type TargetFailure,
} from './contract';
import { runOutcome } from './run-outcome';

export interface RunRecord {
  runId: string;
  /** The task that ran, e.g. `ec2`. */
  task: string;
  action: Action;
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  outcome: RunOutcome;
  counts: RunSummaryDetail['counts'];
  /** At most MAX_LISTED_TARGETS; the rest are counted in `failedTargetsOmitted`. */
  failedTargets: TargetFailure[];
  failedTargetsOmitted: number;
  failedResources?: ResourceFailure[];
  failedResourcesOmitted?: number;
  refused?: RunRefusal;
  skipped?: RunSkip;
  snoozes?: SnoozeCounts;
  engine?: EngineRunFacts;
}

/** How a target that is not ok is named in the run record; undefined for an ok one. */
export function targetFailure(target: TargetResult): TargetFailure | undefined {
  if (target.status === 'ok') return undefined;
  return {
    account: target.accountId,
    region: target.region,
    status: target.status,
    ...(target.error ? { code: target.error.code } : {}),
    reason: target.error?.message ?? target.reason ?? target.status,
  };
}

/** The failed targets a record lists: the first MAX_LISTED_TARGETS in request order, and the count. */
export interface ListedFailures {
  listed: TargetFailure[];
  total: number;
}

/** A single invocation's run, from its outline and its failed targets. */
export function recordOfRun(outline: RunOutline, failures: ListedFailures): RunRecord {
  return {
    runId: outline.requestId,
    task: outline.task,
    action: outline.action,
    dryRun: outline.dryRun,
    startedAt: outline.startedAt,
    durationMs: outline.durationMs,
    outcome: outline.skipped ? 'skipped' : runOutcome(outline.summary),
    counts: { ...outline.summary },
    failedTargets: failures.listed.slice(0, MAX_LISTED_TARGETS),
    failedTargetsOmitted: Math.max(0, failures.total - MAX_LISTED_TARGETS),
    ...(outline.skipped ? { skipped: outline.skipped } : {}),
    ...(outline.snoozes ? { snoozes: outline.snoozes } : {}),
  };
}

/** A single invocation's run, from its result. */
export function recordOfResult(result: RunResult): RunRecord {
  const failures = result.targets.flatMap((t) => targetFailure(t) ?? []);
  return recordOfRun(result, { listed: failures, total: failures.length });
}

/** A scheduled run skipped on an excluded date or holiday: nothing selected, nothing called. */
export function recordOfSkip(run: {
  runId: string;
  task: string;
  action: Action;
  dryRun: boolean;
  startedAt: string;
  skipped: RunSkip;
}): RunRecord {
  return {
    ...run,
    durationMs: 0,
    outcome: 'skipped',
    counts: { ...EMPTY_SUMMARY },
    failedTargets: [],
    failedTargetsOmitted: 0,
  };
}

export interface RefusedRun {
  runId: string;
  task: string;
  action: Action;
  dryRun: boolean;
  startedAt: string;
  durationMs: number;
  /** Targets the request named: selected, none acted on. */
  targets: number;
  refused: RunRefusal;
}

/** A run the blast-radius guard refused: every target selected, nothing changed. */
export function recordOfRefusal(run: RefusedRun): RunRecord {
  return {
    runId: run.runId,
    task: run.task,
    action: run.action,
    dryRun: run.dryRun,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    outcome: 'refused',
    counts: { ...EMPTY_SUMMARY, targets: run.targets },
    failedTargets: [],
    failedTargetsOmitted: 0,
    refused: run.refused,
  };
}
