/**
 * Drivers run in fresh Node processes: compiled from TypeScript by esbuild first, so no loader
 * (tsx) adds its own start-up time or memory to what is measured, and started with a clean,
 * allow-listed environment, so no AWS_* variable of this shell leaks into them.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../shared/repo-root';
import type { RpcReply, RpcRequest } from './drivers/rpc';

/**
 * Under the repository, so drivers resolve packages from its node_modules; one per run, so a
 * bench started by the test suite and one started by hand never share it.
 */
export const WORK_DIR = path.join(REPO_ROOT, '.bench', `work-${process.pid}`);
const INHERITED = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'HOME'] as const;

/** BENCH_CPU_PROF=<dir> writes a V8 CPU profile of every driver process there (for digging into a figure). */
function profileArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir)}`] : [];
}

/** BENCH_MEM_TRACE=<dir> has every handler process trace its memory there (drivers/invoke-handler.ts). */
function memTraceEnv(): Record<string, string> {
  const dir = process.env.BENCH_MEM_TRACE;
  if (!dir) return {};
  mkdirSync(path.resolve(dir), { recursive: true });
  return { BENCH_MEM_TRACE: path.resolve(dir) };
}

/** The environment every child starts from. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  // No instance metadata lookups from a bench child, ever; and no SDK Node-version reminder.
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...memTraceEnv(),
    ...extra,
  };
}

const compiled = new Map<string, Promise<string>>();

/** scripts/bench/drivers/<name>.ts as one CommonJS file; packages stay in node_modules. */
export function compileDriver(name: string): Promise<string> {
  let done = compiled.get(name);
  if (!done) {
    const outfile = path.join(WORK_DIR, 'drivers', `${name}.cjs`);
    done = build({
      entryPoints: [path.join(__dirname, 'drivers', `${name}.ts`)],
      outfile,
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: 'node24',
      logLevel: 'error',
    }).then(() => outfile);
    compiled.set(name, done);
  }
  return done;
}

export interface Driver {
  call<T>(method: string, params?: unknown): Promise<T>;
  /** Resolves when the process has exited. */
  close(): Promise<void>;
  pid: number | undefined;
}

/** Forks a compiled driver with a clean environment; keeps the tail of its stderr for errors. */
async function forkDriver(
  name: string,
  env: Record<string, string>,
  args: string[],
  nodeArgs: readonly string[] = [],
): Promise<{ child: ChildProcess; stderr: () => string }> {
  const file = await compileDriver(name);
  const child = fork(file, args, {
    execArgv: [...nodeArgs, ...profileArgs()],
    env: cleanEnv(env),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  });
  return { child, stderr: () => tail };
}

/**
 * Starts a driver; its stdout (the function's log lines) is discarded, stderr kept for errors.
 * `nodeArgs` go to node itself, before the script (as a runtime's bootstrap passes them).
 */
export async function startDriver(
  name: string,
  env: Record<string, string>,
  args: string[] = [],
  nodeArgs: readonly string[] = [],
): Promise<Driver> {
  const { child, stderr } = await forkDriver(name, env, args, nodeArgs);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  child.on('message', (reply: RpcReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (!waiter) return;
    if (reply.ok) waiter.resolve(reply.value);
    else waiter.reject(new Error(`${name}: ${reply.error}`));
  });
  void exited.then(() => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`${name} exited early (code ${child.exitCode}):\n${stderr()}`));
    }
    pending.clear();
  });
  return {
    pid: child.pid,
    call<T>(method: string, params?: unknown): Promise<T> {
      const id = nextId++;
      const request: RpcRequest = { id, method, params };
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send(request);
      });
    },
    close: () => closeChild(child, exited),
  };
}

async function closeChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Runs a driver that reports once and exits; resolves with its report. */
export async function runOnce<T>(
  name: string,
  env: Record<string, string>,
  args: string[] = [],
): Promise<T> {
  const { child, stderr } = await forkDriver(name, env, args);
  return new Promise<T>((resolve, reject) => {
    let report: T | undefined;
    child.once('message', (message: T) => {
      report = message;
    });
    child.once('exit', (code) => {
      if (report !== undefined) resolve(report);
      else reject(new Error(`${name} exited with ${code} and no report:\n${stderr()}`));
    });
  });
}
