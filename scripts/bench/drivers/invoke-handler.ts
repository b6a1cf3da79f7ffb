/**
 * Child process: loads the function's handler module once (the environment is already set, as
 * in a Lambda container) and invokes it on request, like a warm container would. Reports each
 * invocation's wall time and summary, and the process's CPU time and peak RSS.
 */
import { randomUUID } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import type { Context } from 'aws-lambda';
import { serve } from './rpc';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

interface RunSummaryView {
  summary?: Record<string, number>;
  targets?: Array<{ status: string; resources: Array<{ outcome: string; code?: string }> }>;
}

export interface InvokeResult {
  wallMs: number;
  /** Lines the invocation wrote to stdout (Lambda turns each into a log event). */
  logLines: number;
  /** The longest of them, in bytes: Lambda splits a line at 256 KB. */
  largestLogLineBytes: number;
  /** The response as the runtime posts it: its JSON, in bytes (Lambda's limit is 6 MB). */
  responseBytes: number;
  cpuMs: number;
  /** TCP connections the invocation opened (each one a TLS handshake against real AWS). */
  connections: number;
  summary: Record<string, number>;
  /** Failure codes of resources and targets, counted. */
  failures: Record<string, number>;
}

export interface Usage {
  maxRssMB: number;
  cpuMs: number;
  /** Largest heap in use right after a full GC: what the process kept alive, garbage aside. */
  maxLiveHeapMB: number;
}

/** Lambda's context object, enough for Powertools and the handler (300 s, as serverless.yml). */
function lambdaContext(timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: process.env.BENCH_FUNCTION_ARN ?? name,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function failuresOf(result: RunSummaryView): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const target of result.targets ?? []) {
    if (target.status !== 'ok')
      counts[`target:${target.status}`] = (counts[`target:${target.status}`] ?? 0) + 1;
    for (const resource of target.resources) {
      if (resource.outcome === 'failed') {
        const key = resource.code ?? 'failed';
        counts[key] = (counts[key] ?? 0) + 1;
      }
    }
  }
  return counts;
}

let handler: Handler | undefined;
let connections = 0;

/** stdout is discarded by the parent; only the shape of what the function logs is kept. */
const logs = { lines: 0, largest: 0, partial: 0 };
process.stdout.write = ((chunk: string | Uint8Array) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  for (const piece of text.split(/(\n)/)) {
    if (piece === '\n') {
      logs.lines += 1;
      logs.largest = Math.max(logs.largest, logs.partial);
      logs.partial = 0;
    } else logs.partial += Buffer.byteLength(piece);
  }
  return true;
}) as typeof process.stdout.write;
subscribe('net.client.socket', () => {
  connections += 1;
});
let maxLiveHeap = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      maxLiveHeap = Math.max(maxLiveHeap, process.memoryUsage().heapUsed);
    }
  }
}).observe({ entryTypes: ['gc'] });

/**
 * BENCH_MEM_TRACE=<dir>: every 100 ms, the process's RSS and V8's old, new and code spaces (MB,
 * committed and used), one CSV per process, to see what grows and when (scripts/bench/README.md).
 */
const traceDir = process.env.BENCH_MEM_TRACE;
if (traceDir) {
  const started = Date.now();
  const rows = ['ms,rss,old,oldUsed,new,newUsed,code,external'];
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  setInterval(() => {
    const spaces = new Map(getHeapSpaceStatistics().map((s) => [s.space_name, s]));
    const space = (name: string) => [
      spaces.get(name)?.space_size ?? 0,
      spaces.get(name)?.space_used_size ?? 0,
    ];
    const { rss, external } = process.memoryUsage();
    const [old = 0, oldUsed = 0] = space('old_space');
    const [young = 0, youngUsed = 0] = space('new_space');
    const [code = 0] = space('code_space');
    rows.push(
      [Date.now() - started, ...[rss, old, oldUsed, young, youngUsed, code, external].map(mb)].join(
        ',',
      ),
    );
  }, 100).unref();
  process.on('exit', () =>
    writeFileSync(path.join(traceDir, `mem-${process.pid}.csv`), rows.join('\n')),
  );
}

serve({
  async load(params: { path: string }): Promise<{ loadMs: number }> {
    const started = performance.now();
    handler = (require(params.path) as { handler: Handler }).handler;
    return { loadMs: performance.now() - started };
  },
  async invoke(params: { event: unknown; timeoutMs: number }): Promise<InvokeResult> {
    if (!handler) throw new Error('load the handler first');
    const cpu = process.cpuUsage();
    const opened = connections;
    Object.assign(logs, { lines: 0, largest: 0, partial: 0 });
    const started = performance.now();
    const result = (await handler(params.event, lambdaContext(params.timeoutMs))) as RunSummaryView;
    // Lambda's Node.js runtime posts the handler's result as its JSON (its Runtime API client,
    // aws/aws-lambda-nodejs-runtime-interface-client, RAPIDClient: `JSON.stringify`): that string
    // is part of the invocation's memory, so it is made here too.
    const responseBytes = Buffer.byteLength(JSON.stringify(result));
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return {
      wallMs,
      logLines: logs.lines,
      largestLogLineBytes: logs.largest,
      responseBytes,
      cpuMs: (used.user + used.system) / 1000,
      connections: connections - opened,
      summary: result.summary ?? {},
      failures: failuresOf(result),
    };
  },
  /** Heap in use right after a full GC (Lambda's runtime starts node with --expose-gc): what the container keeps. */
  async liveHeap(): Promise<{ bytes: number }> {
    const { gc } = globalThis as { gc?: () => void };
    if (!gc) throw new Error('liveHeap needs node --expose-gc, as lambdaNodeArgs starts it');
    gc();
    return { bytes: process.memoryUsage().heapUsed };
  },
  async usage(): Promise<Usage> {
    const usage = process.resourceUsage();
    return {
      maxRssMB: usage.maxRSS / 1024,
      cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
      maxLiveHeapMB: maxLiveHeap / 1024 / 1024,
    };
  },
});
process.on('disconnect', () => process.exit(0));
