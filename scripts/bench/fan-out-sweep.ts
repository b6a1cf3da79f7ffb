/**
 * Wall time of the same fan-out at other `concurrency` settings, each next to its latency bound:
 * shows where more concurrency stops paying because the handler's CPU, not latency, sets the pace.
 */
import { fanOutBoundMs } from './bounds';
import type { Artifact } from './bundle';
import { type Figure, ratioOf } from './figure';
import type { Plan } from './plan';
import { runProject } from './project-run';

export async function measureSweep(artifact: Artifact, plan: Plan) {
  const figures: Figure[] = [];
  const points: Array<Record<string, number>> = [];
  for (const concurrency of plan.sweep) {
    const run = await runProject(artifact, plan.fanOut, concurrency, plan.latencyMs);
    const bound = fanOutBoundMs(plan.fanOut.targets, concurrency, plan.latencyMs);
    figures.push({
      id: `fanout.sweep.${concurrency}`,
      section: '4 Fan-out',
      label: `concurrency ${concurrency}: wall time (handler CPU ${run.invoke.cpuMs.toFixed(0)} ms)`,
      value: run.invoke.wallMs,
      unit: 'ms',
      reference: { label: 'latency lower bound', value: bound },
      ratio: ratioOf(run.invoke.wallMs, bound),
      goals: [],
    });
    points.push({ concurrency, wallMs: run.invoke.wallMs, cpuMs: run.invoke.cpuMs, bound });
  }
  return { figures, details: points };
}
