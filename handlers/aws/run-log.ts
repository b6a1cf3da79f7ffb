/**
 * Logging and returning a run result within Lambda's limits, at any fleet size.
 *
 * - Logs: one line per target (its resources, at most MAX_LOGGED_RESOURCES with a count of the
 *   rest) and one summary line. Lambda splits output into 256 KB events, and a whole 400-target
 *   result was 557 KB on one line; a split JSON line is unreadable to Logs Insights.
 * - Response: Lambda returns at most 6 MB synchronously, and a scheduled run's response reaches
 *   at most an on-success destination's record (SCHEDULED_RESPONSE). A larger result keeps its
 *   summary and as many targets as fit (those with problems first), and says what it left out in
 *   `truncated`; every target is still in the logs.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ResourceResult, RunResult, TargetResult } from '../core/results';
import { type RunOutline, withTargets } from '../core/run';

/** Resources listed on one target's line; beyond this, only counted. */
export const MAX_LOGGED_RESOURCES = 100;
/** IDs listed on the summary line. */
export const MAX_LOGGED_IDS = 100;
/** Lambda's synchronous response limit is 6 MB; this leaves room for the envelope (HTTP body). */
export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
/**
 * A scheduled run's response. EventBridge Scheduler invokes the function asynchronously (Lambda
 * Developer Guide, "Invoke a Lambda function on a schedule"), and Lambda gives an asynchronous
 * invocation's response to no caller: only to an on-success destination, if one is configured,
 * in a record that carries request and response together. An SNS destination takes 256 KB, and
 * past it Lambda drops the payload (Lambda API reference, OnSuccess). Three quarters of that
 * leaves room for a request of up to about 60 KB and the record's fields. Building a 5 MB response
 * nobody receives also cost memory: 9 MB of a direct 10,000-target run's peak, on average over
 * three paired runs (scripts/bench/README.md, "Where the rest goes").
 */
export const MAX_SCHEDULED_RESPONSE_BYTES = 192 * 1024;

/** How large a run's response may be, and the limit that says so (named in `truncated`). */
export interface ResponseLimit {
  maxBytes: number;
  reason: string;
}

export const DIRECT_RESPONSE: ResponseLimit = {
  maxBytes: MAX_RESPONSE_BYTES,
  reason: "Lambda's 6 MB response limit",
};

export const SCHEDULED_RESPONSE: ResponseLimit = {
  maxBytes: MAX_SCHEDULED_RESPONSE_BYTES,
  reason:
    'a scheduled run is invoked asynchronously: its response reaches only an on-success destination, and an SNS destination takes 256 KB',
};

export interface TruncatedResult extends RunResult {
  /** Present when the full result did not fit in the response. */
  truncated?: {
    targetsReturned: number;
    targetsOmitted: number;
    message: string;
  };
}

function cappedResources(resources: readonly ResourceResult[]) {
  const listed = resources.slice(0, MAX_LOGGED_RESOURCES);
  const omitted = resources.length - listed.length;
  return { resources: listed, ...(omitted > 0 ? { resourcesNotListed: omitted } : {}) };
}

/** The log entry of one target: where, how it went, and its resources (capped). */
export function targetLogEntry(target: TargetResult): Record<string, unknown> {
  const { resources, ...rest } = target;
  return { ...rest, resourceCount: resources.length, ...cappedResources(resources) };
}

/** The line of one finished target. */
export function logTarget(logger: Logger, requestId: string, target: TargetResult): void {
  const level = target.status === 'ok' ? 'info' : 'warn';
  logger[level]('target finished', { requestId, target: targetLogEntry(target) });
}

/** The summary line of a run, after its targets' lines. */
export function logRunFinished(logger: Logger, outline: RunOutline, targetCount: number): void {
  const { unmatchedIds, roleSessionNames, ...run } = outline;
  // A skipped run's outline still carries its empty list: the line counts targets.
  delete (run as { targets?: unknown }).targets;
  logger.info('run finished', {
    run: {
      ...run,
      targetCount,
      unmatchedIds: unmatchedIds.slice(0, MAX_LOGGED_IDS),
      ...(unmatchedIds.length > MAX_LOGGED_IDS
        ? { unmatchedIdsNotListed: unmatchedIds.length - MAX_LOGGED_IDS }
        : {}),
      // Session names per account grow with the fleet: the target lines carry the accounts.
      roleSessions: Object.keys(roleSessionNames ?? {}).length,
    },
  });
}

const byteLength = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/** Targets with problems go first into a response too small for all: they are what a caller must act on. */
const hasProblem = (t: TargetResult) =>
  t.status !== 'ok' || t.resources.some((r) => r.outcome === 'failed');

interface KeptTarget {
  index: number;
  /** The target's JSON: a kept target costs its bytes, not its objects. */
  json: string;
  /** Its JSON's bytes and the comma after it. */
  bytes: number;
  problem: boolean;
  accountId: string;
}

/**
 * The response of a run built target by target as each finishes, within Lambda's response limit:
 * every target while they fit, each kept as its JSON; past the limit, a target with problems takes
 * the place of ok ones (the latest in request order first), an ok one is left out. `finish` gives
 * the whole result when every target fitted, else the summary, the kept targets in request order
 * and `truncated`, in at most `maxBytes`.
 */
