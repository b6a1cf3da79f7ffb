/**
 * An EventBridge that accepts every entry, for suites that drive the handlers: every run
 * publishes its signals, and without this the client would try the real endpoint and back off.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';

export function acceptingEventBridge() {
  const events = mockClient(EventBridgeClient);
  const accept = () =>
    events.on(PutEventsCommand).callsFake((input: { Entries?: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `event-${i}` })),
    }));
  accept();
  return {
    events,
    /** Back to accepting everything, with the recorded calls cleared. */
    reset() {
      events.reset();
      accept();
    },
  };
}
