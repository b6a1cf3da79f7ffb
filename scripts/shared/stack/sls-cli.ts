/**
 * Runs the project's own osls CLI (node_modules/serverless), or another command, as a child
 * process in its own process group, so that a timeout or Ctrl-C also ends what it spawned
 * (esbuild's service, offline's workers) and nothing is left behind. Node scripts run on this
 * process's own Node binary (process.execPath), never on whichever `node` is first on PATH.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../repo-root';
import type { Env } from './cli-env';

export const SLS_ENTRY = path.join(REPO_ROOT, 'node_modules', 'serverless', 'bin', 'serverless.js');
/** tsx's CLI, to run a TypeScript script as `npm run` would: `runCommand(process.execPath, [TSX_CLI, file])`. */
export const TSX_CLI = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface SlsRunOptions {
  cwd: string;
  /** The child's whole environment (see cliEnvironment); nothing is inherited. */
  env: Env;
  /** Ends the CLI and its children after this long. Default 120 s. */
  timeoutMs?: number;
  /** Ends the CLI and its children when aborted (e.g. Ctrl-C in the parent). */
  signal?: AbortSignal;
}

export interface SlsRunResult {
  args: string[];
  /** Exit code; null when ended by a signal (e.g. on timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/**
 * The child runs in its own process group (so the whole group can be ended, and a Ctrl-C in the
 * terminal reaches only this process, which forwards it). Should this process exit first, even
 * through an uncaught exception, the group is ended with it: nothing is left running.
 */
function spawnGroup(
  command: string,
  args: readonly string[],
  options: Pick<SlsRunOptions, 'cwd' | 'env'>,
): ChildProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const endWithParent = () => signalGroup(child, 'SIGKILL');
  process.on('exit', endWithParent);
  child.on('close', () => process.removeListener('exit', endWithParent));
  child.on('error', () => process.removeListener('exit', endWithParent));
  return child;
}

/** Signals the child's whole process group (falls back to the child alone). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is empty (everything already exited).
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

/** A description of a run for error and assertion messages; `lines` keeps only the output's tail. */
export function describeRun(result: SlsRunResult, lines = Number.POSITIVE_INFINITY): string {
  const how = result.timedOut ? 'timed out' : `exited ${result.code ?? result.signal}`;
  const last = (text: string) => text.trimEnd().split('\n').slice(-lines).join('\n');
  return `sls ${result.args.join(' ')} ${how} after ${result.durationMs} ms\n--- stdout\n${last(result.stdout)}\n--- stderr\n${last(result.stderr)}`;
}

/** Runs `sls <args>` to completion; resolves with its output, never rejects for a non-zero exit. */
export async function runSls(
  args: readonly string[],
  options: SlsRunOptions,
): Promise<SlsRunResult> {
  const run = await runCommand(process.execPath, [SLS_ENTRY, ...args], options);
  return { ...run, args: [...args] };
}

/** Runs `command <args>` to completion in its own process group; never rejects for a non-zero exit. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: SlsRunOptions,
): Promise<SlsRunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawnGroup(command, args, options);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(child, 'SIGKILL');
    }, options.timeoutMs ?? 120_000);
    const abort = () => signalGroup(child, 'SIGKILL');
    options.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      // Nothing it spawned may outlive it.
      signalGroup(child, 'SIGKILL');
      resolve({
        args: [...args],
        code,
        signal,
        timedOut,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        durationMs: Date.now() - started,
      });
    });
  });
}

export interface SlsServer {
  pid: number | undefined;
  /** Everything printed so far (stdout and stderr interleaved as received). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGINT to the group (a clean shutdown), SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
  /** Forwards one signal to the group, e.g. the user's Ctrl-C. */
  signal(signal: NodeJS.Signals): void;
}

export interface SlsServerOptions extends Omit<SlsRunOptions, 'timeoutMs' | 'signal'> {
  /** Called with each complete line of output, as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** Starts a long-running `sls <args>` (e.g. `offline`). */
export function startSls(args: readonly string[], options: SlsServerOptions): SlsServer {
  const child = spawnGroup(process.execPath, [SLS_ENTRY, ...args], options);
  let text = '';
  const watchers = new Set<() => void>();
  const partial = { stdout: '', stderr: '' };
  const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const piece = chunk.toString('utf8');
    text += piece;
    const lines = (partial[stream] + piece).split('\n');
    partial[stream] = lines.pop() ?? '';
    for (const line of lines) options.onLine?.(line, stream);
    for (const watcher of watchers) watcher();
  };
  child.stdout?.on('data', take('stdout'));
  child.stderr?.on('data', take('stderr'));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream]) options.onLine?.(partial[stream], stream);
        partial[stream] = '';
      }
      done = true;
      resolve({ code, signal });
      for (const watcher of watchers) watcher();
    });
    child.on('error', () => {
      done = true;
      resolve({ code: null, signal: null });
      for (const watcher of watchers) watcher();
    });
  });

  return {
    pid: child.pid,
    output: () => text,
    exited,
    signal: (signal) => {
      if (!done) signalGroup(child, signal);
    },
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) return finish(() => resolve(match));
          if (done) {
            finish(() =>
              reject(
                new Error(`sls ${args.join(' ')} exited before printing ${pattern}:\n${text}`),
              ),
            );
          }
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(
                new Error(
                  `sls ${args.join(' ')} did not print ${pattern} within ${timeoutMs} ms:\n${text}`,
                ),
              ),
            ),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          watchers.delete(check);
          settle();
        };
        watchers.add(check);
        check();
      });
    },
    async stop(graceMs = 5_000) {
      if (!done) signalGroup(child, 'SIGINT');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Anything the CLI spawned and left in its group goes too.
      signalGroup(child, 'SIGKILL');
    },
  };
}
