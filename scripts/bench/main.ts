/**
 * `npm run bench [-- --quick] [--out <dir>] [--only a,b] [--scale 100,4000]`: measures the bundle, module load, AWS
 * calls, fan-out, throttling, memory, scale, a warm container and the Step Functions engine with its cost, each next to its baseline or bound, prints one
 * table and writes the same figures as JSON to .bench/.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readArgs, type SectionName } from './args';
import { measureBundle } from './bundle';
import { measureCalls } from './calls';
import { WORK_DIR } from './child';
import { targetFor } from './default-build';
import { measureEngine } from './engine';
import { measureFanOut } from './fan-out';
import type { BenchReport, Figure } from './figure';
import { describeMachine } from './machine';
import { measureModuleLoad } from './module-load';
import { runNotes } from './notes';
import { FULL, type Plan, QUICK } from './plan';
import { measureScale } from './scale';
import { renderTable } from './table';
import { measureThrottled } from './throttled';
import { measureWarmContainer } from './warm-container';

function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

async function runSections(plan: Plan, only: readonly SectionName[], report: BenchReport) {
  const add = (name: string, result: { figures: Figure[]; details: unknown; notes?: string[] }) => {
    report.figures.push(...result.figures);
    report.notes.push(...(result.notes ?? []));
    report.details[name] = result.details;
  };
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    progress(`${name}...`);
    const result = await work();
    progress(`${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };
  const bundle = await timed('bundle (sls package + default build)', () =>
    measureBundle('dev', WORK_DIR),
  );
  add('bundle', bundle);
  const artifact = bundle.artifacts.instances;
  const runtime = String((bundle.details.instances as { runtime: string }).runtime);
  if (only.includes('load')) {
    add(
      'load',
      await timed('module load', () =>
        measureModuleLoad('instances', artifact, targetFor(runtime), plan.loadRuns),
      ),
    );
  }
  if (only.includes('calls')) {
    add(
      'calls',
      await timed('AWS calls', () => measureCalls(artifact, plan.calls, plan.concurrency)),
    );
  }
  if (only.includes('fanout')) {
    add(
      'fanout',
      await timed('fan-out (project, naive port)', () => measureFanOut(artifact, plan)),
    );
  }
  if (only.includes('throttled')) {
    add('throttled', await timed('throttled stop', () => measureThrottled(artifact, plan)));
  }
  if (only.includes('scale')) {
    add('scale', await timed('scale curve', () => measureScale(artifact, plan)));
  }
  if (only.includes('warm')) {
    add('warm', await timed('warm container', () => measureWarmContainer(artifact, plan)));
  }
  if (only.includes('engine')) {
    add(
      'engine',
      await timed('engine (local state machine) and cost model', () =>
        measureEngine(bundle.engine, artifact, plan),
      ),
    );
  }
}

function goalSummary(figures: readonly Figure[]): string {
  const goals = figures.flatMap((f) => f.goals.map((g) => ({ figure: f, goal: g })));
  const missed = goals.filter((g) => !g.goal.met);
  const lines = [`Goals: ${goals.length - missed.length} of ${goals.length} met.`];
  for (const { figure, goal } of missed) lines.push(`  missed: ${figure.label} (${goal.text})`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  const base = args.quick ? QUICK : FULL;
  const plan: Plan = args.scale ? { ...base, scale: args.scale } : base;
  const started = Date.now();
  const report: BenchReport = {
    mode: plan.mode,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    machine: describeMachine(),
    figures: [],
    notes: runNotes(plan),
    details: { plan },
  };
  await rm(WORK_DIR, { recursive: true, force: true });
  try {
    await runSections(plan, args.only, report);
  } finally {
    await rm(WORK_DIR, { recursive: true, force: true });
  }
  report.durationMs = Date.now() - started;
  // Sections finish in run order (memory comes out of the fan-out run); print them in number order.
  report.figures.sort((a, b) => Number.parseInt(a.section, 10) - Number.parseInt(b.section, 10));
  const m = report.machine;
  const out = [
    `xacct-ec2 benchmark (${plan.mode}), ${report.startedAt}`,
    `machine: ${m.nproc} CPU(s), ${m.cpuModel}, Node ${m.node}, ${m.platform}, ${m.totalMemoryMB} MB`,
    '',
    renderTable(report.figures),
    '',
    goalSummary(report.figures),
    '',
    ...report.notes.map((n) => `- ${n}`),
    '',
    `Run took ${(report.durationMs / 1000).toFixed(1)} s.`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  await mkdir(args.outDir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  await writeFile(path.join(args.outDir, `bench-${plan.mode}-${stamp}.json`), json);
  await writeFile(path.join(args.outDir, `latest-${plan.mode}.json`), json);
  progress(
    `wrote ${path.relative(process.cwd(), path.join(args.outDir, `latest-${plan.mode}.json`))}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
