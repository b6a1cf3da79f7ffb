/**
 * Child process: the engine's packaged functions (plan, work, recheck, summarise), each loaded
 * once as its own module, as warm Lambda containers would be, and invoked concurrently (the
 * state machine runs up to MaxConcurrency items at once). CPU time is attributed to the
 * function whose invocations are in flight: a Map's children never overlap another function.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { serveConcurrently } from './rpc';

export const ENGINE_ROLES = ['plan', 'work', 'recheck', 'summarise'] as const;
export type EngineRole = (typeof ENGINE_ROLES)[number];
type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface EngineFunction {
  bundlePath: string;
  functionName: string;
  memoryMb: number;
  timeoutMs: number;
}

export interface EngineUsage {
  /** CPU while only this function's invocations were in flight. */
  cpuMsByRole: Record<EngineRole, number>;
  /** CPU while nothing, or more than one function, was in flight (event loop, GC, logging). */
  cpuMsOther: number;
  invocations: Record<EngineRole, number>;
  maxRssMB: number;
}

const loaded = new Map<EngineRole, { handler: Handler; fn: EngineFunction }>();
const zero = (): Record<EngineRole, number> => ({ plan: 0, work: 0, recheck: 0, summarise: 0 });
const inFlight = zero();
const usage = { cpuMsByRole: zero(), cpuMsOther: 0, invocations: zero() };
let lastCpu = process.cpuUsage();

/** Books the CPU used since the last look to what was in flight meanwhile. */
function bookCpu(): void {
  const now = process.cpuUsage();
  const ms = (now.user - lastCpu.user + now.system - lastCpu.system) / 1000;
  lastCpu = now;
  const active = ENGINE_ROLES.filter((role) => inFlight[role] > 0);
  const [only] = active;
  if (active.length === 1 && only) usage.cpuMsByRole[only] += ms;
  else usage.cpuMsOther += ms;
}

function lambdaContext(fn: EngineFunction): Context {
  const deadline = Date.now() + fn.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:111111111111:function:${fn.functionName}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

serveConcurrently({
  /** Loads the functions given (all four for a run; one to measure a batch alone). */
  async load(params: { functions: Partial<Record<EngineRole, EngineFunction>> }): Promise<void> {
    for (const role of ENGINE_ROLES) {
      const fn = params.functions[role];
      if (!fn) continue;
      loaded.set(role, { fn, handler: (require(fn.bundlePath) as { handler: Handler }).handler });
    }
    bookCpu();
    usage.cpuMsOther = 0;
  },
  async invoke(params: { role: EngineRole; event: unknown }): Promise<unknown> {
    const entry = loaded.get(params.role);
    if (!entry) throw new Error(`load the engine functions first (no ${params.role})`);
    bookCpu();
    inFlight[params.role] += 1;
    usage.invocations[params.role] += 1;
    try {
      return await entry.handler(params.event, lambdaContext(entry.fn));
    } finally {
      bookCpu();
      inFlight[params.role] -= 1;
    }
  },
  async usage(): Promise<EngineUsage> {
    bookCpu();
    return { ...usage, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  },
});
process.on('disconnect', () => process.exit(0));
