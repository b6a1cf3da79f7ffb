/**
 * Every state of the engine's parent stays under the 256 KiB Step Functions allows a state's input
 * or output. Past it the execution fails with States.DataLimitExceeded, which no Catch sees
 * (Step Functions Developer Guide, "Error handling": States.ALL does not catch it), so the run
 * would end without its Run Summary. Each state is built here at its largest: 200 work items
 * (DEFAULT_SIZING.maxBatches), every count at five digits, every list full, identifiers at RDS's
 * 63 characters, and the largest request the engine takes (request-size.ts). The state shapes
 * follow resources/home-stack/engine/state-machine.asl.yml.
 */
import type { RunSummary } from '../../../handlers/core/results';
import { DEFAULT_SIZING } from '../../../handlers/engine/batches';
import type { Plan } from '../../../handlers/engine/plan';
import {
  type BatchReport,
  type EngineReport,
  FAILURES_PER_BATCH,
  FAILURES_PER_RUN,
  type FailureEntry,
  FELL_BACK_REPORTED,
  listedFailures,
  type RecheckReport,
  reportAfterAct,
  reportAfterRecheck,
} from '../../../handlers/engine/report';
import {
  engineRequestSizeProblem,
  MAX_ENGINE_REQUEST_BYTES,
} from '../../../handlers/engine/request-size';
import type { WorkItem } from '../../../handlers/engine/survey-report';

/** Step Functions' limit on a state's input or output (quotas: 256 KiB). */
const STATE_LIMIT_BYTES = 256 * 1024;
/**
 * A caught error as a Catch's ResultPath writes it: Step Functions caps its Cause at 32,768
 * characters (quotas), and a Lambda error's Cause is its JSON with the stack trace.
 */
const LARGEST_FAILURE = {
  Error: 'Lambda.Unknown',
  Cause: 'c'.repeat(32_768),
};
const BATCHES = DEFAULT_SIZING.maxBatches;
const GROUP_SIZE = 10;
const bytes = (state: unknown) => Buffer.byteLength(JSON.stringify(state));

/** The longest identifiers a failure can name: an RDS cluster's 63 characters, a long Region. */
const worstFailure = (n: number): FailureEntry => ({
  accountId: '123456789012',
  region: 'ap-southeast-5',
  type: 'rds:cluster',
  id: `db-${String(n).padStart(60, 'x')}`,
  state: 'inaccessible-encryption-credentials-recoverable',
  code: 'InvalidDBClusterStateFault',
});

const fullSummary: RunSummary = {
  targets: 99_999,
  targetsFailed: 99_999,
  targetsNotProcessed: 99_999,
  resources: 99_999,
  changed: 99_999,
  unchanged: 99_999,
  skipped: 99_999,
  failed: 99_999,
  notProcessed: 99_999,
};

/** A request of exactly the most the engine takes. */
function largestRequest(): Record<string, unknown> {
  const request = { task: 'rds', action: 'stop', dbInstanceIdentifiers: [] as string[] };
  let n = 0;
  while (bytes(request) < MAX_ENGINE_REQUEST_BYTES - 80) {
    request.dbInstanceIdentifiers.push(`db-${String(n++).padStart(60, 'x')}`);
  }
  return request;
}

function largestPlan(): Plan {
  const work: WorkItem[] = Array.from({ length: BATCHES }, (_, batch) => ({
    batch,
    approvedChanges: 99_999,
  }));
  const origin = {
    kind: 'http' as const,
    callerArn: `arn:aws:sts::123456789012:assumed-role/${'r'.repeat(64)}/${'s'.repeat(64)}`,
  };
  return {
    action: 'stop',
    origin,
    targets: 99_999,
    run: {
      id: 'x'.repeat(80),
      task: 'rds',
      resourceType: 'rds:cluster',
      startedAt: '2026-12-07T09:00:00.000Z',
      dryRun: false,
      origin,
      targets: 99_999,
      batches: BATCHES,
    },
    targetsPerBatch: 50,
    batches: work.map(({ batch }) => ({ batch })),
    survey: true,
    work,
    guard: {
      verdict: 'approved',
      action: 'stop',
      resources: 99_999,
      byType: { 'rds:db': 99_999, 'rds:cluster': 99_999 },
      resourceType: 'rds:cluster',
      targets: 99_999,
      limit: 99_999,
      confirmCount: 99_999,
      targetsUnsurveyed: 99_999,
      itemsFailed: [],
    } as unknown as Plan['guard'],
    waitSeconds: 720,
    maxChecks: 20,
  };
}

const groupsOf = <T>(items: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / GROUP_SIZE) }, (_, g) =>
    items.slice(g * GROUP_SIZE, (g + 1) * GROUP_SIZE),
  );

const worstList = (batch: number) =>
  listedFailures(
    Array.from({ length: FAILURES_PER_BATCH * 3 }, (_, i) => worstFailure(batch * 100 + i)),
  );

