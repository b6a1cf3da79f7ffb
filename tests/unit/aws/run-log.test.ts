import type { Logger } from '@aws-lambda-powertools/logger';
import {
  logRunFinished,
  logTarget,
  MAX_LOGGED_RESOURCES,
  responseBudget,
  targetLogEntry,
} from '../../../handlers/aws/run-log';
import { EMPTY_SUMMARY } from '../../../handlers/core/merge';
import type { ResourceResult, RunResult, TargetResult } from '../../../handlers/core/results';

function resource(n: number, outcome: ResourceResult['outcome'] = 'changed'): ResourceResult {
  const id = `i-${n.toString(16).padStart(17, '0')}`;
  return {
    type: 'ec2:instance',
    id,
    outcome,
    previousState: 'stopped',
    currentState: 'pending',
  };
}

function target(n: number, resources: number, status: TargetResult['status'] = 'ok'): TargetResult {
  const list = Array.from({ length: resources }, (_, i) => resource(n * 1000 + i));
  return {
    accountId: String(200000000000 + n),
    region: 'eu-west-1',
    status,
    resources: list,
    durationMs: 10,
  };
}

function run(targets: TargetResult[]): RunResult {
  return {
    version: 2,
    task: 'ec2',
    action: 'start',
    dryRun: false,
    requestId: 'req-1',
    startedAt: '2026-12-01T00:00:00.000Z',
    durationMs: 100,
    summary: { ...EMPTY_SUMMARY, targets: targets.length },
    targets,
    unmatchedIds: [],
    roleSessionNames: Object.fromEntries(targets.map((t) => [t.accountId, `s-${t.accountId}`])),
  };
}

function recordingLogger() {
  const lines: Array<{ message: string; size: number }> = [];
  const write = (message: string, extra: unknown) =>
    lines.push({
      message,
      size: Buffer.byteLength(JSON.stringify({ message, ...(extra as object) })),
    });
  return { lines, logger: { info: write, warn: write } as unknown as Logger };
}

describe('logTarget and logRunFinished', () => {
  it('writes a line per target and a summary, none growing with the fleet', () => {
    // Prepare: 2,000 targets, one of them with 5,000 instances
    const targets = Array.from({ length: 2000 }, (_, i) => target(i, i === 7 ? 5000 : 3));
    const { lines, logger } = recordingLogger();

    // Act
    for (const t of targets) logTarget(logger, 'req-1', t);
    logRunFinished(logger, run(targets), targets.length);

    // Assess
    expect(lines).toHaveLength(2001);
    expect(lines.at(-1)?.message).toBe('run finished');
    expect(Math.max(...lines.map((l) => l.size))).toBeLessThan(64 * 1024);
  });

  it("lists a huge target's first resources and counts the rest", () => {
    // Act
    const entry = targetLogEntry(target(1, MAX_LOGGED_RESOURCES + 25));

    // Assess
    expect(entry).toMatchObject({
      resourceCount: MAX_LOGGED_RESOURCES + 25,
      resourcesNotListed: 25,
    });
    expect(entry.resources).toHaveLength(MAX_LOGGED_RESOURCES);
    expect(entry).not.toHaveProperty('instances');
  });
});

