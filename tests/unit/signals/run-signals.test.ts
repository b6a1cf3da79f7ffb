/**
 * A run's signals when it ends without an outline (handlers/signals/publish.ts `abandon`): the
 * events it already sent are counted once, in the record that follows (a refused run's Run
 * Summary) or else in event metrics, never in neither.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { TargetResult } from '../../../handlers/core/results';
import { startRunSignals } from '../../../handlers/signals/publish';
import { acceptingEventBridge } from '../../helpers/event-bridge';

/** The metric calls a run's signals make, by name. */
function recordingMetrics() {
  const added: Record<string, number> = {};
  let published = 0;
  const metrics = {
    addDimension: () => undefined,
    addMetadata: () => undefined,
    addMetric: (name: string, _unit: unknown, value: number) => {
      added[name] = (added[name] ?? 0) + value;
    },
    publishStoredMetrics: () => {
      published += 1;
    },
  } as unknown as Metrics;
  return { metrics, added, published: () => published };
}

const RUN = { task: 'ec2', action: 'stop' as const, dryRun: false, runId: 'run-1' };
const A_CHANGED_TARGET: TargetResult = {
  accountId: '222222222222',
  region: 'eu-west-1',
  status: 'ok',
  durationMs: 5,
  resources: [
    { type: 'ec2:instance', id: 'i-0000000a', outcome: 'changed', currentState: 'stopping' },
  ],
};

describe('Function: startRunSignals, a run that ends without an outline', () => {
  const eventBridge = acceptingEventBridge();
  beforeEach(() => eventBridge.reset());

  function started() {
    const recorded = recordingMetrics();
    const signals = startRunSignals(
      RUN,
      { kind: 'invoke' },
      {
        metrics: recorded.metrics,
        eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
        serviceName: 'xacct-ec2',
        stage: 'test',
      },
    );
    return { signals, ...recorded };
  }

  it('sends what the run handed on and counts it in event metrics when no record follows (a fault)', async () => {
    // Prepare
    const { signals, added, published } = started();
    await signals.add(A_CHANGED_TARGET, 0);

    // Act
    const sent = await signals.abandon();

    // Assess
    expect(sent).toEqual({ eventsSent: 1, eventsFailed: 0 });
    expect(eventBridge.events.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(added).toEqual({ EventsSent: 1, EventsFailed: 0 });
    expect(published()).toBe(1);
  });

  it('leaves the counts to the record that follows (a refused run), emitting nothing itself', async () => {
    // Prepare
    const { signals, added, published } = started();
    await signals.add(A_CHANGED_TARGET, 0);

    // Act
    const sent = await signals.abandon({ recordFollows: true });

    // Assess
    expect(sent).toEqual({ eventsSent: 1, eventsFailed: 0 });
    expect(added).toEqual({});
    expect(published()).toBe(0);
  });
});
