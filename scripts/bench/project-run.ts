/**
 * One cold `stop` of every target by the real handler, against a fresh world with injected
 * latency: the wall time, the calls it made, and what it cost on both sides of the wire.
 */

import type { Artifact } from './bundle';
import type { InvokeResult, Usage } from './drivers/invoke-handler';
import { keepAliveHintSeconds, startBenchEndpoint } from './endpoint';
import { startHandler } from './handler-run';
import { type Shape, stageConfig } from './world';

export interface ProjectRun {
  invoke: InvokeResult;
  usage: Usage;
  calls: number;
  /** Most requests the endpoint was answering at once. */
  peakInFlight: number;
  endpointCpuMs: number;
  /** Keep-Alive timeout the endpoint announced (seconds). */
  keepAliveHint: number | undefined;
}

export async function runProject(
  artifact: Artifact,
  shape: Shape,
  concurrency: number,
  latencyMs: number,
): Promise<ProjectRun> {
  const endpoint = await startBenchEndpoint(shape, { latencyMs });
  const handler = await startHandler(artifact, endpoint, stageConfig(shape, concurrency));
  try {
    const keepAliveHint = await keepAliveHintSeconds(endpoint);
    const cpu = endpoint.cpuMeter();
    const invoke = await handler.invoke({ action: 'stop' });
    const endpointCpuMs = cpu();
    return {
      invoke,
      usage: await handler.usage(),
      calls: endpoint.aws.calls.count(),
      peakInFlight: endpoint.aws.calls.concurrency().peak,
      endpointCpuMs,
      keepAliveHint,
    };
  } finally {
    await handler.close();
    await endpoint.stop();
  }
}