describe('responseBudget', () => {
  const outlineOf = (result: RunResult) => {
    const { targets: _all, ...outline } = result;
    return outline;
  };
  const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

  it('keeps the summary and the failed targets first when the result is too large, and says so', () => {
    // Prepare: 50 targets of about 20 KB each, one failed at the end; room for about 10
    const targets = Array.from({ length: 50 }, (_, i) => target(i, 60, i === 49 ? 'failed' : 'ok'));
    const result = run(targets);
    const budget = responseBudget({ maxBytes: 200_000, reason: "a test's limit" });

    // Act
    targets.forEach((t, index) => {
      budget.add(t, index);
    });
    const limited = budget.finish(outlineOf(result));

    // Assess
    expect(bytesOf(limited)).toBeLessThanOrEqual(200_000);
    expect(limited.summary).toEqual(result.summary);
    expect(limited.targets.map((t) => t.accountId)).toContain('200000000049');
    expect(limited.truncated?.targetsOmitted).toBe(50 - limited.targets.length);
    expect(limited.truncated?.message).toMatch(/\(a test's limit\)/);
    expect(Object.keys(limited.roleSessionNames ?? {})).toHaveLength(limited.targets.length);
  });

  it('returns the whole result, targets in request order, when it fits exactly', () => {
    // Prepare: targets finishing in reverse order, a budget of exactly the whole JSON
    const result = run(Array.from({ length: 5 }, (_, i) => target(i, 3)));
    const budget = responseBudget({ maxBytes: bytesOf(result), reason: "a test's limit" });

    // Act
    [...result.targets.entries()].reverse().forEach(([index, t]) => {
      budget.add(t, index);
    });
    const response = budget.finish(outlineOf(result));

    // Assess
    expect(response).toEqual(result);
    expect(JSON.stringify(response)).toBe(JSON.stringify(result));
  });

  it('truncates one byte below the whole, within the budget to the byte', () => {
    // Prepare
    const result = run(Array.from({ length: 5 }, (_, i) => target(i, 3)));
    const maxBytes = bytesOf(result) - 1;
    const budget = responseBudget({ maxBytes, reason: "a test's limit" });

    // Act
    result.targets.forEach((t, index) => {
      budget.add(t, index);
    });
    const response = budget.finish(outlineOf(result));

    // Assess: within the budget, and keeping one more target would not be
    expect(bytesOf(response)).toBeLessThanOrEqual(maxBytes);
    expect(response.truncated).toMatchObject({ targetsReturned: 4, targetsOmitted: 1 });
    expect(response.targets.map((t) => t.accountId)).toEqual(
      result.targets.slice(0, 4).map((t) => t.accountId),
    );
  });

  it("drops thousands of single-Region accounts' targets to the byte, each dropped account's session name with it", () => {
    // Prepare: 3,000 targets, each its own account and session name; about half fit 192 KB
    const targets = Array.from({ length: 3000 }, (_, i) => target(i, 0));
    const result = run(targets);
    const maxBytes = 192 * 1024;
    const budget = responseBudget({ maxBytes, reason: "a test's limit" });

    // Act
    targets.forEach((t, index) => {
      budget.add(t, index);
    });
    const response = budget.finish(outlineOf(result));

    // Assess: the first N targets and exactly their sessions, within the budget; one more is not
    const kept = response.targets.map((t) => t.accountId);
    const n = kept.length;
    expect(n).toBeGreaterThan(1000);
    expect(kept).toEqual(targets.slice(0, n).map((t) => t.accountId));
    expect(Object.keys(response.roleSessionNames ?? {})).toEqual(kept);
    expect(bytesOf(response)).toBeLessThanOrEqual(maxBytes);
    const next = targets[n] as TargetResult;
    const omitted = 3000 - n;
    const oneMore = {
      ...response,
      roleSessionNames: { ...response.roleSessionNames, [next.accountId]: `s-${next.accountId}` },
      truncated: {
        targetsReturned: n + 1,
        targetsOmitted: omitted - 1,
        message: response.truncated?.message.replace(
          `${omitted} target(s)`,
          `${omitted - 1} target(s)`,
        ),
      },
      targets: [...response.targets, next],
    };
    expect(bytesOf(oneMore)).toBeGreaterThan(maxBytes);
  });

  it('lets a target with problems displace ok targets kept before it', () => {
    // Prepare: room for about three targets; the ok ones finish first, the failing ones last
    const targets = [
      ...Array.from({ length: 6 }, (_, i) => target(i, 20)),
      target(6, 20, 'failed'),
      { ...target(7, 20), resources: [resource(7000, 'failed'), ...target(7, 19).resources] },
    ];
    const result = run(targets);
    const maxBytes = 3 * bytesOf(targets[0]) + bytesOf({ ...result, targets: [] }) + 1000;
    const budget = responseBudget({ maxBytes, reason: "a test's limit" });

    // Act
    targets.forEach((t, index) => {
      budget.add(t, index);
    });
    const response = budget.finish(outlineOf(result));

    // Assess: both problems kept, the earliest ok target with them, in request order
    expect(bytesOf(response)).toBeLessThanOrEqual(maxBytes);
    expect(response.targets.map((t) => t.accountId)).toEqual([
      '200000000000',
      '200000000006',
      '200000000007',
    ]);
    expect(response.truncated).toMatchObject({ targetsReturned: 3, targetsOmitted: 5 });
  });

  it('keeps the summary of every target when the response keeps few', () => {
    // Prepare: 200 targets of about 7.6 KB, room for about 25
    const targets = Array.from({ length: 200 }, (_, i) => target(i, 60));
    const result = run(targets);
    result.summary = { ...result.summary, resources: 12_000, changed: 12_000 };
    const budget = responseBudget({ maxBytes: 200_000, reason: "a test's limit" });

    // Act
    targets.forEach((t, index) => {
      budget.add(t, index);
    });
    const response = budget.finish(outlineOf(result));

    // Assess
    expect(response.summary).toEqual(result.summary);
    expect(bytesOf(response)).toBeLessThanOrEqual(200_000);
    expect(response.targets.length).toBeGreaterThan(0);
    expect(response.targets.length).toBeLessThan(30);
    expect(response.truncated?.targetsOmitted).toBe(200 - response.targets.length);
    expect(Object.keys(response.roleSessionNames ?? {})).toEqual(
      response.targets.map((t) => t.accountId),
    );
  });
});
