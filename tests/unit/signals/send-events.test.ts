import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { SignalEvent } from '../../../handlers/signals/run-events';
import {
  batchEntries,
  createEventSender,
  entrySize,
  MAX_BYTES_PER_CALL,
  MAX_CALLS_IN_FLIGHT,
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

describe('Function: createEventSender', () => {
  /** A PutEvents that answers only when told, counting the calls in flight. */
  function heldCalls() {
    const eventBridge = new EventBridgeClient({ region: 'eu-west-1' });
    const answers: Array<() => void> = [];
    let inFlight = 0;
    let mostInFlight = 0;
    eventBridge.send = ((command: PutEventsCommand) =>
      new Promise((resolve) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        const entries = command.input.Entries ?? [];
        answers.push(() => {
          inFlight -= 1;
          resolve({ FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `e${i}` })) });
        });
      })) as never;
    const answerAll = () => {
      for (const answer of answers.splice(0)) answer();
    };
    return { eventBridge, answerAll, mostInFlight: () => mostInFlight, waiting: () => answers };
  }

  it(`keeps at most ${MAX_CALLS_IN_FLIGHT} calls in flight: a push past them waits for one to answer`, async () => {
    // Prepare
    const calls = heldCalls();
    const sender = createEventSender(calls.eventBridge, { source: 's', ...noSleep });
    const events = (from: number) => Array.from({ length: 10 }, (_, i) => anEvent(from + i));
    for (let n = 0; n < MAX_CALLS_IN_FLIGHT + 1; n += 1) await sender.push(events(10 * n));

    // Act: the next push fills a call while MAX_CALLS_IN_FLIGHT are out
    let pushed = false;
    const push = sender.push(events(100)).then(() => {
      pushed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const waitedFor = !pushed;
    calls.answerAll();
    await push;

    // Assess
    expect(waitedFor).toBe(true);
    expect(calls.mostInFlight()).toBe(MAX_CALLS_IN_FLIGHT);
    const closing = sender.close();
    await new Promise((resolve) => setImmediate(resolve));
    calls.answerAll();
    await new Promise((resolve) => setImmediate(resolve));
    calls.answerAll();
    expect(await closing).toEqual({ sent: 60, failed: 0 });
  });

  it('sends what was pushed as calls fill, before close; close sends the rest and counts every event once', async () => {
    // Prepare
    const eventBridge = mockClient(EventBridgeClient);
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
    }));
    const sender = createEventSender(new EventBridgeClient({ region: 'eu-west-1' }), {
      source: 's',
      ...noSleep,
    });

    // Act
    await sender.push(Array.from({ length: 25 }, (_, i) => anEvent(i)));
    const beforeClose = eventBridge.commandCalls(PutEventsCommand).length;
    const counted = await sender.close();

    // Assess
    expect(beforeClose).toBe(2);
    expect(
      eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length),
    ).toEqual([10, 10, 5]);
    expect(counted).toEqual({ sent: 25, failed: 0 });
    eventBridge.restore();
  });
});
