/**
 * npm run engine:local: the local stage's nightly stop through the packaged Step Functions state
 * machine (handlers/engine/README.md), on this machine: packages the `local` stage, starts the
 * local STS + EC2 endpoint with EC2's real transition times scaled by --time-factor, and runs the
 * state machine in a child process that alone holds the endpoint's environment.
 *
 *   --time-factor <x>   EC2 times and the engine's Wait scaled by x (default 0.02: a stop takes 1.2 s)
 *   --request <json>    default the local stage's schedule: {"action":"stop","hibernate":true,"wait":true}
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { packagedFunctionEnvironment, startLocalEndpoint } from './lib/local-run';
import { REPO_ROOT } from './lib/repo-root';
import { UsageError } from './lib/usage-error';

const ENGINE_WAIT_SECONDS = 30;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { 'time-factor': { type: 'string' }, request: { type: 'string' } },
  });
  const timeFactor = Number(values['time-factor'] ?? '0.02');
  if (!Number.isFinite(timeFactor) || timeFactor <= 0) {
    throw new UsageError(`--time-factor must be a number > 0, not ${values['time-factor']}`);
  }
  const request = values.request ?? JSON.stringify({ action: 'stop', hibernate: true, wait: true });
  const endpoint = await startLocalEndpoint({
    reusePackaging: true,
    settings: {
      pendingMs: 30_000,
      stoppingMs: 60_000,
      hibernatingMs: 120_000,
      kmsFallbackMs: 20_000,
      timeFactor,
    },
    log: () => undefined,
  });
  try {
    console.log('packaging the local stage (sls package, no AWS credentials)...');
    const { packaging } = await endpoint.ready;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'engine-local-')), 'packaged.json');
    writeFileSync(file, JSON.stringify(packaging.packaged));
    const fnEnv = packagedFunctionEnvironment(packaging.packaged);
    const env = {
      ...process.env,
      ...endpoint.clientEnv(),
      ...fnEnv,
      // The bundles carry the stage configuration in their banner; unbundled handlers read it here.
      STAGE_CONFIG: packaging.packaged.bundledConfigJson,
      AWS_LAMBDA_FUNCTION_NAME: endpoint.seed.home.functionName,
      // The per-target log lines are the detail; here the progress lines tell the story.
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    };
    const name = `weekday-evening-stop-${new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')}`;
    const child = spawn(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [
        path.join(REPO_ROOT, 'scripts/lib/engine/engine-child.ts'),
        file,
        request,
        String(ENGINE_WAIT_SECONDS * 1000 * timeFactor),
        name,
      ],
      { env, stdio: 'inherit' },
    );
    return await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  } finally {
    await endpoint.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
