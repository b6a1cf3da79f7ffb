/**
 * Runs the packaged state machine in a child process (scripts/run-local/engine/engine-child.ts) that
 * alone holds the local endpoint's environment and the functions' settings, so neither leaks into
 * the calling script or its shell. Used by `npm run engine:local` and `npm start`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../shared/repo-root';
import type { LocalEndpoint, PackagedStageResult } from '..';
import { packagedFunctionEnvironment } from '..';

export interface EngineChildRun {
  endpoint: LocalEndpoint;
  packaging: PackagedStageResult;
  request: string;
  /** Milliseconds each Wait state takes here. */
  waitMs: number;
  executionName: string;
  /** The execution input's `origin` (handlers/formats/origin.ts); absent: a direct start. */
  origin?: unknown;
  /** Indents every line the child prints (e.g. inside npm start's step). */
  indent?: string;
  /** One summary line (and the failures) instead of the whole Finish output. */
  compact?: boolean;
  /** Over the endpoint's client environment (e.g. a fresh session after the clock moved). */
  env?: Record<string, string>;
}

export interface EngineChildResult {
  code: number;
  /** The child's EMF lines (the run's metrics), kept out of the printed progress. */
  metricLines: string;
}

/** Resolves with the child's exit code and metrics; its other lines go to this process's stdout. */
export function runEngineChild(run: EngineChildRun): Promise<EngineChildResult> {
  const { endpoint, packaging } = run;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'engine-local-')), 'packaged.json');
  writeFileSync(file, JSON.stringify(packaging.packaged));
  const env = {
    ...process.env,
    ...endpoint.clientEnv(),
    ...packagedFunctionEnvironment(packaging.packaged),
    // The bundles carry the stage configuration in their banner; unbundled handlers read it here.
    STAGE_CONFIG: packaging.packaged.bundledConfigJson,
    AWS_LAMBDA_FUNCTION_NAME: endpoint.seed.home.functionName,
    // The per-target log lines are the detail; here the progress lines tell the story.
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    ENGINE_CHILD_COMPACT: String(run.compact ?? false),
    ...run.env,
  };
  const child = spawn(
    path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [
      path.join(REPO_ROOT, 'scripts/run-local/engine/engine-child.ts'),
      file,
      run.request,
      String(run.waitMs),
      run.executionName,
      JSON.stringify(run.origin ?? null),
    ],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const indent = run.indent ?? '';
  const metrics: string[] = [];
  const print = (line: string) => {
    if (line.startsWith('{"_aws"')) metrics.push(line);
    else console.log(`${indent}${line}`);
  };
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) print(line);
  });
  return new Promise<EngineChildResult>((resolve) =>
    child.on('exit', (code) => {
      if (pending) print(pending);
      resolve({ code: code ?? 1, metricLines: metrics.join('\n') });
    }),
  );
}
