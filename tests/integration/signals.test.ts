/**
 * A run's events over real HTTP to the local EventBridge, authorised by the packaged execution
 * role's own policy (events:PutEvents on the default bus), and what happens when EventBridge
 * refuses them: the run still succeeds, and says what was not sent.
 */
import type { RunResult } from '../../handlers/core/results';
import type { SignalsReport } from '../../handlers/signals/contract';
import { ACCOUNT_444, useHarness } from './harness';

type Reported = RunResult & { signals: SignalsReport };

describe('instances handler against the local endpoint: run events', () => {
  const harness = useHarness({ resetBeforeEach: ['events'] });

  it('puts a failed status run summary on the home default bus, as the packaged policy allows', async () => {
    // Prepare
    const fn = await harness.loadFunction();

    // Act
    const result = (await fn.invoke({ action: 'status' })) as Reported;

    // Assess
    const events = harness.endpoint.aws.events.list();
    expect(result.signals).toEqual({ eventsSent: 1, eventsFailed: 0 });
    expect(events).toEqual([
      expect.objectContaining({
        eventBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/default',
        source: 'xacct-ec2',
        detailType: 'Run Summary',
        detail: expect.objectContaining({
          stage: 'local',
          runId: result.requestId,
          outcome: 'failed',
          failedTargets: expect.arrayContaining([
            expect.objectContaining({ account: ACCOUNT_444, code: 'AccessDenied' }),
          ]),
        }),
      }),
    ]);
  });

  it('finishes the run when EventBridge refuses every entry, and reports them in the result', async () => {
    // Prepare
    const fn = await harness.loadFunction();
    harness.endpoint.aws.events.updateFaults({ failEntries: 100 });

    // Act
    const result = (await fn.invoke({ action: 'status' })) as Reported;

    // Assess
    // Every (account, region) pair of the packaged `local` stage is a target of a status run.
    const pairs = fn.config.targets.flatMap((t) => t.regions).length;
    expect(result.summary.targets).toBe(pairs);
    expect(result.signals).toEqual({ eventsSent: 0, eventsFailed: 1 });
    // The first send and the two bounded retries, then it gives up.
    expect(harness.endpoint.aws.events.calls().map((c) => c.failedEntries)).toEqual([1, 1, 1]);
  });
});
