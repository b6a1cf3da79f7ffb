/** The sentences every run prints under its table: how to read the figures honestly. */

import { LAMBDA_RUNTIME_INIT_NOTE } from './module-load';
import type { Plan } from './plan';
import { stageConfig } from './world';

export function runNotes(plan: Plan): string[] {
  const largest = Math.max(plan.fanOut.targets, ...plan.scale);
  const largestConfig = Buffer.byteLength(
    JSON.stringify(stageConfig({ ...plan.fanOut, targets: largest }, plan.concurrency)),
  );
  const notes = [
    'Authorizer: the bench endpoint allows every call (scripts/bench/permissive-authorizer.ts). Evaluating the deployed IAM policies per call would dominate wall time; policy correctness is proven by `npm run test:slow` and `npm run verify`.',
    LAMBDA_RUNTIME_INIT_NOTE,
    `Concurrency: the bench stage runs with concurrency ${plan.concurrency}, the most the stage config allows${plan.sweep.length > 0 ? `; section 4 repeats the fan-out at ${plan.sweep.join(', ')}` : ''}. The target clients share one keep-alive pool with maxSockets = max(50, concurrency), so the SDK's default of 50 sockets never caps the fan-out.`,
    `Latency: ${plan.latencyMs} ms is added by the endpoint to every AWS call in sections 4 and 7; sections 3 and 5 run without it.`,
    'Sizes: 1 KB = 1,000 bytes. Ratios are value ÷ baseline (or bound); below 1 is better.',
    'Each scenario gets a fresh endpoint and a fresh handler process; the handler is the packaged bundle, loaded once per process like a Lambda container.',
  ];
  notes.push(
    `Config: each world's configuration rides in the bundle's first line, as \`sls package\` writes it (${largestConfig} bytes for ${largest} targets); the execution role for a stage that large needs params.assumeScope: organization (scripts/targets/README.md).`,
  );
  if (plan.throttled.bucket) {
    notes.push(
      `Quick mode: the throttled scenario uses a StopInstances resource bucket of ${plan.throttled.bucket.capacity} + ${plan.throttled.bucket.refillPerSecond}/s instead of the documented 1000 + 20/s, so its floor is seconds, not ten.`,
    );
  }
  return notes;
}
