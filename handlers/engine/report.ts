/**
 * What travels between the engine's states, and how the summary state combines it. Every piece
 * is bounded: counts, plus failure lists capped per batch and per run (the full per-target
 * detail goes to the workers' logs), so no state's payload nears Step Functions' 256 KB.
 */
import { addSummaries, EMPTY_SUMMARY, type MergedRun } from '../core/merge';
import { snoozeCounts } from '../core/resource-rules';
import type { BlastRadius, RunSummary, SnoozeCounts } from '../core/results';
import type { Action, ChangeAction } from '../core/types';
import type { EngineRunFacts, RunRefusal } from '../signals/contract';

/** Failures a batch lists; the rest are counted. */
export const FAILURES_PER_BATCH = 5;
/**
 * The most a batch's list of failures (or of fall-backs) may take as JSON: an RDS identifier is up
 * to 63 characters, so five entries could take 1 KB, and 200 batches' lists would fill most of
 * the 256 KiB a state may hold. Step Functions cannot catch a state over it
 * (States.DataLimitExceeded): the run would end without its summary. README, Limits.
 */
export const FAILURE_BYTES_PER_BATCH = 512;
/** Failures the run's summary lists; the rest are counted. */
export const FAILURES_PER_RUN = 25;
/** Fall-backs the run remembers having reported (one Resource Outcome each); the rest are counted. */
export const FELL_BACK_REPORTED = 100;

/** One failure, short: the code says what, the worker's log line has the reason. */
export interface FailureEntry {
  accountId: string;
  region: string;
  /** The resource's type (`ec2:instance`) and ID, or absent when the whole target failed. */
  type?: string;
  id?: string;
  /** A start that fell back: the state the re-check found it in. */
  state?: string;
  code: string;
}

/** The run's blast-radius guard (survey-report.ts decides it). Its inputs, set by the plan for a start or stop that acts. */
export interface GuardPlan {
  action: ChangeAction;
  resourceType: string;
  /** The stage's maxResourcesPerRequest. */
  limit: number;
  confirmCount?: number;
}

/** The run's guard, as the plan leaves it and the survey decides it (the Finish output's `blastRadius`). */
export type RunGuard =
  | { verdict: 'not-checked'; reason: string }
  | ({ verdict: 'pending' } & GuardPlan)
  | (BlastRadius & {
      /** Targets the survey could not read or reach: counted 0, so their batch refuses any growth. */
      targetsUnsurveyed: number;
      /** Work items whose survey failed after retries: any makes the run's count unknown. */
      itemsFailed: number[];
    });

/** A work item's result (the Map collects one per batch). */
export interface BatchReport {
  batch: number;
  summary: RunSummary;
  /** Changed resources not yet in their final state (in one of the task's in-transit states). */
  inTransit: number;
  failures: FailureEntry[];
  failuresTotal: number;
  /** Set when the batch's guard refused it (its selection grew since the survey): nothing changed. */
  refused?: { approved: number; resources: number };
  /** The batch's snooze notes, counted (absent when no resource had a snooze tag). */
  snoozes?: SnoozeCounts;
  /** A dry run's count: what the batch would change (the summary runs the run's guard over them). */
  dryRunChanges?: number;
  /** The same count per resource type. */
  dryRunChangesByType?: Record<string, number>;
}

/** A work item whose worker failed after its retries (the per-item Catch). */
export interface FailedItem {
  batch: number;
  failedItem: { error: string };
}

/** A re-check of one batch: describe only. */
export interface RecheckReport {
  batch: number;
  inTransit: number;
  /** Starts that fell back to stopped since they were accepted (counted failed, not changed). */
  fellBack: FailureEntry[];
  fellBackTotal: number;
  /** Targets whose re-check failed (credentials, describe): their batch is re-checked again. */
  targetsUnreadable: number;
}

