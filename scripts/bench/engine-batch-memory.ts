/**
 * The memory one engine worker needs: one batch alone in a fresh process, as one Lambda
 * container runs it. In the fleet run 40 items share one process, so its RSS says nothing about
 * one item. The batch is the run's first: its survey, then its act, replayed with the events
 * the state machine passed, against a fresh world of the same shape.
 */
import type { RuntimeConfig } from '../../handlers/config/stage-config';
import { bundleWithConfig } from './bundle-config';
import type { EngineUsage } from './drivers/engine-workers';
import { startBenchEndpoint } from './endpoint';
import type { EngineArtifacts } from './engine-artifacts';
import { type EngineRunResult, startEngineWorkers } from './engine-run';
import type { Shape } from './world';

export interface BatchMemory {
  /** Peak RSS once the work function's bundle is loaded, before any invocation. */
  loadedRssMb: number;
  /** Peak RSS after the batch's survey and act. */
  peakRssMb: number;
}

export async function measureBatchMemory(
  engine: EngineArtifacts,
  shape: Shape,
  config: RuntimeConfig,
  events: EngineRunResult['firstEvents'],
  latencyMs: number,
): Promise<BatchMemory> {
  if (events.work === undefined) throw new Error('the run passed no Work event to replay');
  const endpoint = await startBenchEndpoint(shape, { latencyMs });
  const work = { ...engine.functions.work };
  work.bundlePath = await bundleWithConfig(work.bundlePath, config);
  const driver = await startEngineWorkers(engine, endpoint);
  try {
    await driver.call('load', { functions: { work } });
    const loaded = await driver.call<EngineUsage>('usage');
    for (const event of [events.survey, events.work]) {
      if (event !== undefined) await driver.call('invoke', { role: 'work', event });
    }
    const after = await driver.call<EngineUsage>('usage');
    return { loadedRssMb: loaded.maxRssMB, peakRssMb: after.maxRssMB };
  } finally {
    await driver.close();
    await endpoint.stop();
  }
}