/** A work item's result with every field at its largest (Work's output, report.ts). */
const largestBatchReport = (batch: number): BatchReport => ({
  batch,
  summary: fullSummary,
  inTransit: 99_999,
  failures: worstList(batch),
  failuresTotal: 99_999,
  refused: { approved: 99_999, resources: 99_999 },
  snoozes: { honoured: 99_999, ignored: 99_999, expired: 99_999 },
  dryRunChanges: 99_999,
  dryRunChangesByType: { 'rds:db': 99_999, 'rds:cluster': 99_999 },
});

/** A re-check's result at its largest (RecheckBatch's output). */
const largestRecheck = (batch: number): RecheckReport => ({
  batch,
  inTransit: 99_999,
  fellBack: worstList(batch),
  fellBackTotal: 99_999,
  targetsUnreadable: 99_999,
});

describe('Engine: every state of the parent stays under 256 KiB at its largest (States.DataLimitExceeded is caught by no Catch)', () => {
  const request = largestRequest();
  const plan = largestPlan();
  const groups = groupsOf(plan.work);
  const acted = Array.from({ length: BATCHES }, (_, batch) => largestBatchReport(batch));
  const afterAct: EngineReport = {
    ...reportAfterAct('stop', acted, 20),
    failures: Array.from({ length: FAILURES_PER_RUN }, (_, i) => worstFailure(i)),
  };
  const rechecked = Array.from({ length: BATCHES }, (_, batch) => largestRecheck(batch));
  const afterRecheck: EngineReport = {
    ...reportAfterRecheck(afterAct, rechecked, 20),
    fellBackReported: Array.from({ length: FELL_BACK_REPORTED }, (_, i) => {
      const f = worstFailure(i);
      return `${f.accountId}/${f.region}/${f.type}/${f.id}`;
    }),
  };

  it('holds its inputs at their largest: the request, a full work item list, full failure lists', () => {
    // Assess: the request is at the engine's limit, each batch lists what fits its budget
    expect(bytes(request)).toBeGreaterThan(MAX_ENGINE_REQUEST_BYTES - 80);
    expect(bytes(request)).toBeLessThanOrEqual(MAX_ENGINE_REQUEST_BYTES);
    expect(groups).toHaveLength(20);
    expect(acted[0]?.failures.length).toBeGreaterThan(0);
    expect(afterAct.pending).toHaveLength(BATCHES);
    expect(afterAct.refusedItems).toHaveLength(BATCHES);
    expect(afterRecheck.pending).toHaveLength(BATCHES);
    expect(afterRecheck.fellBackByBatch).toHaveLength(BATCHES);
  });

  it('refuses a request one byte past the limit, naming the field and the fix', () => {
    // Prepare
    const padded = { ...request, note: '' };
    padded.note = 'x'.repeat(MAX_ENGINE_REQUEST_BYTES - bytes(padded));

    // Act
    const atLimit = engineRequestSizeProblem(padded);
    const past = engineRequestSizeProblem({ ...padded, note: `${padded.note}x` });

    // Assess
    expect(bytes(padded)).toBe(MAX_ENGINE_REQUEST_BYTES);
    expect(atLimit).toBeUndefined();
    expect(past).toEqual({
      field: 'request',
      message: `is ${MAX_ENGINE_REQUEST_BYTES + 1} bytes of JSON, more than the ${MAX_ENGINE_REQUEST_BYTES} an engine run carries in each of its states; select the resources by tag, or split the IDs over several runs`,
    });
  });

  it('takes the largest request by instance IDs the contract allows: 1,000 EC2 IDs', () => {
    // Prepare
    const instanceIds = Array.from(
      { length: 1000 },
      (_, i) => `i-0${i.toString(16).padStart(16, '0')}`,
    );

    // Act
    const problem = engineRequestSizeProblem({ task: 'ec2', action: 'stop', instanceIds });

    // Assess
    expect(problem).toBeUndefined();
  });

  // Act's output, and a later re-check round's: the report a re-check left, its pending batches as the groups.
  const actCollected = { request, plan, groups, acted };
  const laterRecheck = {
    request,
    plan,
    report: afterRecheck,
    groups: groupsOf(afterRecheck.pending),
    rechecked,
  };

  it.each([
    ['Act: the Map collected every result', () => actCollected],
    [
      "SummariseAct's Catch: every result beside its caught error",
      () => ({ ...actCollected, failure: LARGEST_FAILURE }),
    ],
    [
      'SummariseAct: its report in place of the results (ResultPath $.acted)',
      () => ({ ...actCollected, acted: afterAct }),
    ],
    [
      'Recheck: the Map collected every re-check beside the report',
      () => ({ request, plan, report: afterAct, groups, rechecked }),
    ],
    [
      'SummariseRecheck: the new report in place of the re-checks (ResultPath $.rechecked)',
      () => ({ request, plan, report: afterAct, groups, rechecked: afterRecheck }),
    ],
    [
      'Recheck, a later round: the report a re-check left, its pending batches as the groups',
      () => laterRecheck,
    ],
    [
      "SummariseRecheck's Catch, a later round: every re-check beside its caught error",
      () => ({ ...laterRecheck, failure: LARGEST_FAILURE }),
    ],
  ])('%s', (_state, build) => {
    // Act
    const size = bytes(build());

    // Assess
    expect(size).toBeLessThan(STATE_LIMIT_BYTES);
  });
});