/** The run so far: what the summary state hands to the next round and, at the end, returns. */
export interface EngineReport {
  action: Action;
  summary: RunSummary & {
    /** Changed resources still in transit when the engine stopped waiting. */
    inTransit: number;
    /** Work items lost after retries: their targets' outcomes are unknown. */
    itemsFailed: number;
    /** Work items their guard refused (grown since the survey): they changed nothing. */
    itemsRefused: number;
  };
  failures: FailureEntry[];
  failuresTotal: number;
  failedItems: number[];
  /** The refused work items: what the survey approved and what the act found. */
  refusedItems: Array<{ batch: number; approved: number; resources: number }>;
  /**
   * Batches that still hold resources in transit, with what the last look found, and how many of
   * their targets already failed at the act (a re-check cannot read those either).
   */
  pending: Array<{ batch: number; inTransit: number; fellBack: number; targetsFailed: number }>;
  /** Batches whose starts fell back, by batch: kept when the batch leaves `pending`. */
  fellBackByBatch: Array<{ batch: number; fellBack: number }>;
  checks: number;
  /** True while another Wait + re-check round is due. */
  waitMore: boolean;
  /**
   * `account/region/type/id` of the fall-backs already sent as Resource Outcome events, so a later
   * round that sees the same fallen-back resource does not send it again (at most FELL_BACK_REPORTED).
   */
  fellBackReported?: string[];
  /** The run was refused before anything was changed (the blast-radius guard), and why. */
  refused?: RunRefusal;
  /** A phase failed (its Map as a whole, or its summary step): the run ended there. */
  failure?: RunFailure;
  /** The run's blast-radius guard (the Finish output's `blastRadius`), decided by the act's summary at the latest. */
  blastRadius?: RunGuard;
  /** The act's snooze notes over every batch, counted (absent when no resource had a snooze tag). */
  snoozes?: SnoozeCounts;
}

const fellBackKey = (entry: FailureEntry) =>
  `${entry.accountId}/${entry.region}/${entry.type ?? ''}/${entry.id ?? ''}`;

/**
 * Fall-backs a round of re-checks found that no earlier round reported: each becomes one
 * Resource Outcome event, however many rounds see the resource fallen back.
 */
export function newFallBacks(
  previous: EngineReport,
  rechecks: ReadonlyArray<RecheckReport | FailedItem>,
): FailureEntry[] {
  const known = new Set(previous.fellBackReported ?? []);
  const fresh: FailureEntry[] = [];
  for (const recheck of rechecks) {
    if (isFailedItem(recheck)) continue;
    for (const entry of recheck.fellBack) {
      if (known.has(fellBackKey(entry))) continue;
      known.add(fellBackKey(entry));
      fresh.push(entry);
    }
  }
  return fresh.slice(0, Math.max(0, FELL_BACK_REPORTED - (previous.fellBackReported?.length ?? 0)));
}

/** A run refused as a whole before any work item acted: nothing changed, nothing to wait for. */
export function reportRefused(action: Action, refused: RunRefusal): EngineReport {
  return { ...emptyReport(action), refused };
}

/** A run that counted nothing yet. */
function emptyReport(action: Action): EngineReport {
  return {
    action,
    summary: { ...EMPTY_SUMMARY, inTransit: 0, itemsFailed: 0, itemsRefused: 0 },
    failures: [],
    failuresTotal: 0,
    failedItems: [],
    refusedItems: [],
    pending: [],
    fellBackByBatch: [],
    checks: 0,
    waitMore: false,
  };
}

