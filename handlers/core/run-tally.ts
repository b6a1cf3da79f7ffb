/**
 * What a run counts of its targets as each one finishes: the summary, the snooze notes and the
 * requested IDs still unfound. It keeps counts and the requested IDs, never a target's result, so
 * a run can hand each target on (a TargetSink) and forget it.
 */
import { addSummaries, EMPTY_SUMMARY, summarise, type TargetRun } from './merge';
import { snoozeCounts } from './resource-rules';
import type { RunSummary, SnoozeCounts } from './results';

export interface RunTally {
  add(run: TargetRun): void;
  /** The counts so far; `unmatchedIds` in request order, `snoozes` absent when none was noted. */
  totals(): { summary: RunSummary; unmatchedIds: string[]; snoozes?: SnoozeCounts };
}

export function createRunTally(requestedIds: readonly string[] = []): RunTally {
  let summary: RunSummary = { ...EMPTY_SUMMARY };
  let snoozes: SnoozeCounts | undefined;
  const unfound = new Set(requestedIds);
  return {
    add({ result, foundIds }) {
      summary = addSummaries(summary, summarise([result]));
      const noted = snoozeCounts(result.resources);
      if (noted) {
        const sum = snoozes ?? { honoured: 0, ignored: 0, expired: 0 };
        snoozes = {
          honoured: sum.honoured + noted.honoured,
          ignored: sum.ignored + noted.ignored,
          expired: sum.expired + noted.expired,
        };
      }
      if (unfound.size > 0) for (const id of foundIds) unfound.delete(id);
    },
    totals() {
      return {
        summary: { ...summary },
        unmatchedIds: requestedIds.filter((id) => unfound.has(id)),
        ...(snoozes ? { snoozes: { ...snoozes } } : {}),
      };
    },
  };
}
