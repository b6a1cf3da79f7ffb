/**
 * What a run's signals read of its targets, gathered target by target as each finishes (in any
 * order), so that the run need not keep every target's result until it publishes: the failed
 * targets its record lists, and the resources its Resource Outcome events name. Those resources
 * are kept as one compact JSON string per target, only their event fields: at 10 instances a
 * target the full results of a 10,000-target stop were most of the invocation's heap. The events
 * and the record come out as from the whole result (run-events.ts, run-record.ts): same fields,
 * targets in request order, resources in each target's order.
 */
import type { TargetResult } from '../core/results';
import type { RunOutline } from '../core/run';
import type { Action } from '../core/types';
import { MAX_LISTED_TARGETS, type TargetFailure } from './contract';
import {
  type EventfulResource,
  hasResourceEvent,
  type RunEventsContext,
  resourceOutcomeEvent,
  type SignalEvent,
} from './run-events';
import { type ListedFailures, targetFailure } from './run-record';

export interface RunSignalsCollector {
  /** One finished target; `index` is its place in the request's targets. */
  add(target: TargetResult, index: number): void;
  /** The failed targets the run record lists (request order) and how many there were. */
  failures(): ListedFailures;
  /** The run's Resource Outcome events (none for a status or a dry run). */
  resourceEvents(
    outline: RunOutline,
    context: RunEventsContext & { runId?: string },
  ): Generator<SignalEvent>;
}

/** One resource's event fields, positionally: [type, id, name, previousState, currentState, outcome, reason, code]. */
type Packed = [string, string, ...Array<string | null>];

function pack(r: EventfulResource): Packed {
  return [
    r.type,
    r.id,
    r.name ?? null,
    r.previousState ?? null,
    r.currentState ?? null,
    r.outcome,
    r.reason ?? null,
    r.code ?? null,
  ];
}

function unpack([type, id, name, previousState, currentState, outcome, reason, code]: Packed) {
  return {
    type,
    id,
    outcome: outcome as EventfulResource['outcome'],
    ...(name !== null && name !== undefined ? { name } : {}),
    ...(previousState !== null && previousState !== undefined ? { previousState } : {}),
    ...(currentState !== null && currentState !== undefined ? { currentState } : {}),
    ...(reason !== null && reason !== undefined ? { reason } : {}),
    ...(code !== null && code !== undefined ? { code } : {}),
  };
}

interface TargetEvents {
  accountId: string;
  region: string;
  /** JSON of the target's eventful resources, packed. */
  packed: string;
}

export function collectRunSignals(run: { action: Action; dryRun: boolean }): RunSignalsCollector {
  const eventful = run.action !== 'status' && !run.dryRun;
  const events = new Map<number, TargetEvents>();
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
      if (!eventful) return;
      const resources = target.resources.filter(hasResourceEvent);
      if (resources.length === 0) return;
      events.set(index, {
        accountId: target.accountId,
        region: target.region,
        packed: JSON.stringify(resources.map(pack)),
      });
    },
    failures() {
      const inOrder = [...listed].sort((a, b) => a.index - b.index);
      return { listed: inOrder.map((l) => l.failure), total };
    },
    *resourceEvents(outline, context) {
      if (!eventful) return;
      const ids = { task: outline.task, action: outline.action };
      const runId = context.runId ?? outline.requestId;
      for (const index of [...events.keys()].sort((a, b) => a - b)) {
        const target = events.get(index) as TargetEvents;
        for (const packed of JSON.parse(target.packed) as Packed[]) {
          yield resourceOutcomeEvent({ ...ids, runId }, target, unpack(packed), context);
        }
      }
    },
  };
}
