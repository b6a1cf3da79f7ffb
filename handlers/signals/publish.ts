/**
 * After a run: send its events, then emit its metrics (which count the events sent and failed).
 * Never throws; whatever goes wrong is in the report and the logs, not in the run's outcome.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { RunResult } from '../core/results';
import type { CoreLogger } from '../core/types';
import { eventSource, type RunOrigin, type SignalsReport } from './contract';
import { emitRunMetrics } from './emit-metrics';
import { runEvents } from './run-events';
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

export async function publishRunSignals(
  result: RunResult,
  origin: RunOrigin,
  deps: PublishDeps,
): Promise<SignalsReport> {
  let signals: SignalsReport = { eventsSent: 0, eventsFailed: 0 };
  const events = runEvents(result, { stage: deps.stage, origin });
  // The same records in the log, one line each, for Logs Insights (handlers/signals/SIGNALS.md).
  for (const event of events) deps.logger?.info(event.detailType, { signal: event.detail });
  try {
    const sent = await sendEvents(deps.eventBridge, events, {
      source: eventSource(deps.serviceName),
      ...(deps.logger ? { logger: deps.logger } : {}),
      ...deps.retry,
    });
    signals = { eventsSent: sent.sent, eventsFailed: sent.failed };
  } catch (err) {
    // sendEvents does not throw; this guards the promise that events never fail a run.
    signals = { eventsSent: 0, eventsFailed: events.length };
    deps.logger?.error('events not sent', { error: String(err) });
  }
  try {
    emitRunMetrics(deps.metrics, { result, origin, signals });
  } catch (err) {
    deps.logger?.error('metrics not emitted', {
      error: err instanceof Error ? { name: err.name, detail: err.message } : String(err),
    });
  }
  return signals;
}
