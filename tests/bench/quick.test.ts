/**
 * Smoke test of `npm run bench -- --quick`: the whole benchmark runs (real `sls package`, fresh
 * processes, the local endpoint) and every figure comes out as a number. It does not check the
 * goals: on a shared CI machine timings are noise, and the README reports a full run.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BenchReport } from '../../scripts/bench/figure';
import { expectedFigureIds } from '../../scripts/bench/figure-ids';
import { QUICK } from '../../scripts/bench/plan';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

function runQuickBench(
  outDir: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // No AWS_* from this process: the bench must need none.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
    );
    const child = spawn(TSX, ['scripts/bench/main.ts', '--quick', '--out', outDir], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench -- --quick', () => {
  let outDir: string;
  let run: { code: number | null; stdout: string; stderr: string };
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

  it('prints the table, the machine and the authorizer caveat', () => {
    // Assess
    expect(run.stdout).toMatch(/^\| # +\| Figure/m);
    expect(run.stdout).toMatch(/machine: \d+ CPU\(s\)/);
    expect(run.stdout).toContain('permissive');
    expect(run.stdout).toMatch(/Goals: \d+ of \d+ met\./);
  });
});
