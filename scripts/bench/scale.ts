/**
 * 7. Scale curve: wall time, calls (against their lower bound), peak memory and the largest log
 * line of one cold `stop` for growing numbers of targets, up to 10,000.
 */
import { fanOutBoundMs, minimumCalls } from './bounds';
import { atMost, type Figure, ratioOf } from './figure';

/** Lambda splits stdout into log events of at most 256 KB. */
const LAMBDA_LOG_LINE_BYTES = 256 * 1024;
/** Lambda's limit on a synchronous invocation's response ("Lambda quotas": 6 MB). */
const LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024;
/** The largest fleet's peak memory may be this much of the reference fleet's, at most. */
export const MAX_MEMORY_GROWTH = 1.3;
/** The reference point of the memory growth: 100 targets, or the smallest fleet of the plan. */
const GROWTH_REFERENCE_TARGETS = 100;

import type { Artifact } from './bundle';
import type { Plan } from './plan';
import { runProject } from './project-run';
import type { Shape } from './world';

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
      {
        id: `scale.${targets}.memory`,
        section: '7 Scale',
        label: `${targets} targets: peak memory`,
        value: run.usage.maxRssMB,
        unit: 'MB',
        goals: [atMost(run.usage.maxRssMB, 256, '≤ 256 MB (serverless.yml memorySize)')],
      },
      {
        id: `scale.${targets}.log-line`,
        section: '7 Scale',
        label: `${targets} targets: largest log line (${run.invoke.logLines} lines)`,
        value: run.invoke.largestLogLineBytes,
        unit: 'bytes',
        reference: { label: "Lambda's split point", value: LAMBDA_LOG_LINE_BYTES },
        ratio: ratioOf(run.invoke.largestLogLineBytes, LAMBDA_LOG_LINE_BYTES),
        goals: [atMost(run.invoke.largestLogLineBytes, LAMBDA_LOG_LINE_BYTES, '< 256 KB')],
      },
      {
        id: `scale.${targets}.response`,
        section: '7 Scale',
        label: `${targets} targets: response, as the runtime posts it`,
        value: run.invoke.responseBytes,
        unit: 'bytes',
        reference: { label: "Lambda's response limit", value: LAMBDA_RESPONSE_BYTES },
        ratio: ratioOf(run.invoke.responseBytes, LAMBDA_RESPONSE_BYTES),
        goals: [atMost(run.invoke.responseBytes, LAMBDA_RESPONSE_BYTES, '≤ 6 MB')],
      },
    );
    points.push({ targets, shape, bound, callBound, ...run });
  }
  figures.push(memoryGrowth(plan.scale, figures));
  return { figures, details: { concurrency: plan.concurrency, latencyMs: plan.latencyMs, points } };
}

/**
 * Peak memory of the largest fleet against that of 100 targets (or the plan's smallest): a run
 * holds what its in-flight targets need, so memory must not grow with the fleet. A ratio within
 * one run, so the quick bench in CI can hold it on any machine.
 */
function memoryGrowth(sizes: readonly number[], figures: readonly Figure[]): Figure {
  const memoryOf = (targets: number) =>
    figures.find((f) => f.id === `scale.${targets}.memory`)?.value ?? Number.NaN;
  const reference = sizes.includes(GROWTH_REFERENCE_TARGETS)
    ? GROWTH_REFERENCE_TARGETS
    : Math.min(...sizes);
  const largest = Math.max(...sizes);
  const ratio = ratioOf(memoryOf(largest), memoryOf(reference));
  return {
    id: 'scale.memoryGrowth',
    section: '7 Scale',
    label: `peak memory of ${largest} targets against ${reference} targets`,
    value: memoryOf(largest),
    unit: 'MB',
    reference: { label: `${reference} targets`, value: memoryOf(reference) },
    ratio,
    goals: [atMost(ratio, MAX_MEMORY_GROWTH, `≤ ${MAX_MEMORY_GROWTH}×`)],
  };
}
