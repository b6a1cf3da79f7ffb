/** 7. Scale curve: wall time and calls of one cold `stop` for growing numbers of targets. */
import { fanOutBoundMs, minimumCalls } from '../bounds';
import { type Figure, ratioOf } from '../figure';
import type { Plan } from '../plan';
import { runProject } from '../project-run';
import type { Shape } from '../world';
import type { Artifact } from './bundle';

export async function measureScale(artifact: Artifact, plan: Plan) {
  const figures: Figure[] = [];
  const points: Array<Record<string, unknown>> = [];
  for (const targets of plan.scale) {
    const shape: Shape = { ...plan.fanOut, targets };
    const run = await runProject(artifact, shape, plan.concurrency, plan.latencyMs);
    const bound = fanOutBoundMs(targets, plan.concurrency, plan.latencyMs);
    const callBound = minimumCalls(shape);
    figures.push(
      {
        id: `scale.${targets}.wall`,
        section: '7 Scale',
        label: `${targets} targets: wall time`,
        value: run.invoke.wallMs,
        unit: 'ms',
        reference: { label: 'lower bound', value: bound },
        ratio: ratioOf(run.invoke.wallMs, bound),
        goals: [],
      },
      {
        id: `scale.${targets}.calls`,
        section: '7 Scale',
        label: `${targets} targets: AWS calls`,
        value: run.calls,
        unit: 'calls',
        reference: { label: 'lower bound', value: callBound },
        ratio: ratioOf(run.calls, callBound),
        goals: [],
      },
    );
    points.push({ targets, shape, bound, callBound, ...run });
  }
  return { figures, details: { concurrency: plan.concurrency, latencyMs: plan.latencyMs, points } };
}
