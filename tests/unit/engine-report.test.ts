import { mergeResults } from '../../handlers/core/merge';
import type { RunSummary, TargetResult } from '../../handlers/core/results';
import {
  type BatchReport,
  batchReport,
  FAILURES_PER_BATCH,
  reportAfterAct,
  reportAfterRecheck,
} from '../../handlers/engine/report';
import { isUnderWay } from '../../handlers/tasks/ec2/wait';

const summary = (over: Partial<RunSummary> = {}): RunSummary => ({
  targets: 1,
  targetsFailed: 0,
  targetsNotProcessed: 0,
  resources: 0,
  instances: 0,
  changed: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
  notProcessed: 0,
  ...over,
});

const report = (batch: number, over: Partial<BatchReport> = {}): BatchReport => ({
  batch,
  summary: summary({ resources: 2, instances: 2, changed: 2 }),
  inTransit: 0,
  failures: [],
  failuresTotal: 0,
  ...over,
});

function target(
  accountId: string,
  resources: TargetResult['resources'],
  status: TargetResult['status'] = 'ok',
): TargetResult {
  return { accountId, region: 'eu-west-1', status, resources, instances: [], durationMs: 1 };
}

describe('Engine: batch reports', () => {
  it('counts instances in transit and caps the listed failures', () => {
    // Prepare
    const failed = Array.from({ length: 8 }, (_, i) => ({
      type: 'ec2:instance',
      id: `i-0000000${i}`,
      outcome: 'failed' as const,
      code: 'IncorrectInstanceState',
    }));
    const merged = mergeResults([
      {
        result: target('222222222222', [
          { type: 'ec2:instance', id: 'i-0000000a', outcome: 'changed', currentState: 'stopping' },
          { type: 'ec2:instance', id: 'i-0000000b', outcome: 'changed', currentState: 'stopped' },
          ...failed,
        ]),
        foundIds: [],
      },
    ]);

    // Act
    const batch = batchReport(3, merged, (r) => isUnderWay('stop', r));

    // Assess
    expect(batch).toMatchObject({ batch: 3, inTransit: 1, failuresTotal: 8 });
    expect(batch.failures).toHaveLength(FAILURES_PER_BATCH);
    expect(batch.summary).toMatchObject({ changed: 2, failed: 8 });
  });

  it('stays far under 256 KB for 200 work items with full failure lists', () => {
    // Prepare
    const failures = Array.from({ length: FAILURES_PER_BATCH }, (_, i) => ({
      accountId: '222222222222',
      region: 'ap-southeast-3',
      id: `i-0${String(i).padStart(16, '0')}`,
      code: 'Server.InsufficientInstanceCapacity',
    }));
    const results = Array.from({ length: 200 }, (_, batch) =>
      report(batch, {
        failures,
        failuresTotal: 50,
        summary: summary({ targets: 50, resources: 99_999 }),
      }),
    );

    // Act
    const bytes = Buffer.byteLength(JSON.stringify(results));
    const summaryBytes = Buffer.byteLength(JSON.stringify(reportAfterAct('stop', results, 20)));

    // Assess
    expect(bytes).toBeLessThan(200 * 1024);
    expect(summaryBytes).toBeLessThan(32 * 1024);
  });
});

describe('Engine: the summary state', () => {
  it('adds the items, lists failed items, and waits while instances are in transit', () => {
    // Act
    const first = reportAfterAct(
      'stop',
      [
        report(0, { inTransit: 2 }),
        report(1),
        { batch: 2, failedItem: { error: 'States.Timeout' } },
      ],
      3,
    );

    // Assess
    expect(first.summary).toMatchObject({ targets: 2, changed: 4, inTransit: 2, itemsFailed: 1 });
    expect(first.failedItems).toEqual([2]);
    expect(first.pending).toEqual([{ batch: 0, inTransit: 2, fellBack: 0, targetsFailed: 0 }]);
    expect(first.waitMore).toBe(true);
  });

  it('stops waiting once the re-checks see no instance in transit', () => {
    // Prepare
    const first = reportAfterAct('stop', [report(0, { inTransit: 2 })], 3);

    // Act
    const next = reportAfterRecheck(
      first,
      [{ batch: 0, inTransit: 0, fellBack: [], fellBackTotal: 0, targetsUnreadable: 0 }],
      3,
    );

    // Assess
    expect(next).toMatchObject({ checks: 1, waitMore: false, pending: [] });
    expect(next.summary).toMatchObject({ changed: 2, inTransit: 0 });
  });

  it('moves a start that fell back from changed to failed, once, however often it is seen', () => {
    // Prepare
    const fell = {
      accountId: '222222222222',
      region: 'eu-west-1',
      id: 'i-0000000a',
      code: 'StartFellBack',
    };
    const first = reportAfterAct('start', [report(0, { inTransit: 2 })], 5);

    // Act
    const second = reportAfterRecheck(
      first,
      [{ batch: 0, inTransit: 1, fellBack: [fell], fellBackTotal: 1, targetsUnreadable: 0 }],
      5,
    );
    const third = reportAfterRecheck(
      second,
      [{ batch: 0, inTransit: 0, fellBack: [fell], fellBackTotal: 1, targetsUnreadable: 0 }],
      5,
    );

    // Assess
    expect(second.summary).toMatchObject({ changed: 1, failed: 1, inTransit: 1 });
    expect(third.summary).toMatchObject({ changed: 1, failed: 1, inTransit: 0 });
    expect(third.failures).toEqual([fell]);
    expect(third.failuresTotal).toBe(1);
    expect(third.waitMore).toBe(false);
  });

  it('gives up after maxChecks and reports what is still in transit, not a failure', () => {
    // Prepare
    const first = reportAfterAct('stop', [report(0, { inTransit: 2 })], 1);

    // Act
    const last = reportAfterRecheck(
      first,
      [{ batch: 0, inTransit: 2, fellBack: [], fellBackTotal: 0, targetsUnreadable: 0 }],
      1,
    );

    // Assess
    expect(last).toMatchObject({ checks: 1, waitMore: false });
    expect(last.summary).toMatchObject({ changed: 2, failed: 0, inTransit: 2 });
  });

  it('looks again at a batch whose re-check failed', () => {
    // Prepare
    const first = reportAfterAct('stop', [report(0, { inTransit: 2 })], 5);

    // Act
    const next = reportAfterRecheck(
      first,
      [{ batch: 0, failedItem: { error: 'Lambda.Unknown' } }],
      5,
    );

    // Assess
    expect(next.pending).toEqual([{ batch: 0, inTransit: 2, fellBack: 0, targetsFailed: 0 }]);
    expect(next.waitMore).toBe(true);
  });

  it('does not wait for targets that already failed at the act, but looks again at one that became unreadable', () => {
    // Prepare: a batch whose refused target cannot be read by any look
    const first = reportAfterAct(
      'stop',
      [report(0, { inTransit: 2, summary: summary({ targets: 3, targetsFailed: 1, changed: 2 }) })],
      5,
    );
    const look = (targetsUnreadable: number) => ({
      batch: 0,
      inTransit: 0,
      fellBack: [],
      fellBackTotal: 0,
      targetsUnreadable,
    });

    // Act
    const settled = reportAfterRecheck(first, [look(1)], 5);
    const blind = reportAfterRecheck(first, [look(2)], 5);

    // Assess
    expect(settled).toMatchObject({ pending: [], waitMore: false });
    expect(blind.pending).toEqual([{ batch: 0, inTransit: 0, fellBack: 0, targetsFailed: 1 }]);
    expect(blind.waitMore).toBe(true);
  });
});
