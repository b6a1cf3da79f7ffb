/**
 * Smoke test of `npm run bench -- --quick`: the whole benchmark runs (real `sls package`, fresh
 * processes, the local endpoint) and every figure comes out as a number. It checks no timing
 * goal (on a shared CI machine timings are noise, and the README reports a full run), only the
 * ratios measured within the run: calls against their lower bound, and memory growth.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchReport } from '../../scripts/bench/figure';
import { expectedFigureIds } from '../../scripts/bench/figure-ids';
import { QUICK } from '../../scripts/bench/plan';
import { MAX_MEMORY_GROWTH } from '../../scripts/bench/scale';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { runCommand, type SlsRunResult, TSX_CLI } from '../../scripts/shared/stack/sls-cli';

/** The quick bench, on this process's Node binary, as `npm run bench -- --quick` runs it. */
function runQuickBench(outDir: string): Promise<SlsRunResult> {
  // No AWS_* from this process: the bench must need none.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => !entry[0].startsWith('AWS_') && entry[1] !== undefined,
    ),
  );
  const args = [TSX_CLI, 'scripts/bench/main.ts', '--quick', '--out', outDir];
  return runCommand(process.execPath, args, { cwd: REPO_ROOT, env, timeoutMs: 280_000 });
}

describe('npm run bench -- --quick', () => {
  let outDir: string;
  let run: SlsRunResult;
  let report: BenchReport;

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'xacct-ec2-bench-'));
    run = await runQuickBench(outDir);
    if (run.code === 0) {
      report = JSON.parse(await readFile(path.join(outDir, 'latest-quick.json'), 'utf8'));
    }
  }, 300_000);

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('finishes and writes its report', () => {
    // Assess
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(report.mode).toBe('quick');
  });

  it('produces every figure, each with a finite number, its bound or baseline and a goal verdict', () => {
    // Act
    const byId = new Map(report.figures.map((f) => [f.id, f]));

    // Assess
    expect([...byId.keys()].sort()).toEqual(expectedFigureIds(QUICK).sort());
    for (const figure of report.figures) {
      expect({ id: figure.id, finite: Number.isFinite(figure.value) }).toEqual({
        id: figure.id,
        finite: true,
      });
      if (figure.reference) expect(Number.isFinite(figure.reference.value)).toBe(true);
      if (figure.ratio !== undefined) expect(Number.isFinite(figure.ratio)).toBe(true);
      for (const goal of figure.goals) expect(typeof goal.met).toBe('boolean');
    }
  });

  it('holds the ratios a regression would break: calls at their lower bound, no AssumeRole when warm, memory that does not grow with the fleet', () => {
    // Prepare: ratios within this one run, never absolute timings or sizes
    const byId = new Map(report.figures.map((f) => [f.id, f]));

    // Assess: a client cache that lost its sessions, or a run that described twice, fails here
    for (const targets of QUICK.scale) {
      expect({ targets, ratio: byId.get(`scale.${targets}.calls`)?.ratio }).toEqual({
        targets,
        ratio: 1,
      });
    }
    expect(byId.get('calls.warmAssumeRole')?.value).toBe(0);
    // Peak memory of the largest fleet within 1.3x of 100 targets' (the full run's goal, on the
    // quick curve): a process without Lambda's heap limits, or a run that holds every target's
    // clients or responses, grows past it (scripts/bench/README.md).
    const growth = byId.get('scale.memoryGrowth');
    expect(growth?.goals[0]?.text).toBe(`≤ ${MAX_MEMORY_GROWTH}×`);
    expect({ ratio: growth?.ratio, met: growth?.goals[0]?.met }).toEqual({
      ratio: expect.any(Number),
      met: true,
    });
    expect(growth?.ratio).toBeLessThanOrEqual(MAX_MEMORY_GROWTH);
  });

  it('prints the table, the machine and the authorizer caveat', () => {
    // Assess
    expect(run.stdout).toMatch(/^\| # +\| Figure/m);
    expect(run.stdout).toMatch(/machine: \d+ CPU\(s\)/);
    expect(run.stdout).toContain('permissive');
    expect(run.stdout).toMatch(/Goals: \d+ of \d+ met\./);
  });
});
