import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { SignalEvent } from '../../../handlers/signals/run-events';
import {
  batchEntries,
  entrySize,
  MAX_BYTES_PER_CALL,
  sendEvents,
} from '../../../handlers/signals/send-events';
import { awsError } from '../../helpers/errors';

const anEvent = (n: number, padding = 0): SignalEvent => ({
  detailType: 'Resource Outcome',
  detail: { instanceId: `i-${String(n).padStart(8, '0')}`, pad: 'x'.repeat(padding) } as never,
});
const noSleep = { sleep: async () => undefined };

describe('Function: batchEntries', () => {
  it('puts at most 10 entries in a call', () => {
    // Prepare
    const entries = Array.from({ length: 23 }, (_, i) => ({ Source: 's', Detail: `{"n":${i}}` }));

    // Act
    const batches = batchEntries(entries);

    // Assess
    expect(batches.map((b) => b.length)).toEqual([10, 10, 3]);
  });

  it('starts a new call before the entries would pass 256 KB', () => {
    // Prepare
    const big = { Source: 's', DetailType: 'd', Detail: 'x'.repeat(100 * 1024) };

    // Act
    const batches = batchEntries([big, big, big, big]);

    // Assess
    expect(batches.map((b) => b.length)).toEqual([2, 2]);
    for (const batch of batches) {
      expect(batch.reduce((n, e) => n + entrySize(e), 0)).toBeLessThanOrEqual(MAX_BYTES_PER_CALL);
    }
  });
});

describe('Function: sendEvents', () => {
  const eventsMock = mockClient(EventBridgeClient);
  const client = new EventBridgeClient({ region: 'eu-west-1' });

  beforeEach(() => eventsMock.reset());

  it('sends again only the entries EventBridge refused, and counts them sent once accepted', async () => {
    // Prepare
    eventsMock
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }, { EventId: 'c' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });

    // Act
    const result = await sendEvents(client, [anEvent(1), anEvent(2), anEvent(3)], {
      source: 'xacct-ec2',
      ...noSleep,
    });

    // Assess
    expect(result).toEqual({ sent: 3, failed: 0 });
    const calls = eventsMock.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    expect(
      calls[1]?.args[0].input.Entries?.map((e) => JSON.parse(e.Detail ?? '').instanceId),
    ).toEqual(['i-00000002']);
  });

  it('gives up on an entry refused every time after the bounded attempts', async () => {
    // Prepare
    eventsMock
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });

    // Act
    const result = await sendEvents(client, [anEvent(1)], {
      source: 'xacct-ec2',
      entryAttempts: 3,
      ...noSleep,
    });

    // Assess
    expect(result).toEqual({ sent: 0, failed: 1 });
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('counts an entry over 256 KB as failed without sending it, and sends the rest', async () => {
    // Prepare
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'a' }] });

    // Act
    const result = await sendEvents(client, [anEvent(1, 300 * 1024), anEvent(2)], {
      source: 'xacct-ec2',
      ...noSleep,
    });

    // Assess
    expect(result).toEqual({ sent: 1, failed: 1 });
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(1);
  });

  it('does not throw when the call itself fails; the batch counts as failed', async () => {
    // Prepare
    eventsMock.on(PutEventsCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await sendEvents(
      client,
      Array.from({ length: 12 }, (_, i) => anEvent(i)),
      { source: 'xacct-ec2', ...noSleep },
    );

    // Assess
    expect(result).toEqual({ sent: 0, failed: 12 });
  });
});
