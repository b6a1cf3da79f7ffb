/**
 * npm run engine:local: the local stage's nightly stop through the packaged Step Functions state
 * machine (handlers/engine/README.md), on this machine: packages the `local` stage, starts the
 * local STS + EC2 endpoint with EC2's real transition times scaled by --time-factor, and runs the
 * state machine in a child process that alone holds the endpoint's environment.
 *
 *   --time-factor <x>   EC2 times and the engine's Wait scaled by x (default 0.02: a stop takes 1.2 s)
 *   --request <json>    default the local stage's schedule: {"action":"stop","hibernate":true,"wait":true}
 *   --http              instead: the on-demand flow, POST /instances/stop answering 202 and
 *                       GET /runs/{id} polled until the run ends (scripts/run-local/engine/http-flow-child.ts)
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { executionName } from '../../../handlers/engine/execution-name';
import { realEc2Timings } from '../../local-aws';
import { REPO_ROOT } from '../../shared/repo-root';
import { UsageError } from '../../shared/usage-error';
import { startLocalEndpoint } from '..';
import { runEngineChild } from '../engine/engine-child-run';

const ENGINE_WAIT_SECONDS = 30;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'time-factor': { type: 'string' },
      request: { type: 'string' },
      http: { type: 'boolean', default: false },
    },
  });
  const timeFactor = Number(values['time-factor'] ?? '0.02');
  if (!Number.isFinite(timeFactor) || timeFactor <= 0) {
    throw new UsageError(`--time-factor must be a number > 0, not ${values['time-factor']}`);
  }
  if (values.http) {
    // One child holds the endpoint, the handlers and their environment, as one Lambda host would.
    const child = spawn(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [
        path.join(REPO_ROOT, 'scripts/run-local/engine/http-flow-child.ts'),
        String(timeFactor),
        String(ENGINE_WAIT_SECONDS * 1000 * timeFactor),
      ],
      { stdio: 'inherit' },
    );
    return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  }
  const request = values.request ?? JSON.stringify({ action: 'stop', hibernate: true, wait: true });
  const endpoint = await startLocalEndpoint({
    reusePackaging: true,
    settings: realEc2Timings(timeFactor),
    log: () => undefined,
  });
  try {
    console.log('packaging the local stage (sls package, no AWS credentials)...');
    const { packaging } = await endpoint.ready;
    const name = executionName('weekday-evening-stop', new Date().toISOString());
    const { code } = await runEngineChild({
      endpoint,
      packaging,
      request,
      waitMs: ENGINE_WAIT_SECONDS * 1000 * timeFactor,
      executionName: name,
    });
    return code;
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
