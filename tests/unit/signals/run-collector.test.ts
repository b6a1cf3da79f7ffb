import { EMPTY_SUMMARY } from '../../../handlers/core/merge';
import type { ResourceResult, RunResult, TargetResult } from '../../../handlers/core/results';
import { MAX_LISTED_TARGETS } from '../../../handlers/signals/contract';
import { collectRunSignals } from '../../../handlers/signals/run-collector';
import { resourceOutcomeEvents } from '../../../handlers/signals/run-events';
import { recordOfResult, recordOfRun } from '../../../handlers/signals/run-record';

const ORIGIN = { kind: 'invoke' } as const;

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

/** Adds the targets as a run finishes them: in reverse request order. */
function collectedInReverse(result: RunResult) {
  const collected = collectRunSignals(result);
  [...result.targets.entries()].reverse().forEach(([index, t]) => {
    collected.add(t, index);
  });
  return collected;
}

describe('Function: collectRunSignals', () => {
  it('gives the same Resource Outcome events as the whole result, in request order', () => {
    // Prepare
    const result = aResult([target(1), target(2), target(3, { resources: [] }), target(4)]);
    const context = { stage: 'dev', origin: ORIGIN, runId: 'run-9' };

    // Act
    const events = [...collectedInReverse(result).resourceEvents(result, context)];

    // Assess
    expect(events).toEqual([...resourceOutcomeEvents(result, context)]);
    expect(events).toHaveLength(9);
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
    const record = recordOfRun(result, collectedInReverse(result).failures());

    // Assess
    expect(record).toEqual(recordOfResult(result));
    expect(record.failedTargets).toHaveLength(MAX_LISTED_TARGETS);
    // MAX_LISTED_TARGETS + 5 failed: 5 left out
    expect(record.failedTargetsOmitted).toBe(5);
  });

  it('names no resource of a status report or a dry run', () => {
    // Prepare
    const context = { stage: 'dev', origin: ORIGIN };
    const status = aResult([target(1)], { action: 'status' });
    const dryRun = aResult([target(1)], { dryRun: true });

    // Act / Assess
    expect([...collectedInReverse(status).resourceEvents(status, context)]).toEqual([]);
    expect([...collectedInReverse(dryRun).resourceEvents(dryRun, context)]).toEqual([]);
  });
});
