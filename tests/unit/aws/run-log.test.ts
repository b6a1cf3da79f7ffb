import type { Logger } from '@aws-lambda-powertools/logger';
import {
  limitResponse,
  logRun,
  MAX_LOGGED_RESOURCES,
  targetLogEntry,
} from '../../../handlers/aws/run-log';
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
    summary: {
      targets: targets.length,
      targetsFailed: 0,
      targetsNotProcessed: 0,
      resources: 0,
      changed: 0,
      unchanged: 0,
      skipped: 0,
      failed: 0,
      notProcessed: 0,
    },
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

describe('logRun', () => {
  it('writes a line per target and a summary, none growing with the fleet', () => {
    // Prepare: 2,000 targets, one of them with 5,000 instances
    const targets = Array.from({ length: 2000 }, (_, i) => target(i, i === 7 ? 5000 : 3));
    const { lines, logger } = recordingLogger();

    // Act
    logRun(logger, run(targets));

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

describe('limitResponse', () => {
  it('returns a result that fits unchanged', () => {
    // Prepare
    const result = run([target(1, 2)]);

    // Act / Assess
    expect(limitResponse(result)).toBe(result);
  });

  it('keeps the summary and the failed targets first when the result is too large, and says so', () => {
    // Prepare: 50 targets of about 20 KB each, one failed at the end; room for about 10
    const targets = Array.from({ length: 50 }, (_, i) => target(i, 60, i === 49 ? 'failed' : 'ok'));
    const result = run(targets);

    // Act
    const limited = limitResponse(result, 200_000);

    // Assess
    expect(Buffer.byteLength(JSON.stringify(limited))).toBeLessThanOrEqual(200_000);
    expect(limited.summary).toEqual(result.summary);
    expect(limited.targets.map((t) => t.accountId)).toContain('200000000049');
    expect(limited.truncated?.targetsOmitted).toBe(50 - limited.targets.length);
    expect(limited.truncated?.message).toMatch(/6 MB response limit/);
    expect(Object.keys(limited.roleSessionNames ?? {})).toHaveLength(limited.targets.length);
  });
});
