/**
 * Merges target results into one run's targets, summary and unmatched IDs. Pure: a run merges
 * its own targets with it, and an engine spread over many workers can merge their targets the
 * same way.
 */
import type { RunSummary, TargetResult } from './results';

/** One target's result and the resource IDs it found (selected or skipped). */
export interface TargetRun {
  result: TargetResult;
  /** The IDs it found, when the request named IDs; none for a request by tag, which reads none. */
  foundIds: readonly string[];
}

export interface MergedRun {
  targets: TargetResult[];
  summary: RunSummary;
  /** Requested IDs that no target found, in request order. */
  unmatchedIds: string[];
}

/** The summary of a run that has no targets: every count 0. */
export const EMPTY_SUMMARY: Readonly<RunSummary> = {
  targets: 0,
  targetsFailed: 0,
  targetsNotProcessed: 0,
  resources: 0,
  changed: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
  notProcessed: 0,
};

/** Two summaries as one: the counts of runs (or batches) merged after the fact. */
export function addSummaries(a: RunSummary, b: RunSummary): RunSummary {
  const out = { ...a };
  for (const key of Object.keys(EMPTY_SUMMARY) as Array<keyof RunSummary>) out[key] += b[key];
  return out;
}

export function summarise(targets: readonly TargetResult[]): RunSummary {
  const summary: RunSummary = { ...EMPTY_SUMMARY, targets: targets.length };
  for (const target of targets) {
    if (target.status === 'failed') summary.targetsFailed += 1;
    if (target.status === 'not-processed') summary.targetsNotProcessed += 1;
    for (const resource of target.resources) {
      summary.resources += 1;
      if (resource.outcome === 'not-processed') summary.notProcessed += 1;
      else summary[resource.outcome] += 1;
    }
  }
  return summary;
}

export function mergeResults(
  runs: readonly TargetRun[],
  requestedIds: readonly string[] = [],
): MergedRun {
  const targets = runs.map((run) => run.result);
  const found = new Set(runs.flatMap((run) => run.foundIds));
  return {
    targets,
    summary: summarise(targets),
    unmatchedIds: requestedIds.filter((id) => !found.has(id)),
  };
}
