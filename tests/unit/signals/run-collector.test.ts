import { EMPTY_SUMMARY } from '../../../handlers/core/merge';
import type { ResourceResult, RunResult, TargetResult } from '../../../handlers/core/results';
import { MAX_LISTED_TARGETS } from '../../../handlers/signals/contract';
import { collectRunSignals } from '../../../handlers/signals/run-collector';
import {
  hasResourceEvent,
  type RunEventsContext,
  resourceOutcomeEvent,
  type SignalEvent,
} from '../../../handlers/signals/run-events';
import { recordOfResult, recordOfRun } from '../../../handlers/signals/run-record';

const ORIGIN = { kind: 'invoke' } as const;

/** The oracle: every Resource Outcome event of a whole result, in request order. */
function* resourceOutcomeEvents(
  result: RunResult,
  context: RunEventsContext & { runId: string },
): Generator<SignalEvent> {
  const run = { task: result.task, action: result.action, runId: context.runId };
  for (const target of result.targets) {
    for (const resource of target.resources) {
      if (hasResourceEvent(resource)) yield resourceOutcomeEvent(run, target, resource, context);
    }
  }
}

function resource(id: string, fields: Partial<ResourceResult> = {}): ResourceResult {
  return { type: 'ec2:instance', id, outcome: 'changed', ...fields };
}

function target(n: number, fields: Partial<TargetResult> = {}): TargetResult {
  return {
    accountId: String(200000000000 + n),
    region: 'eu-west-1',
    status: 'ok',
    durationMs: 5,
    resources: [
      resource(`i-${n}a`, { name: `web-${n}`, previousState: 'running', currentState: 'stopping' }),
      resource(`i-${n}b`, { outcome: 'unchanged', currentState: 'stopped' }),
      resource(`i-${n}c`, { outcome: 'failed', reason: 'refused', code: 'UnauthorizedOperation' }),
      resource(`i-${n}d`, { outcome: 'not-processed', reason: 'out of time' }),
    ],
    ...fields,
  };
}

function aResult(targets: TargetResult[], fields: Partial<RunResult> = {}): RunResult {
  return {
    version: 2,
    task: 'ec2',
    action: 'stop',
    dryRun: false,
    requestId: 'req-1',
    startedAt: '2026-12-01T00:00:00.000Z',
    durationMs: 100,
    summary: { ...EMPTY_SUMMARY, targets: targets.length },
    targets,
    unmatchedIds: [],
    ...fields,
  };
}

const CONTEXT = { stage: 'dev', origin: ORIGIN };

/** Adds the targets as a run finishes them, in reverse request order; keeps what it was sent. */
function collectedInReverse(result: RunResult, runId = 'run-9') {
  const sent: SignalEvent[][] = [];
  const collected = collectRunSignals({ ...result, runId }, CONTEXT, async (events) => {
    sent.push(events);
  });
  [...result.targets.entries()].reverse().forEach(([index, t]) => {
    collected.add(t, index);
  });
  return { collected, sent };
}

describe('Function: collectRunSignals', () => {
  it("hands on each target's Resource Outcome events as it finishes: those of the whole result", () => {
    // Prepare
    const result = aResult([target(1), target(2), target(3, { resources: [] }), target(4)]);

    // Act
    const { sent } = collectedInReverse(result);

    // Assess: one send per target with events, in the order they finished
    const whole = [...resourceOutcomeEvents(result, { ...CONTEXT, runId: 'run-9' })];
    expect(sent.map((events) => events.length)).toEqual([3, 3, 3]);
    expect(sent.flat()).toEqual([...whole.slice(6), ...whole.slice(3, 6), ...whole.slice(0, 3)]);
  });

  it('lists the first failed targets in request order and counts them all, as the whole result does', () => {
    // Prepare: more failed targets than a record lists, every other one failed
    const targets = Array.from({ length: 2 * MAX_LISTED_TARGETS + 10 }, (_, n) =>
      n % 2 === 0
        ? target(n)
        : target(n, {
            status: 'failed',
            resources: [],
            error: { code: 'AccessDenied', message: 'no', checks: [] },
          }),
    );
    const result = aResult(targets);

    // Act
    const record = recordOfRun(result, collectedInReverse(result).collected.failures());

    // Assess
    expect(record).toEqual(recordOfResult(result));
    expect(record.failedTargets).toHaveLength(MAX_LISTED_TARGETS);
    // MAX_LISTED_TARGETS + 5 failed: 5 left out
    expect(record.failedTargetsOmitted).toBe(5);
  });

  it('names no resource of a status report or a dry run', () => {
    // Prepare
    const status = aResult([target(1)], { action: 'status' });
    const dryRun = aResult([target(1)], { dryRun: true });

    // Act / Assess
    expect(collectedInReverse(status).sent).toEqual([]);
    expect(collectedInReverse(dryRun).sent).toEqual([]);
  });

  it('builds no event when the run sends none (an engine re-check)', () => {
    // Prepare
    const result = aResult([target(1)]);
    const collected = collectRunSignals({ ...result, runId: 'run-9' }, CONTEXT);

    // Act / Assess
    expect(collected.add(target(1), 0)).toBeUndefined();
  });
});
