/**
 * PutEvents within its limits: at most 10 entries and 256 KB per call (an entry's size counts its
 * Source, DetailType, Detail and EventBusName in UTF-8 bytes). Entries EventBridge reports as
 * failed (FailedEntryCount, per-entry ErrorCode) are sent again a bounded number of times.
 * Never throws: events must not fail the run. What could not be sent is counted and logged.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { CoreLogger } from '../core/types';
import type { SignalEvent } from './run-events';

export const MAX_ENTRIES_PER_CALL = 10;
/**
 * EventBridge took 1 MB per call from 2026-01-29 (AWS Compute Blog, "More room to build: serverless
 * services now support payloads up to 1 MB"); calls stay at 256 KB, the limit some EventBridge
 * pages (eb-putevent-size) still state, so a run's events fit wherever those pages still hold.
 */
export const MAX_BYTES_PER_CALL = 256 * 1024;
/** Sends of an entry EventBridge refused, first one included. */
export const DEFAULT_ENTRY_ATTEMPTS = 3;

export interface SendEventsOptions {
  source: string;
  logger?: CoreLogger;
  /** Attempts per entry that EventBridge reports as failed (first one included). */
  entryAttempts?: number;
  /** Pause before re-sending failed entries; grows with each attempt. */
  backoffMs?: (attempt: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SendEventsResult {
  sent: number;
  failed: number;
}

/** Size of an entry as EventBridge counts it against the 256 KB limits. */
export function entrySize(entry: PutEventsRequestEntry): number {
  const fields = [entry.Source, entry.DetailType, entry.Detail, entry.EventBusName];
  return fields.reduce((n, f) => n + (f ? Buffer.byteLength(f, 'utf8') : 0), 0);
}

/** Groups entries into calls of at most 10 entries and 256 KB. */
export function batchEntries(entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const batches: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (current.length === MAX_ENTRIES_PER_CALL || bytes + size > MAX_BYTES_PER_CALL) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One call; returns the entries to send again (refused ones), or throws if the call failed. */
async function putOnce(
  client: EventBridgeClient,
  batch: PutEventsRequestEntry[],
): Promise<{ refused: PutEventsRequestEntry[]; codes: string[] }> {
  const output = await client.send(new PutEventsCommand({ Entries: batch }));
  if (!output.FailedEntryCount) return { refused: [], codes: [] };
  const refused: PutEventsRequestEntry[] = [];
  const codes: string[] = [];
  batch.forEach((entry, index) => {
    const answer = output.Entries?.[index];
    // An entry without an EventId failed, whether or not it carries an ErrorCode.
    if (!answer?.EventId) {
      refused.push(entry);
      codes.push(answer?.ErrorCode ?? 'Unknown');
    }
  });
  return { refused, codes };
}

/** PutEvents calls a sender keeps in flight at once: pushing more waits for one of them. */
export const MAX_CALLS_IN_FLIGHT = 4;

/**
 * Events sent while a run goes on: each target's events are pushed as it finishes, and a call
 * leaves as soon as it is full. The sender holds at most the calls in flight and the one being
 * filled, so a run with 100,000 resource outcomes never holds them all (memory bounded, not by
 * the fleet), and the calls overlap the run instead of following it.
 */
export interface EventSender {
  /** Adds events to the calls; resolves once they are in one, after waiting while too many are in flight. */
  push(events: Iterable<SignalEvent>): Promise<void>;
  /** Sends the call being filled, waits for every call, sends refused entries again, and counts. */
  close(): Promise<SendEventsResult>;
}

export function createEventSender(
  client: EventBridgeClient,
  options: SendEventsOptions,
): EventSender {
  const attempts = options.entryAttempts ?? DEFAULT_ENTRY_ATTEMPTS;
  const backoff = options.backoffMs ?? ((attempt: number) => 100 * 2 ** (attempt - 1));
  const sleep = options.sleep ?? defaultSleep;
  let sent = 0;
  let failed = 0;
  let tooLarge = 0;
  // Entries EventBridge refused: sent again by close(). At most the refused ones, not the run's.
  let pending: PutEventsRequestEntry[] = [];
  const inFlight = new Set<Promise<void>>();

  const sendBatch = async (batch: PutEventsRequestEntry[], attempt: number) => {
    try {
      const { refused, codes } = await putOnce(client, batch);
      sent += batch.length - refused.length;
      pending.push(...refused);
      if (refused.length > 0) {
        options.logger?.warn('events refused', { attempt, count: refused.length, codes });
      }
    } catch (err) {
      // The SDK already retried the call itself; the whole batch counts as not sent.
      failed += batch.length;
      options.logger?.warn('events not sent', {
        attempt,
        count: batch.length,
        error: err instanceof Error ? { name: err.name, detail: err.message } : String(err),
      });
    }
  };

  /** Starts a call once fewer than MAX_CALLS_IN_FLIGHT are out; sendBatch never rejects. */
  const dispatch = async (batch: PutEventsRequestEntry[]) => {
    while (inFlight.size >= MAX_CALLS_IN_FLIGHT) await Promise.race(inFlight);
    const call: Promise<void> = sendBatch(batch, 1).finally(() => inFlight.delete(call));
    inFlight.add(call);
  };

  let batch: PutEventsRequestEntry[] = [];
  let bytes = 0;
  /** Sends the call being filled and starts an empty one. */
  const flush = () => {
    const full = batch;
    batch = [];
    bytes = 0;
    return dispatch(full);
  };
  return {
    async push(events) {
      for (const event of events) {
        const entry: PutEventsRequestEntry = {
          Source: options.source,
          DetailType: event.detailType,
          Detail: JSON.stringify(event.detail),
        };
        const size = entrySize(entry);
        if (size > MAX_BYTES_PER_CALL) {
          tooLarge += 1;
          continue;
        }
        // A loop, not an if: while this push waits for a call in flight, another push (a target
        // finishing meanwhile) may fill the call being filled again.
        while (batch.length >= MAX_ENTRIES_PER_CALL || bytes + size > MAX_BYTES_PER_CALL) {
          await flush();
        }
        batch.push(entry);
        bytes += size;
      }
    },
    async close() {
      if (batch.length > 0) await flush();
      while (inFlight.size > 0) await Promise.race(inFlight);
      if (tooLarge > 0) {
        failed += tooLarge;
        options.logger?.warn('events too large to send', { count: tooLarge });
        tooLarge = 0;
      }
      for (let attempt = 2; pending.length > 0 && attempt <= attempts; attempt += 1) {
        await sleep(backoff(attempt - 1));
        const again = pending;
        pending = [];
        for (const retry of batchEntries(again)) await sendBatch(retry, attempt);
      }
      failed += pending.length;
      pending = [];
      return { sent, failed };
    },
  };
}

/** Sends a set of events at once: a sender pushed once, then closed. */
export async function sendEvents(
  client: EventBridgeClient,
  events: Iterable<SignalEvent>,
  options: SendEventsOptions,
): Promise<SendEventsResult> {
  const sender = createEventSender(client, options);
  await sender.push(events);
  return sender.close();
}
