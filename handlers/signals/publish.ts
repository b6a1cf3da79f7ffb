/**
 * After a run (or part of one): send its events, then emit its metrics (which count the events
 * sent and failed). Never throws; whatever goes wrong is in the report and the logs, not in the
 * run's outcome.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { RunResult } from '../core/results';
import type { RunOutline } from '../core/run';
import type { Action, CoreLogger } from '../core/types';
import { eventSource, type RunOrigin, type SignalsReport } from './contract';
import { emitEventMetrics, emitRunMetrics } from './emit-metrics';
import { collectRunSignals, type RunSignalsCollector } from './run-collector';
import { runSummaryEvent, type SignalEvent } from './run-events';
import { type RunRecord, recordOfRun } from './run-record';
import { type SendEventsOptions, sendEvents } from './send-events';

export interface PublishDeps {
  metrics: Metrics;
  eventBridge: EventBridgeClient;
  serviceName: string;
  stage: string;
  logger?: CoreLogger;
  /** Overrides for the entry retries (tests). */
  retry?: Pick<SendEventsOptions, 'entryAttempts' | 'backoffMs' | 'sleep'>;
}

/**
 * What a call of the core reports of itself:
 * - `run`: it is the whole run: its summary, its resources' outcomes, the run metrics;
 * - `resources`: it is part of a run reported elsewhere (an engine worker): its resources'
 *   outcomes only, under the run's ID, and the event counts;
 * - `none`: it only looked (an engine re-check): nothing.
 */
export type SignalScope = 'run' | 'resources' | 'none';

const NOTHING_SENT: SignalsReport = { eventsSent: 0, eventsFailed: 0 };

/** Each event logged as it is sent: the same records, one line each, for Logs Insights (SIGNALS.md). */
function* logged(events: Iterable<SignalEvent>, logger: CoreLogger | undefined) {
  for (const event of events) {
    logger?.info(event.detailType, { signal: event.detail });
    yield event;
  }
}

async function send(events: Iterable<SignalEvent>, deps: PublishDeps): Promise<SignalsReport> {
  try {
    const sent = await sendEvents(deps.eventBridge, logged(events, deps.logger), {
      source: eventSource(deps.serviceName),
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...deps.retry,
    });
    return { eventsSent: sent.sent, eventsFailed: sent.failed };
  } catch (err) {
    // sendEvents does not throw; this guards the promise that events never fail a run.
    deps.logger?.error('events not sent', { error: String(err) });
    // How many were left is unknown here: at least one.
    return { eventsSent: 0, eventsFailed: 1 };
  }
}

function emitting(deps: PublishDeps, emit: () => void): void {
  try {
    emit();
  } catch (err) {
    deps.logger?.error('metrics not emitted', {
      error: err instanceof Error ? { name: err.name, detail: err.message } : String(err),
    });
  }
}

/** The run-level signals of one run, whatever path ran it, with any resource events of its own. */
export async function publishRunRecord(
  record: RunRecord,
  origin: RunOrigin,
  deps: PublishDeps,
  resourceEvents: Iterable<SignalEvent> = [],
): Promise<SignalsReport> {
  function* events() {
    yield runSummaryEvent(record, { stage: deps.stage, origin });
    yield* resourceEvents;
  }
  const signals = await send(events(), deps);
  emitting(deps, () => emitRunMetrics(deps.metrics, { record, origin, signals }));
  return signals;
}

/** Resource events of a part of a run; no run summary and no run metrics. */
export async function publishResourceEvents(
  run: { task: string; action: Action; runId: string },
  events: Iterable<SignalEvent>,
  deps: PublishDeps,
): Promise<SignalsReport> {
  const signals = await send(events, deps);
  if (signals.eventsSent + signals.eventsFailed === 0) return NOTHING_SENT;
  emitting(deps, () => emitEventMetrics(deps.metrics, { ...run, signals }));
  return signals;
}

/** The signals of a run whose targets were collected as they finished (run-collector.ts). */
export async function publishCollectedSignals(
  outline: RunOutline,
  collected: RunSignalsCollector,
  origin: RunOrigin,
  deps: PublishDeps,
  scope: { signals: SignalScope; runId?: string } = { signals: 'run' },
): Promise<SignalsReport> {
  if (scope.signals === 'none') return NOTHING_SENT;
  const runId = scope.runId ?? outline.requestId;
  const context = { stage: deps.stage, origin, runId };
  if (scope.signals === 'resources') {
    return publishResourceEvents(
      { task: outline.task, action: outline.action, runId },
      collected.resourceEvents(outline, context),
      deps,
    );
  }
  return publishRunRecord(
    { ...recordOfRun(outline, collected.failures()), runId },
    origin,
    deps,
    collected.resourceEvents(outline, context),
  );
}

export async function publishRunSignals(
  result: RunResult,
  origin: RunOrigin,
  deps: PublishDeps,
  scope: { signals: SignalScope; runId?: string } = { signals: 'run' },
): Promise<SignalsReport> {
  const collected = collectRunSignals(result);
  result.targets.forEach((target, index) => {
    collected.add(target, index);
  });
  return publishCollectedSignals(result, collected, origin, deps, scope);
}
