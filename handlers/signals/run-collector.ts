/**
 * What a run's signals read of its targets, gathered target by target as each finishes (in any
 * order), so that the run need not keep every target's result until it publishes: its Resource
 * Outcome events are handed on at once (publish.ts sends them while the run goes on), and the
 * failed targets its record lists are kept, at most MAX_LISTED_TARGETS of them. The events and
 * the record are those of the whole result (run-events.ts, run-record.ts): same fields, and the
 * record lists the failed targets in request order.
 */
import type { TargetResult } from '../core/results';
import { MAX_LISTED_TARGETS, type TargetFailure } from './contract';
import {
  hasResourceEvent,
  type ResourceEventRun,
  type RunEventsContext,
  resourceOutcomeEvent,
  type SignalEvent,
} from './run-events';
import { type ListedFailures, targetFailure } from './run-record';

export interface RunSignalsCollector {
  /**
   * One finished target, `index` its place in the request's targets: its Resource Outcome events
   * go to `send` now; what `send` returns (a sender with calls to spare) is returned.
   */
  add(target: TargetResult, index: number): Promise<void> | undefined;
  /** The failed targets the run record lists (request order) and how many there were. */
  failures(): ListedFailures;
}

export function collectRunSignals(
  run: ResourceEventRun & { dryRun: boolean },
  context: RunEventsContext,
  /** Absent: the run sends no events (an engine re-check), and none are built. */
  send?: (events: SignalEvent[]) => Promise<void>,
): RunSignalsCollector {
  // A status or a dry run changes nothing: it has no Resource Outcome events.
  const eventful = run.action !== 'status' && !run.dryRun;
  // The failures with the lowest request indexes: the ones a record of the whole result lists.
  let listed: Array<{ index: number; failure: TargetFailure }> = [];
  let total = 0;
  return {
    add(target, index) {
      const failure = targetFailure(target);
      if (failure) {
        total += 1;
        listed.push({ index, failure });
        if (listed.length > MAX_LISTED_TARGETS) {
          listed = listed.sort((a, b) => a.index - b.index).slice(0, MAX_LISTED_TARGETS);
        }
      }
      if (!eventful || !send) return undefined;
      const events = target.resources
        .filter(hasResourceEvent)
        .map((resource) => resourceOutcomeEvent(run, target, resource, context));
      return events.length > 0 ? send(events) : undefined;
    },
    failures() {
      const inOrder = [...listed].sort((a, b) => a.index - b.index);
      return { listed: inOrder.map((l) => l.failure), total };
    },
  };
}