/** The report of one batch, from its merged targets (handlers/core/merge.ts). */
export function batchReport(
  batch: number,
  merged: MergedRun,
  isInTransit: (resource: { outcome: string; currentState?: string }) => boolean,
): BatchReport {
  const failures: FailureEntry[] = [];
  let inTransit = 0;
  for (const target of merged.targets) {
    const place = { accountId: target.accountId, region: target.region };
    if (target.status === 'failed') {
      failures.push({ ...place, code: target.error?.code ?? 'TargetFailed' });
    }
    for (const resource of target.resources) {
      if (resource.outcome === 'failed') {
        failures.push({
          ...place,
          type: resource.type,
          id: resource.id,
          code: resource.code ?? 'Failed',
        });
      }
      if (isInTransit(resource)) inTransit += 1;
    }
  }
  const snoozes = snoozeCounts(merged.targets.flatMap((t) => t.resources));
  return {
    batch,
    summary: merged.summary,
    inTransit,
    failures: listedFailures(failures),
    failuresTotal: failures.length,
    ...(snoozes ? { snoozes } : {}),
  };
}

/**
 * The failures a batch lists, in order: at most FAILURES_PER_BATCH, and at most
 * FAILURE_BYTES_PER_BATCH of JSON together; one that does not fit is counted, not listed.
 */
export function listedFailures(failures: readonly FailureEntry[]): FailureEntry[] {
  const listed: FailureEntry[] = [];
  let bytes = 2;
  for (const failure of failures) {
    if (listed.length === FAILURES_PER_BATCH) break;
    const size = Buffer.byteLength(JSON.stringify(failure)) + 1;
    if (bytes + size > FAILURE_BYTES_PER_BATCH) continue;
    listed.push(failure);
    bytes += size;
  }
  return listed;
}

/** A batch its guard refused (grown since the survey): every target not processed, nothing changed. */
export function refusedBatchReport(
  batch: number,
  targets: number,
  blastRadius: { approved?: number; resources: number },
): BatchReport {
  return {
    batch,
    summary: { ...EMPTY_SUMMARY, targets, targetsNotProcessed: targets },
    inTransit: 0,
    failures: [],
    failuresTotal: 0,
    refused: { approved: blastRadius.approved ?? 0, resources: blastRadius.resources },
  };
}

export function isFailedItem<T extends object>(result: T | FailedItem): result is FailedItem {
  return 'failedItem' in result;
}

/** Step Functions' failure shape: what a Map holds for a child that failed at the execution level. */
interface StatesError {
  Error?: unknown;
  Cause?: unknown;
}

const ERROR_TEXT_MAX = 200;
const short = (text: string) =>
  text.length > ERROR_TEXT_MAX ? `${text.slice(0, ERROR_TEXT_MAX - 1)}…` : text;

/**
 * One element of a Map's results as a report or a failed item, whatever the child returned: a
 * child the per-item Catch could not see (it failed or timed out at the execution level, e.g.
 * Express's 5 minutes) leaves `null` or `{Error, Cause}` in its place, with no batch number, so
 * the batch comes from the Map's items, which are in the same order (`batchAt`).
 */
export function itemResult<T extends { batch: number }>(
  element: unknown,
  batchAt: number | undefined,
): T | FailedItem {
  const batch = batchAt ?? -1;
  if (element === null || typeof element !== 'object') {
    return { batch, failedItem: { error: `no result (${String(element)})` } };
  }
  if ('failedItem' in element || 'batch' in element) return element as T | FailedItem;
  const { Error: error, Cause: cause } = element as StatesError;
  const named = typeof error === 'string' ? error : 'unknown result';
  return {
    batch,
    failedItem: { error: typeof cause === 'string' ? short(`${named}: ${cause}`) : named },
  };
}

/** A Map's results, each element made a report or a failed item (itemResult). */
export function itemResults<T extends { batch: number }>(
  results: readonly unknown[] | null | undefined,
  items: ReadonlyArray<{ batch: number }> | undefined,
): Array<T | FailedItem> {
  return (results ?? []).map((element, index) => itemResult<T>(element, items?.[index]?.batch));
}

/**
 * A Map's results when each child ran a group of items (the state machine's
 * BATCHES_PER_CHILD): a child returns one result per item of its group, in order; a child that
 * failed at the execution level leaves one `null` or `{Error, Cause}` for its whole group, so
 * every batch of that group is a failed item. `groups` are the Map's items, in order.
 */
