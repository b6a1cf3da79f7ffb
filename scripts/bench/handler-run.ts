/**
 * The real handler module in a child process, set up as Lambda would: the function's packaged
 * bundle carrying the bench world's config, its environment from the template, the V8 heap
 * limits Lambda's runtime sets for its memory size (./lambda-node-args), and credentials
 * and endpoints that point the SDK at the local endpoint. The module is loaded once; each
 * invocation after the first is a warm one.
 */
import type { RuntimeConfig } from '../../handlers/config/stage-config';
import type { Artifact } from './bundle';
import { bundleWithConfig } from './bundle-config';
import { type Driver, startDriver } from './child';
import type { InvokeResult, Usage } from './drivers/invoke-handler';
import type { BenchEndpoint } from './endpoint';
import { lambdaNodeArgs } from './lambda-node-args';
import { BENCH_STAGE, FUNCTION_ARN, FUNCTION_NAME } from './world';

/** serverless.yml's timeout for the instances function. */
const TIMEOUT_MS = 300_000;

export interface HandlerProcess {
  invoke(event: unknown): Promise<InvokeResult>;
  usage(): Promise<Usage>;
  /** Heap in use after a full GC, between invocations: what a warm container keeps. */
  liveHeapBytes(): Promise<number>;
  close(): Promise<void>;
}

export async function startHandler(
  artifact: Artifact,
  endpoint: BenchEndpoint,
  config: RuntimeConfig,
): Promise<HandlerProcess> {
  const driver: Driver = await startDriver(
    'invoke-handler',
    {
      ...artifact.environment,
      ...endpoint.childEnv,
      STAGE: BENCH_STAGE,
      AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(artifact.memoryMb),
      BENCH_FUNCTION_ARN: FUNCTION_ARN,
    },
    [],
    lambdaNodeArgs(artifact.memoryMb),
  );
  try {
    await driver.call('load', { path: await bundleWithConfig(artifact.bundlePath, config) });
  } catch (error) {
    await driver.close();
    throw error;
  }
  return {
    invoke: (event) => driver.call<InvokeResult>('invoke', { event, timeoutMs: TIMEOUT_MS }),
    usage: () => driver.call<Usage>('usage'),
    liveHeapBytes: async () => (await driver.call<{ bytes: number }>('liveHeap')).bytes,
    close: () => driver.close(),
  };
}
