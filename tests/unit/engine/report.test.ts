import { mergeResults } from '../../../handlers/core/merge';
import type { RunSummary, TargetResult } from '../../../handlers/core/results';
import type { EngineRun } from '../../../handlers/engine/plan';
import {
  type BatchReport,
  batchReport,
  FAILURE_BYTES_PER_BATCH,
  FAILURES_PER_BATCH,
  FAILURES_PER_RUN,
  FELL_BACK_REPORTED,
  listedFailures,
  newFallBacks,
  type RecheckReport,
  reportAfterAct,
  reportAfterRecheck,
} from '../../../handlers/engine/report';
import { engineRunRecord } from '../../../handlers/engine/run-signals';
import { runMetricValues } from '../../../handlers/signals/emit-metrics';
import { runSummaryEvent } from '../../../handlers/signals/run-events';
import { isUnderWay } from '../../../handlers/tasks/ec2/wait';

const summary = (over: Partial<RunSummary> = {}): RunSummary => ({
  targets: 1,
  targetsFailed: 0,
  targetsNotProcessed: 0,
  resources: 0,
  changed: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
  notProcessed: 0,
  ...over,
});

const report = (batch: number, over: Partial<BatchReport> = {}): BatchReport => ({
  batch,
  summary: summary({ resources: 2, changed: 2 }),
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
  return { accountId, region: 'eu-west-1', status, resources, durationMs: 1 };
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
    // Four of these 113-byte entries fit the list's 512 bytes; the eight are counted
    expect(batch.failures.map((f) => f.id)).toEqual([
      'i-00000000',
      'i-00000001',
      'i-00000002',
      'i-00000003',
    ]);
    expect(batch.summary).toMatchObject({ changed: 2, failed: 8 });
  });

  it('lists the failures that fit 512 bytes of JSON, at most 5, in order; one too long is counted, not listed', () => {
    // Prepare: EC2 failures (short IDs), one with an error code far past the budget among them
    const failure = (i: number, code = 'IncorrectInstanceState') => ({
      accountId: '222222222222',
      region: 'eu-west-1',
      type: 'ec2:instance',
      id: `i-0${String(i).padStart(16, '0')}`,
      code,
    });
    const failures = [failure(0), failure(1, 'X'.repeat(600)), failure(2), failure(3), failure(4)];

    // Act
    const listed = listedFailures(failures);

    // Assess: 0, 2 and 3 fit (three entries of 121 bytes); 4 would pass 512
    expect(listed.map((f) => f.id)).toEqual([failure(0).id, failure(2).id, failure(3).id]);
    expect(Buffer.byteLength(JSON.stringify(listed))).toBeLessThanOrEqual(FAILURE_BYTES_PER_BATCH);
    expect(Buffer.byteLength(JSON.stringify([...listed, failure(4)]))).toBeGreaterThan(
      FAILURE_BYTES_PER_BATCH,
    );
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

describe('Engine: what the run-level signals are built from', () => {
  const fellBackLook = (batch: number, ids: string[]): RecheckReport => ({
    batch,
    inTransit: 1,
    fellBack: ids.map((id) => ({
      accountId: '222222222222',
      region: 'eu-west-1',
      id,
      code: 'StartFellBack',
    })),
    fellBackTotal: ids.length,
    targetsUnreadable: 0,
  });
  const RUN: EngineRun = {
    id: 'nightly-20261201T180000Z',
    task: 'ec2',
    resourceType: 'ec2:instance',
    startedAt: '2026-12-01T18:00:00.000Z',
    dryRun: false,
    origin: { kind: 'invoke' },
    targets: 120,
    batches: 3,
  };

  it('reports each fall-back once, however many rounds see it', () => {
    // Prepare
    const first = reportAfterAct('start', [report(0, { inTransit: 3 })], 5);
    const round1 = reportAfterRecheck(first, [fellBackLook(0, ['i-0000000a'])], 5);

    // Act
    const again = newFallBacks(round1, [fellBackLook(0, ['i-0000000a', 'i-0000000b'])]);

    // Assess
    expect(newFallBacks(first, [fellBackLook(0, ['i-0000000a'])]).map((f) => f.id)).toEqual([
      'i-0000000a',
    ]);
    expect(again.map((f) => f.id)).toEqual(['i-0000000b']);
  });

  it('stops reporting fall-backs one by one past FELL_BACK_REPORTED, so the report stays bounded', () => {
    // Prepare: every batch of a large run lists its capped fall-backs
    const acted = reportAfterAct('start', [report(0, { inTransit: 1 })], 5);
    const looks = Array.from({ length: 30 }, (_, b) =>
      fellBackLook(
        b,
        Array.from({ length: FAILURES_PER_BATCH }, (_, i) => `i-${b}-${i}`),
      ),
    );

    // Act
    const next = reportAfterRecheck(acted, looks, 5);

    // Assess
    expect(next.fellBackReported).toHaveLength(FELL_BACK_REPORTED);
    expect(newFallBacks(next, [fellBackLook(99, ['i-new'])])).toEqual([]);
  });

  it('counts the fall-backs left without a Resource Outcome in the one Run Summary', () => {
    // Prepare: 30 batches of 5 fall-backs listed, each batch finding 2 more it only counts
    const acted = reportAfterAct('start', [report(0, { inTransit: 1 })], 5);
    const looks = Array.from({ length: 30 }, (_, b) => ({
      ...fellBackLook(
        b,
        Array.from({ length: FAILURES_PER_BATCH }, (_, i) => `i-${b}-${i}`),
      ),
      fellBackTotal: FAILURES_PER_BATCH + 2,
    }));
    const next = { ...reportAfterRecheck(acted, looks, 0), waitMore: false };

    // Act
    const record = engineRunRecord(next, RUN, Date.parse(RUN.startedAt));

    // Assess: 210 found, 100 sent one by one, 110 counted here
    expect(record.engine?.fellBackNotReported).toBe(
      30 * (FAILURES_PER_BATCH + 2) - FELL_BACK_REPORTED,
    );
  });

  it('builds the run record: failures split into targets and resources, the rest counted, a lost item fails the run', () => {
    // Prepare: 30 failed targets reported, FAILURES_PER_RUN of them listed; one item lost
    const failures = Array.from({ length: 30 }, (_, i) => ({
      accountId: String(200000000000 + i),
      region: 'eu-west-1',
      code: 'AccessDenied',
    }));
    const finished = reportAfterAct(
      'stop',
      [
        report(0, {
          summary: summary({ targets: 40, targetsFailed: 30, changed: 2 }),
          failures,
          failuresTotal: 30,
        }),
        { batch: 2, failedItem: { error: 'States.TaskFailed' } },
      ],
      0,
    );

    // Act
    const record = engineRunRecord(finished, RUN, Date.parse('2026-12-01T18:02:00.000Z'));

    // Assess
    expect(record).toMatchObject({
      runId: RUN.id,
      outcome: 'failed',
      durationMs: 120_000,
      counts: { targets: 120, targetsFailed: 30, changed: 2 },
      failedTargetsOmitted: 30 - FAILURES_PER_RUN,
      failedResources: [],
      failedResourcesOmitted: 0,
      engine: { batches: 3, checks: 0, itemsFailed: 1, inTransit: 0 },
    });
    expect(record.failedTargets).toHaveLength(FAILURES_PER_RUN);
    expect(record.counts).not.toHaveProperty('itemsFailed');
  });

  it('calls a run with nothing failed but a lost work item failed, and a clean one succeeded', () => {
    // Prepare
    const clean = reportAfterAct('stop', [report(0)], 0);
    const lost = reportAfterAct('stop', [report(0), { batch: 1, failedItem: { error: 'x' } }], 0);

    // Act
    const outcomes = [clean, lost].map((r) => engineRunRecord(r, RUN, Date.now()).outcome);

    // Assess
    expect(outcomes).toEqual(['succeeded', 'failed']);
  });

  it('carries the snooze counts of every batch into the Run Summary and metrics, as a single invocation does', () => {
    // Prepare: two batches, one with a honoured and an expired snooze, one with an ignored one
    const snoozed = (id: string, snooze: TargetResult['resources'][number]['snooze']) => ({
      type: 'ec2:instance',
      id,
      outcome: 'skipped' as const,
      snooze,
    });
    const batchOf = (n: number, resources: TargetResult['resources']) =>
      batchReport(
        n,
        mergeResults([{ result: target('222222222222', resources), foundIds: [] }]),
        () => false,
      );
    const first = batchOf(0, [
      snoozed('i-0000000a', { status: 'honoured', until: '2026-12-02T08:00:00.000Z' }),
      {
        ...snoozed('i-0000000b', {
          status: 'expired',
          detail: 'expired at 2026-11-30T08:00:00.000Z',
        }),
        outcome: 'changed',
      },
    ]);
    const second = batchOf(1, [
      {
        ...snoozed('i-0000000c', { status: 'ignored', detail: 'too distant' }),
        outcome: 'changed',
      },
      { type: 'ec2:instance', id: 'i-0000000d', outcome: 'changed' },
    ]);
    const plain = batchOf(2, [{ type: 'ec2:instance', id: 'i-0000000e', outcome: 'changed' }]);
    const acted = reportAfterAct('stop', [first, second, plain], 5);

    // Act
    const record = engineRunRecord(acted, RUN, Date.parse(RUN.startedAt));
    const unsnoozed = engineRunRecord(reportAfterAct('stop', [plain], 5), RUN, Date.now());

    // Assess
    expect([first.snoozes, second.snoozes, plain.snoozes]).toEqual([
      { honoured: 1, ignored: 0, expired: 1 },
      { honoured: 0, ignored: 1, expired: 0 },
      undefined,
    ]);
    expect(record.snoozes).toEqual({ honoured: 1, ignored: 1, expired: 1 });
    expect(runSummaryEvent(record, { stage: 'local', origin: RUN.origin }).detail).toMatchObject({
      snoozes: { honoured: 1, ignored: 1, expired: 1 },
    });
    expect(runMetricValues(record, { eventsSent: 1, eventsFailed: 0 })).toMatchObject({
      SnoozesHonoured: 1,
      SnoozesIgnored: 1,
      SnoozesExpired: 1,
    });
    expect(unsnoozed).not.toHaveProperty('snoozes');
  });
});
