/**
 * One real `sls invoke local -f instances` (osls, bundled by serverless-esbuild) in a private
 * service directory, with exactly the environment it is given, and its run result parsed.
 */
import type { RunResult } from '../../handlers/core/results';
import { cliEnvironment, type Env } from '../shared/stack/cli-env';
import { createServiceDir } from '../shared/stack/service-dir';
import { runSls, type SlsRunResult } from '../shared/stack/sls-cli';
import { runResultFrom } from './invoke-output';

export interface InvokeLocalOptions {
  stage: string;
  /** The event (the request), passed with --data. */
  event: unknown;
  /** Added to the clean CLI environment: credentials, endpoint URLs, waiter delays. */
  env?: Env;
  /** Use this HOME instead of a throw-away one (e.g. to read ~/.aws for a real account). */
  home?: string;
  functionName?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface InvokeLocalRun {
  /** The command as a person would type it. */
  command: string;
  run: SlsRunResult;
  /** The function's return value; undefined when there was none (see `error`). */
  result?: RunResult;
  error?: Error;
}

/** `sls invoke local` with the event; resolves with the parsed result or the reason there is none. */
export async function invokeLocal(options: InvokeLocalOptions): Promise<InvokeLocalRun> {
  const fn = options.functionName ?? 'instances';
  const data = JSON.stringify(options.event);
  const args = ['invoke', 'local', '-f', fn, '--stage', options.stage, '--data', data];
  const command = `sls invoke local -f ${fn} --stage ${options.stage} --data '${data}'`;
  const service = await createServiceDir({ prefix: `xacct-ec2-invoke-${options.stage}-` });
  try {
    const run = await runSls(args, {
      cwd: service.dir,
      env: cliEnvironment(options.home ?? service.home, options.env),
      timeoutMs: options.timeoutMs ?? 120_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    try {
      return { command, run, result: runResultFrom(run.stdout, run.stderr) };
    } catch (error) {
      return { command, run, error: error as Error };
    }
  } finally {
    await service.remove();
  }
}
