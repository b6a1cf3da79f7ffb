/**
 * A run's signals (or a part's): its Resource Outcome events while it goes on, then its Run
 * Summary and its metrics (which count the events sent and failed). Never throws; whatever goes
 * wrong is in the report and the logs, not in the run's outcome.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { RunResult, TargetResult } from '../core/results';
import type { RunOutline } from '../core/run';
import type { Action, CoreLogger } from '../core/types';
import { eventSource, type RunOrigin, type SignalsReport } from './contract';
import { emitEventMetrics, emitRunMetrics } from './emit-metrics';
import { collectRunSignals } from './run-collector';
import { runSummaryEvent, type SignalEvent } from './run-events';
import { type RunRecord, recordOfRun } from './run-record';
import { createEventSender, type SendEventsOptions, sendEvents } from './send-events';

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

/** How this stage's events are sent: its source, its logger, any test overrides of the retries. */
function senderOptions(deps: PublishDeps): SendEventsOptions {
  return {
    source: eventSource(deps.serviceName),
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...deps.retry,
  };
}

async function send(events: Iterable<SignalEvent>, deps: PublishDeps): Promise<SignalsReport> {
  try {
    const sent = await sendEvents(
      deps.eventBridge,
      logged(events, deps.logger),
      senderOptions(deps),
    );
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

/**
 * The run-level signals of one run, whatever path ran it: its Run Summary, sent after any
 * Resource Outcome events the run already sent (`alreadySent`, counted into its metrics).
 */
export async function publishRunRecord(
  record: RunRecord,
  origin: RunOrigin,
  deps: PublishDeps,
  alreadySent: SignalsReport = NOTHING_SENT,
): Promise<SignalsReport> {
  const summary = await send([runSummaryEvent(record, { stage: deps.stage, origin })], deps);
  const signals = {
    eventsSent: alreadySent.eventsSent + summary.eventsSent,
    eventsFailed: alreadySent.eventsFailed + summary.eventsFailed,
  };
  emitting(deps, () => emitRunMetrics(deps.metrics, { record, origin, signals }));
  return signals;
}

/** Resource events of a part of a run; no run summary and no run metrics. */
export async function publishResourceEvents(
  run: { task: string; action: Action; runId: string },
  events: Iterable<SignalEvent>,
  deps: PublishDeps,
): Promise<SignalsReport> {
  return reportedPart(run, await send(events, deps), deps);
}

/** The event metrics of a part of a run, when it sent or failed any. */
function reportedPart(
  run: { task: string; action: Action; runId: string },
  signals: SignalsReport,
  deps: PublishDeps,
): SignalsReport {
  if (signals.eventsSent + signals.eventsFailed === 0) return NOTHING_SENT;
  emitting(deps, () => emitEventMetrics(deps.metrics, { ...run, signals }));
  return signals;
}

/**
 * The signals of a run whose targets are handed on as they finish: each target's Resource
 * Outcome events are sent while the run goes on (add), the Run Summary last (finish).
 */
export interface RunSignals {
  /** One finished target; resolves once its events are on their way (call it from the fan-out). */
  add(target: TargetResult, index: number): Promise<void> | undefined;
  /** The run is over: the rest of its events, then its scope's summary and metrics. */
  finish(outline: RunOutline): Promise<SignalsReport>;
  /**
   * The run ended without an outline (refused, or a fault): the rest of its events go out, and
   * their counts are emitted as event metrics, unless a record that counts them follows
   * (`recordFollows`: a refused run's Run Summary, publishRunRecord's `alreadySent`).
   */
  abandon(options?: { recordFollows?: boolean }): Promise<SignalsReport>;
}

export function startRunSignals(
  run: { task: string; action: Action; dryRun: boolean; runId: string },
  origin: RunOrigin,
  deps: PublishDeps,
  scope: SignalScope = 'run',
): RunSignals {
  const ids = { task: run.task, action: run.action, runId: run.runId };
  const sender =
    scope === 'none' ? undefined : createEventSender(deps.eventBridge, senderOptions(deps));
  const collected = collectRunSignals(
    run,
    { stage: deps.stage, origin },
    sender && ((events) => sender.push(logged(events, deps.logger))),
  );
  const closed = async (): Promise<SignalsReport> => {
    if (!sender) return NOTHING_SENT;
    const { sent, failed } = await sender.close();
    return { eventsSent: sent, eventsFailed: failed };
  };
  return {
    add: (target, index) => collected.add(target, index),
    async finish(outline) {
      const streamed = await closed();
      if (scope === 'none') return NOTHING_SENT;
      if (scope === 'resources') return reportedPart(ids, streamed, deps);
      const record = { ...recordOfRun(outline, collected.failures()), runId: run.runId };
      return publishRunRecord(record, origin, deps, streamed);
    },
    async abandon({ recordFollows = false } = {}) {
      const sent = await closed();
      return recordFollows ? sent : reportedPart(ids, sent, deps);
    },
  };
}

/** The signals of a run whose whole result is at hand (a skipped run: no targets). */
export async function publishRunSignals(
  result: RunResult,
  origin: RunOrigin,
  deps: PublishDeps,
  scope: { signals: SignalScope; runId?: string } = { signals: 'run' },
): Promise<SignalsReport> {
  const signals = startRunSignals(
    { ...result, runId: scope.runId ?? result.requestId },
    origin,
    deps,
    scope.signals,
  );
  for (const [index, target] of result.targets.entries()) await signals.add(target, index);
  return signals.finish(result);
}