export function groupedResults<T extends { batch: number }>(
  results: readonly unknown[] | null | undefined,
  groups: ReadonlyArray<ReadonlyArray<{ batch: number }>> | undefined,
): Array<T | FailedItem> {
  const placed = (results ?? []).flatMap((element, index) => {
    const group = groups?.[index] ?? [];
    if (Array.isArray(element)) return itemResults<T>(element, group);
    if (group.length === 0) return [itemResult<T>(element, undefined)];
    return group.map((item) => itemResult<T>(element, item.batch));
  });
  return accountedFor(placed, groups);
}

/**
 * Every item of the Map once, whatever shape its output took. A report carries its own batch, so
 * it stands; a failure placed by position (`null`, `{Error, Cause}`) is dropped where its batch
 * has a report or an earlier failure; and an item the output does not mention at all is a failed
 * item. The engine tolerates every failed child, and AWS's docs do not show where a tolerated
 * child's failure sits in the Map's output: whatever it is, every batch is counted once.
 */
function accountedFor<T extends { batch: number }>(
  placed: ReadonlyArray<T | FailedItem>,
  groups: ReadonlyArray<ReadonlyArray<{ batch: number }>> | undefined,
): Array<T | FailedItem> {
  if (!groups) return [...placed];
  const reported = new Set(placed.filter((r) => !isFailedItem(r)).map((r) => r.batch));
  const counted = new Set<number>();
  const kept = placed.filter((r) => {
    if (!isFailedItem(r)) return true;
    if (reported.has(r.batch) || counted.has(r.batch)) return false;
    counted.add(r.batch);
    return true;
  });
  const missing = groups
    .flat()
    .filter((item) => !reported.has(item.batch) && !counted.has(item.batch))
    .map((item) => ({
      batch: item.batch,
      failedItem: { error: "no result: the Map's output holds none for this item" },
    }));
  return [...kept, ...missing];
}

/** What ended a run early: the phase whose Map or summary failed, and Step Functions' error. */
export type RunFailure = NonNullable<EngineRunFacts['failure']>;

/** The report of a run that a failed phase ended: what the last summary counted, marked failed. */
export function reportFailed(
  action: Action,
  failure: RunFailure,
  previous: EngineReport | undefined,
): EngineReport {
  return {
    ...(previous ?? emptyReport(action)),
    action,
    pending: [],
    waitMore: false,
    failure: { ...failure, error: short(failure.error), cause: short(failure.cause) },
  };
}

/** The first summary: every work item's result, plus whether to wait and look again. */
export function reportAfterAct(
  action: Action,
  results: ReadonlyArray<BatchReport | FailedItem>,
  maxChecks: number,
): EngineReport {
  let summary = EMPTY_SUMMARY;
  const failures: FailureEntry[] = [];
  let failuresTotal = 0;
  const failedItems: number[] = [];
  const refusedItems: EngineReport['refusedItems'] = [];
  const pending: EngineReport['pending'] = [];
  let inTransit = 0;
  let snoozes: SnoozeCounts | undefined;
  for (const result of results) {
    if (isFailedItem(result)) {
      failedItems.push(result.batch);
      continue;
    }
    if (result.refused) refusedItems.push({ batch: result.batch, ...result.refused });
    snoozes = addSnoozes(snoozes, result.snoozes);
    summary = addSummaries(summary, result.summary);
    failures.push(...result.failures);
    failuresTotal += result.failuresTotal;
    inTransit += result.inTransit;
    if (result.inTransit > 0)
      pending.push({
        batch: result.batch,
        inTransit: result.inTransit,
        fellBack: 0,
        targetsFailed: result.summary.targetsFailed,
      });
  }
  return finish(
    {
      action,
      summary: {
        ...summary,
        inTransit,
        itemsFailed: failedItems.length,
        itemsRefused: refusedItems.length,
      },
      failures: failures.slice(0, FAILURES_PER_RUN),
      failuresTotal,
      failedItems,
      refusedItems,
      pending,
      fellBackByBatch: [],
      checks: 0,
      waitMore: false,
      ...(snoozes ? { snoozes } : {}),
    },
    maxChecks,
  );
}

