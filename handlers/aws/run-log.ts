/**
 * Logging and returning a run result within Lambda's limits, at any fleet size.
 *
 * - Logs: one line per target (its resources, at most MAX_LOGGED_RESOURCES with a count of the
 *   rest) and one summary line. Lambda splits output into 256 KB events, and a whole 400-target
 *   result was 557 KB on one line; a split JSON line is unreadable to Logs Insights.
 * - Response: Lambda returns at most 6 MB synchronously. A larger result keeps its summary and
 *   as many targets as fit (those with problems first), and says what it left out in
 *   `truncated`; every target is still in the logs.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ResourceResult, RunResult, TargetResult } from '../core/results';

/** Resources listed on one target's line; beyond this, only counted. */
export const MAX_LOGGED_RESOURCES = 100;
/** IDs listed on the summary line. */
export const MAX_LOGGED_IDS = 100;
/** Lambda's synchronous response limit is 6 MB; this leaves room for the envelope (HTTP body). */
export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

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

/** Writes one line per target and a summary line; no line grows with the fleet. */
export function logRun(logger: Logger, result: RunResult): void {
  for (const target of result.targets) {
    const level = target.status === 'ok' ? 'info' : 'warn';
    logger[level]('target finished', {
      requestId: result.requestId,
      target: targetLogEntry(target),
    });
  }
  const { targets, unmatchedIds, roleSessionNames, ...run } = result;
  logger.info('run finished', {
    run: {
      ...run,
      targetCount: targets.length,
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

/**
 * The result as returned to the caller: whole when it fits, else summarised (and said so). Sized
 * target by target: one JSON string of a 10,000-target result would be tens of MB at once.
 */
export function limitResponse(
  result: RunResult,
  maxBytes: number = MAX_RESPONSE_BYTES,
): TruncatedResult {
  const emptied: TruncatedResult = { ...result, targets: [] };
  // Each target's JSON and its comma: the whole JSON is the empty shell plus these, less one comma.
  const targetBytes = result.targets.map((t) => byteLength(t) + 1);
  const fullBytes =
    byteLength(emptied) + targetBytes.reduce((n, b) => n + b, 0) - Math.min(1, targetBytes.length);
  if (fullBytes <= maxBytes) return result;
  const shell: TruncatedResult = {
    ...emptied,
    roleSessionNames: {},
    truncated: { targetsReturned: 0, targetsOmitted: result.targets.length, message: '' },
  };
  let budget = maxBytes - byteLength(shell) - 512;
  const failing = (t: TargetResult) =>
    t.status !== 'ok' || t.resources.some((r) => r.outcome === 'failed');
  // Targets with problems first: they are what a caller must act on.
  const order = [
    ...[...result.targets.keys()].filter((i) => failing(result.targets[i] as TargetResult)),
    ...[...result.targets.keys()].filter((i) => !failing(result.targets[i] as TargetResult)),
  ];
  const kept = new Set<number>();
  for (const index of order) {
    const size = targetBytes[index] ?? 0;
    if (size > budget) break;
    budget -= size;
    kept.add(index);
  }
  const targets = result.targets.filter((_, i) => kept.has(i));
  const omitted = result.targets.length - targets.length;
  const accounts = new Set(targets.map((t) => t.accountId));
  return {
    ...shell,
    targets,
    roleSessionNames: Object.fromEntries(
      Object.entries(result.roleSessionNames ?? {}).filter(([account]) => accounts.has(account)),
    ),
    truncated: {
      targetsReturned: targets.length,
      targetsOmitted: omitted,
      message: `the full result is ${fullBytes} bytes, more than the ${maxBytes} returned (Lambda's 6 MB response limit); the summary counts every target, ${omitted} target(s) are left out here (problems kept first) and every target is in the function's log, one line each`,
    },
  };
}