export interface ResponseBudget {
  add(target: TargetResult, index: number): void;
  finish<Outline extends RunOutline>(outline: Outline): Outline & TruncatedResult;
}

export function responseBudget(limit: ResponseLimit = DIRECT_RESPONSE): ResponseBudget {
  const { maxBytes } = limit;
  const kept = new Map<number, KeptTarget>();
  let keptBytes = 0;
  let count = 0;
  let allBytes = 0;
  const evict = (index: number) => {
    keptBytes -= kept.get(index)?.bytes ?? 0;
    kept.delete(index);
  };
  /** Kept ok targets, the latest in request order first: the first to give way. */
  const okLatestFirst = () =>
    [...kept.values()].filter((k) => !k.problem).sort((a, b) => b.index - a.index);

  /**
   * The kept targets as objects, each JSON let go once read: the response's objects are several
   * times its JSON, and need not sit beside all of it (nor beside one joined copy of it).
   */
  const targetsOf = (list: KeptTarget[]) =>
    list.map((k) => {
      const target = JSON.parse(k.json) as TargetResult;
      k.json = '';
      return target;
    });

  return {
    add(target, index) {
      const json = JSON.stringify(target);
      const bytes = Buffer.byteLength(json) + 1;
      const problem = hasProblem(target);
      count += 1;
      allBytes += bytes;
      const entry = { index, json, bytes, problem, accountId: target.accountId };
      if (keptBytes + bytes > maxBytes && problem) {
        const giveWay = okLatestFirst();
        const room = giveWay.reduce((n, k) => n + k.bytes, maxBytes - keptBytes);
        for (const ok of giveWay) {
          if (keptBytes + bytes <= maxBytes || room < bytes) break;
          evict(ok.index);
        }
      }
      if (keptBytes + bytes > maxBytes) return;
      kept.set(index, entry);
      keptBytes += bytes;
    },
    finish(outline) {
      const inOrder = [...kept.values()].sort((a, b) => a.index - b.index);
      const emptied = withTargets(outline, []);
      // The whole JSON is the empty shell plus each target and its comma, less one comma.
      const fullBytes = byteLength(emptied) + allBytes - Math.min(1, count);
      if (inOrder.length === count && fullBytes <= maxBytes) {
        return withTargets(outline, targetsOf(inOrder));
      }
      // Sized exactly: the shell names the kept targets' sessions and counts what it left out.
      const sessions = Object.entries(outline.roleSessionNames ?? {});
      const shellOf = (accounts: ReadonlySet<string>, returned: number) => {
        const omitted = count - returned;
        return {
          ...withTargets(
            {
              ...outline,
              roleSessionNames: Object.fromEntries(
                sessions.filter(([account]) => accounts.has(account)),
              ),
            },
            [],
          ),
          truncated: {
            targetsReturned: returned,
            targetsOmitted: omitted,
            message: `the full result is ${fullBytes} bytes, more than the ${maxBytes} returned (${limit.reason}); the summary counts every target, ${omitted} target(s) are left out here (problems kept first) and every target is in the function's log, one line each`,
          },
        };
      };
      // Targets give way one at a time, and a fleet of single-Region accounts can drop thousands:
      // the size is kept up to date, not measured again. Without sessions, the shell changes
      // only with its two counts' digits; each account still kept adds its `"id":"name",`.
      const emptyShellBytes = new Map<string, number>();
      const shellBytes = (returned: number) => {
        const digits = `${String(returned).length}/${String(count - returned).length}`;
        let bytes = emptyShellBytes.get(digits);
        if (bytes === undefined) {
          bytes = byteLength(shellOf(new Set(), returned));
          emptyShellBytes.set(digits, bytes);
        }
        return bytes;
      };
      const sessionBytes = new Map(
        sessions.map(([account, name]) => [account, byteLength(account) + byteLength(name) + 2]),
      );
      const keptPerAccount = new Map<string, number>();
      for (const k of inOrder) {
        keptPerAccount.set(k.accountId, (keptPerAccount.get(k.accountId) ?? 0) + 1);
      }
      let namesBytes = 0;
      for (const account of keptPerAccount.keys()) namesBytes += sessionBytes.get(account) ?? 0;
      let targetBytes = inOrder.reduce((n, k) => n + k.bytes, 0);
      let returned = inOrder.length;
      const sizeNow = () =>
        shellBytes(returned) + Math.max(0, namesBytes - 1) + targetBytes - Math.min(1, returned);
      // Ok targets give way before those with problems, the latest in request order first.
      const giveWay = [
        ...inOrder.filter((k) => !k.problem),
        ...inOrder.filter((k) => k.problem),
      ].reverse();
      const dropped = new Set<KeptTarget>();
      for (const k of giveWay) {
        if (returned === 0 || sizeNow() <= maxBytes) break;
        dropped.add(k);
        returned -= 1;
        targetBytes -= k.bytes;
        const left = (keptPerAccount.get(k.accountId) ?? 1) - 1;
        keptPerAccount.set(k.accountId, left);
        if (left === 0) namesBytes -= sessionBytes.get(k.accountId) ?? 0;
      }
      const list = inOrder.filter((k) => !dropped.has(k));
      return {
        ...shellOf(new Set(list.map((k) => k.accountId)), list.length),
        targets: targetsOf(list),
      };
    },
  };
}
