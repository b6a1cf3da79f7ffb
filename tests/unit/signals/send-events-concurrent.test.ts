import { EventBridgeClient, type PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SignalEvent } from '../../../handlers/signals/run-events';
import {
  createEventSender,
  MAX_CALLS_IN_FLIGHT,
  MAX_ENTRIES_PER_CALL,
} from '../../../handlers/signals/send-events';

const anEvent = (n: number): SignalEvent => ({
  detailType: 'Resource Outcome',
  detail: { instanceId: `i-${String(n).padStart(8, '0')}` } as never,
});
const events = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => anEvent(from + i));
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A PutEvents that answers only when told and, like EventBridge, refuses more than 10 entries. */
function heldCalls() {
  const eventBridge = new EventBridgeClient({ region: 'eu-west-1' });
  const answers: Array<() => void> = [];
  const sizes: number[] = [];
  eventBridge.send = ((command: PutEventsCommand) =>
    new Promise((resolve, reject) => {
      const entries = command.input.Entries ?? [];
      sizes.push(entries.length);
      answers.push(() =>
        entries.length > MAX_ENTRIES_PER_CALL
          ? reject(Object.assign(new Error('1 validation error'), { name: 'ValidationException' }))
          : resolve({
              FailedEntryCount: 0,
              Entries: entries.map((_, i) => ({ EventId: `e${i}` })),
            }),
      );
    })) as never;
  const answerOne = () => answers.shift()?.();
  const answerAll = () => {
    for (const answer of answers.splice(0)) answer();
  };
  return { eventBridge, answerOne, answerAll, sizes };
}

describe('Function: createEventSender, pushes of targets finishing together', () => {
  it('never puts more than 10 entries in a call when another push fills the call while one waits', async () => {
    // Prepare: MAX_CALLS_IN_FLIGHT calls out and a full call being filled
    const calls = heldCalls();
    const sender = createEventSender(calls.eventBridge, {
      source: 's',
      sleep: async () => undefined,
    });
    await sender.push(events(0, (MAX_CALLS_IN_FLIGHT + 1) * MAX_ENTRIES_PER_CALL));

    // Act: target A (2 events) waits to send the full call; target B (10 events) finishes meanwhile
    const a = sender.push(events(1000, 2));
    await tick();
    const b = sender.push(events(2000, MAX_ENTRIES_PER_CALL));
    await b;
    calls.answerOne();
    let settled = false;
    void a.then(() => {
      settled = true;
    });
    for (let i = 0; i < 5 && !settled; i += 1) {
      await tick();
      calls.answerAll();
    }
    await a;
    const closing = sender.close();
    for (let i = 0; i < 5; i += 1) {
      await tick();
      calls.answerAll();
    }
    const result = await closing;

    // Assess: every event sent, in calls EventBridge accepts
    expect(Math.max(...calls.sizes)).toBeLessThanOrEqual(MAX_ENTRIES_PER_CALL);
    expect(result).toEqual({ sent: 62, failed: 0 });
  });
});
