/**
 * `npm run local-aws`: the local STS + EC2 endpoint in the foreground.
 *   --port <n>          default 4599; 0 picks a free port
 *   --seed <file>       default scripts/local-aws/seed.json
 *   --authorizer <mod>  module exporting createAuthorizer/createPolicyAuthorizer (default: scripts/verify/index.ts)
 *   --faults <json>     initial fault knobs, e.g. '{"latencyMs":50}'
 *   --time-factor <x>   scales EC2's transition times (seed default 0.025; 1 = real: a stop takes 60 s)
 */

import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../shared/usage-error';
import { ADMIN_HEADER } from './admin-guard';
import { AuthorizerUnavailableError, loadAuthorizer, REPO_ROOT } from './authorizer-source';
import { DEFAULT_SEED_PATH, loadSeedFile, SeedError } from './load-seed';
import { organizationReaderCredentials } from './organizations-service';
import { type LocalAws, startLocalAws } from './start-local-aws';

const DEFAULT_PORT = 4599;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      seed: { type: 'string' },
      authorizer: { type: 'string' },
      faults: { type: 'string' },
      'time-factor': { type: 'string' },
    },
  });
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0-65535, not ${values.port}`);
  const seedPath = path.resolve(values.seed ?? DEFAULT_SEED_PATH);
  const seed = loadSeedFile(seedPath);
  const authorizer = await loadAuthorizer(values.authorizer, { seed, repoRoot: REPO_ROOT });
  const faults = values.faults === undefined ? {} : (JSON.parse(values.faults) as object);
  const timeFactor =
    values['time-factor'] === undefined ? undefined : Number(values['time-factor']);
  if (timeFactor !== undefined && !(Number.isFinite(timeFactor) && timeFactor >= 0))
    throw new UsageError(
      `--time-factor must be a number >= 0 (1 = EC2's real times), not ${values['time-factor']}`,
    );
  const aws = await startLocalAws({
    authorizer,
    port,
    seed: seedPath,
    faults,
    ...(timeFactor !== undefined ? { settings: { timeFactor } } : {}),
    // Real time flows here: look for due schedules every second.
    fireSchedulesEveryMs: 1000,
  });
  console.log(banner(aws, seedPath));
  const stop = () => {
    void aws.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The only place home-session secrets are printed: the developer asked for them to point tools here. */
function banner(aws: LocalAws, seedPath: string): string {
  const home = aws.seed.home;
  const creds = aws.homeCredentials;
  return [
    `local-aws: STS, EC2 and RDS on ${aws.url} (seed ${path.relative(process.cwd(), seedPath)}, stage ${home.stage})`,
    '',
    `Home session: role ${home.executionRoleName} as function ${home.functionName}, expires ${creds.expiration.toISOString()}.`,
    'Set these only in the shell or process that should use this endpoint (osls v4 honours',
    'AWS_ENDPOINT_URL_* for deploys too):',
    '',
    'unset AWS_PROFILE',
    `export AWS_ACCESS_KEY_ID=${creds.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${creds.secretAccessKey}`,
    `export AWS_SESSION_TOKEN=${creds.sessionToken}`,
    `export AWS_REGION=${aws.region}`,
    // AWS CLI v1 and older botocore read only AWS_DEFAULT_REGION.
    `export AWS_DEFAULT_REGION=${aws.region}`,
    `export AWS_ENDPOINT_URL_STS=${aws.endpointEnv.AWS_ENDPOINT_URL_STS}`,
    `export AWS_ENDPOINT_URL_EC2=${aws.endpointEnv.AWS_ENDPOINT_URL_EC2}`,
    `export AWS_ENDPOINT_URL_EVENTBRIDGE=${aws.endpointEnv.AWS_ENDPOINT_URL_EVENTBRIDGE}`,
    `export AWS_ENDPOINT_URL_SFN=${aws.endpointEnv.AWS_ENDPOINT_URL_SFN}`,
    `export AWS_ENDPOINT_URL_RDS=${aws.endpointEnv.AWS_ENDPOINT_URL_RDS}`,
    '',
    'Try: aws sts get-caller-identity',
    ...tryAssumeRole(aws),
    '',
    ...tryTargets(aws),
    '',
    `Admin (send the header '${ADMIN_HEADER}: 1'): GET ${aws.url}/_local/state | /_local/calls | /_local/faults | /_local/settings`,
    '       POST /_local/faults | /_local/faults/reset | /_local/calls/reset | /_local/settings | /_local/clock {"advanceMs":n}',
    `       e.g. curl -H '${ADMIN_HEADER}: 1' ${aws.url}/_local/state`,
    'Ctrl-C stops.',
  ].join('\n');
}

/** `npm run targets` against the seeded organization, as its management account's reader role. */
function tryTargets(aws: LocalAws): string[] {
  const reader = organizationReaderCredentials(aws.world);
  return [
    'Organizations (management account reader role), for npm run targets:',
    `  AWS_ACCESS_KEY_ID=${reader.accessKeyId} AWS_SECRET_ACCESS_KEY=${reader.secretAccessKey} \\`,
    `  AWS_SESSION_TOKEN=${reader.sessionToken} AWS_ENDPOINT_URL_ORGANIZATIONS=${aws.url} \\`,
    '  npm run targets -- --from-organization --out /tmp/local-targets.json --regions eu-west-1',
  ];
}

/** An assume-role example for a target role the home session may assume, named from the seed. */
function tryAssumeRole(aws: LocalAws): string[] {
  const home = aws.seed.home;
  for (const account of aws.seed.accounts) {
    for (const role of account.roles) {
      const p = role.parameters;
      if (
        !p ||
        p.HomeAccountId !== home.accountId ||
        p.ExecutionRoleName !== home.executionRoleName
      )
        continue;
      const externalId = p.ExternalId ? ` --external-id ${p.ExternalId}` : '';
      return [
        `     aws sts assume-role --role-arn arn:aws:iam::${account.accountId}:role/${role.name} --role-session-name try${externalId}`,
      ];
    }
  }
  return [];
}

main().catch((error: unknown) => {
  const known =
    error instanceof AuthorizerUnavailableError ||
    error instanceof SeedError ||
    error instanceof UsageError;
  console.error(
    `local-aws: ${known ? (error as Error).message : error instanceof Error ? error.stack : String(error)}`,
  );
  process.exit(1);
});