/** Two batches' snooze counts added (undefined while neither had any). */
function addSnoozes(
  total: SnoozeCounts | undefined,
  batch: SnoozeCounts | undefined,
): SnoozeCounts | undefined {
  if (!batch) return total;
  if (!total) return { ...batch };
  return {
    honoured: total.honoured + batch.honoured,
    ignored: total.ignored + batch.ignored,
    expired: total.expired + batch.expired,
  };
}

/**
 * The next summary after a round of re-checks: in-transit counts are replaced by what the
 * re-check saw, and a start that fell back moves from changed to failed (once per batch: the
 * latest look counts, because a fallen-back resource stays where it fell).
 */
export function reportAfterRecheck(
  previous: EngineReport,
  rechecks: ReadonlyArray<RecheckReport | FailedItem>,
  maxChecks: number,
): EngineReport {
  const latest = new Map(previous.fellBackByBatch.map((b) => [b.batch, b.fellBack]));
  const pendingBefore = new Map(previous.pending.map((p) => [p.batch, p]));
  const pending: EngineReport['pending'] = [];
  const failures = [...previous.failures];
  for (const recheck of rechecks) {
    const before = pendingBefore.get(recheck.batch);
    pendingBefore.delete(recheck.batch);
    if (isFailedItem(recheck)) {
      // Nothing was seen: keep the batch as it was, so the next round looks again.
      if (before) pending.push(before);
      continue;
    }
    latest.set(recheck.batch, recheck.fellBackTotal);
    for (const entry of recheck.fellBack) {
      const known = failures.some(
        (f) => f.id === entry.id && f.type === entry.type && f.accountId === entry.accountId,
      );
      if (!known) failures.push(entry);
    }
    // A target the act could read but this look could not may hide resources in transit: look
    // again. Targets that failed at the act already (a refused role) are not waited for.
    const targetsFailed = before?.targetsFailed ?? 0;
    if (recheck.inTransit > 0 || recheck.targetsUnreadable > targetsFailed) {
      pending.push({
        batch: recheck.batch,
        inTransit: recheck.inTransit,
        fellBack: recheck.fellBackTotal,
        targetsFailed,
      });
    }
  }
  // Batches not re-checked this round (none, unless a Map dropped them) stay pending.
  pending.push(...pendingBefore.values());
  pending.sort((a, b) => a.batch - b.batch);
  const fellBackByBatch = [...latest]
    .map(([batch, fellBack]) => ({ batch, fellBack }))
    .filter((b) => b.fellBack > 0);
  const fellBackBefore = previous.fellBackByBatch.reduce((n, b) => n + b.fellBack, 0);
  const fellBackNow = fellBackByBatch.reduce((n, b) => n + b.fellBack, 0);
  const moved = fellBackNow - fellBackBefore;
  return finish(
    {
      ...previous,
      summary: {
        ...previous.summary,
        changed: previous.summary.changed - moved,
        failed: previous.summary.failed + moved,
        inTransit: pending.reduce((n, p) => n + p.inTransit, 0),
      },
      failures: failures.slice(0, FAILURES_PER_RUN),
      failuresTotal: previous.failuresTotal + Math.max(moved, 0),
      pending,
      fellBackByBatch,
      fellBackReported: [
        ...(previous.fellBackReported ?? []),
        ...newFallBacks(previous, rechecks).map(fellBackKey),
      ],
      checks: previous.checks + 1,
    },
    maxChecks,
  );
}

function finish(report: EngineReport, maxChecks: number): EngineReport {
  return { ...report, waitMore: report.pending.length > 0 && report.checks < maxChecks };
}
