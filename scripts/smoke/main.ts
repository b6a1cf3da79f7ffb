/**
 * npm run smoke -- --stage <stage> [--region <r>] [--endpoint <url>] [--lead-seconds n]
 *                  [--timeout-seconds n]
 *
 * After a deploy: one `at()` schedule in the stage's group runs a dry run through the stage's
 * own Scheduler role and target, and the command reports what became of it, then removes it
 * (scripts/smoke/README.md). Credentials from the default chain; `--endpoint` points the
 * clients at the local world instead (never AWS_ENDPOINT_URL_* in the environment). Exit 0 when
 * the run ended SUCCEEDED, 1 when it failed or never fired, 2 on bad arguments, 3 when it fired
 * but its summary cannot be read from here (a single-invocation target).
 */
import { parseArgs } from 'node:util';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import { stageSettings } from '../shared/stack/stage-settings';
import { UsageError } from '../shared/usage-error';
import { runSmoke } from './run-smoke';

const USAGE =
  'usage: npm run smoke -- --stage <stage> [--region <region>] [--endpoint <url>] [--lead-seconds <n>] [--timeout-seconds <n>]';

function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(
      `--${flag} must be a whole number of at least ${min}, not ${value}\n${USAGE}`,
    );
  }
  return n;
}

async function main(): Promise<number> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        stage: { type: 'string' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        'lead-seconds': { type: 'string' },
        'timeout-seconds': { type: 'string' },
        'poll-seconds': { type: 'string' },
      },
      strict: true,
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const { stage, endpoint } = values;
  if (stage === undefined || !/^[A-Za-z0-9-]{1,40}$/.test(stage)) {
    throw new UsageError(`--stage is required: a stage of serverless.yml\n${USAGE}`);
  }
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    throw new UsageError(`--endpoint must be an http(s) URL, not ${endpoint}\n${USAGE}`);
  }
  const settings = stageSettings(stage);
  const region = values.region ?? process.env.AWS_REGION ?? settings.defaultRegion;
  if (!region)
    throw new UsageError(`give --region (serverless.yml names no default region)\n${USAGE}`);
  const config = { region, ...(endpoint ? { endpoint } : {}) };
  const report = await runSmoke(
    { scheduler: new SchedulerClient(config), sfn: new SFNClient(config) },
    {
      service: settings.service,
      stage,
      region,
      // Scheduler fires within the minute after the time: a minute and a half ahead is safe.
      leadSeconds: wholeNumber('lead-seconds', values['lead-seconds'], 90, 1),
      timeoutSeconds: wholeNumber('timeout-seconds', values['timeout-seconds'], 600, 1),
      pollSeconds: wholeNumber('poll-seconds', values['poll-seconds'], 10, 1),
      now: () => Date.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      log: (line) => console.log(`  ${line}`),
    },
  );
  console.log(
    `smoke ${stage}: ${report.verdict}${report.removed ? '' : ` (${report.scheduleName} may remain: delete it)`}`,
  );
  return report.verdict === 'passed' ? 0 : report.verdict === 'inconclusive' ? 3 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`npm run smoke: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
