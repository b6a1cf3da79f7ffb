/**
 * npm run offline: the HTTP API (POST /instances/{action}) served by serverless-offline on this
 * machine, against the local STS + EC2 endpoint with the real policies (or another endpoint).
 *
 *   --http-port <n>    HTTP API port on 127.0.0.1 (default 3000; 0 picks a free one)
 *   --port <n>         local AWS endpoint port (default: a free one)
 *   --endpoint <url>   use another endpoint (e.g. LocalStack) instead of starting the local one;
 *                      credentials come from your environment
 *   --stage <name>     with --endpoint: the stage to serve (default: local)
 *
 * The endpoint URLs and credentials are set in the sls offline process only. Ctrl-C stops both.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../../shared/usage-error';
import {
  callerAwsEnvironment,
  colourFor,
  type Env,
  FAST_WAITER,
  type LocalEndpoint,
  type Offline,
  painter,
  startLocalEndpoint,
  startOffline,
} from '..';

const DEFAULT_HTTP_PORT = 3000;

function port(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`${name} must be 0-65535, not ${value}`);
  return n;
}

const paint = painter(colourFor(process.stdout));

function usage(offline: Offline, endpoint: LocalEndpoint | undefined, endpointUrl: string): string {
  const url = offline.url;
  const accounts = endpoint
    ? endpoint.seed.accounts
        .map((a) => a.accountId)
        .filter((a) => a !== endpoint.seed.home.accountId)
        .slice(0, 1)
    : [];
  return [
    '',
    `  HTTP API        ${url}/instances/{action}   (${offline.command})`,
    `  AWS endpoint    ${endpointUrl}${endpoint ? `   (local: policies from sls package --stage ${endpoint.stage})` : ''}`,
    '',
    'Try:',
    `  curl -s -X POST ${url}/instances/status`,
    `  curl -s -X POST ${url}/instances/stop -H 'content-type: application/json' -d '{"dryRun": true}'`,
    ...(accounts[0]
      ? [
          `  curl -s -X POST ${url}/instances/start -H 'content-type: application/json' -d '{"wait": true, "targets": {"accounts": ["${accounts[0]}"]}}'`,
        ]
      : []),
    `  curl -s -X POST ${url}/instances/stop -d '{"dryrun": true}'     # 400, listing the problems`,
    '',
    paint(
      'Note: serverless-offline does not enforce the aws_iam authorizer (it runs with --noAuth): locally any caller',
      'yellow',
    ),
    paint(
      'gets through. In AWS every call must be SigV4-signed by a principal allowed execute-api:Invoke.',
      'yellow',
    ),
    '',
    'Request and function logs follow. Ctrl-C stops the API and the endpoint.',
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'http-port': { type: 'string' },
      port: { type: 'string' },
      endpoint: { type: 'string' },
      stage: { type: 'string' },
    },
  });
  const httpPort = port(values['http-port'], '--http-port', DEFAULT_HTTP_PORT);
  const endpointPort = port(values.port, '--port', 0);
  if (values.endpoint !== undefined && !/^https?:\/\/\S+$/.test(values.endpoint)) {
    throw new UsageError(`--endpoint must be an http(s) URL, not ${values.endpoint}`);
  }
  if (values.stage !== undefined && values.endpoint === undefined && values.stage !== 'local') {
    throw new UsageError(
      '--stage only applies with --endpoint: the local endpoint serves the local stage',
    );
  }

  let endpoint: LocalEndpoint | undefined;
  let env: Env;
  let stage: string;
  let endpointUrl: string;
  if (values.endpoint) {
    stage = values.stage ?? 'local';
    endpointUrl = values.endpoint;
    env = {
      ...callerAwsEnvironment(),
      AWS_ENDPOINT_URL_STS: values.endpoint,
      AWS_ENDPOINT_URL_EC2: values.endpoint,
      AWS_ENDPOINT_URL_RDS: values.endpoint,
      ...FAST_WAITER,
    };
    console.log(paint(`xacct-ec2 offline against ${values.endpoint}, stage ${stage}`, 'bold'));
  } else {
    console.log(
      paint(
        'xacct-ec2 offline: the HTTP API on this machine, against the local AWS endpoint',
        'bold',
      ),
    );
    console.log('Packaging the local stage, starting the endpoint and sls offline ...');
    endpoint = await startLocalEndpoint({ port: endpointPort });
    stage = endpoint.stage;
    endpointUrl = endpoint.aws.url;
    env = { ...endpoint.clientEnv(), ...FAST_WAITER };
  }

  const prefix = paint('offline │ ', 'dim');
  // sls offline's own start-up banner is replaced by the usage below; later lines are shown.
  let ready = false;
  let offline: Offline;
  try {
    [offline] = await Promise.all([
      startOffline({
        stage,
        env,
        httpPort,
        ...(values.endpoint && process.env.HOME ? { home: process.env.HOME } : {}),
        onLine: (line) => {
          if (ready) console.log(prefix + line);
        },
      }),
      endpoint?.ready,
    ]);
  } catch (error) {
    await endpoint?.stop();
    throw error;
  }
  console.log(usage(offline, endpoint, endpointUrl));
  ready = true;

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      console.log(
        `\n${signal === 'SIGINT' ? 'Ctrl-C: ' : ''}stopping sls offline and the endpoint ...`,
      );
      void offline
        .stop()
        .then(() => endpoint?.stop())
        .then(() => resolve(0));
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    void offline.server.exited.then(async ({ code, signal }) => {
      if (stopping) return;
      stopping = true;
      console.error(`sls offline exited on its own (${code ?? signal}); stopping the endpoint.`);
      await offline.stop();
      await endpoint?.stop();
      resolve(1);
    });
  });
}

main().then(
  (code) => {
    process.exit(code);
  },
  (error: unknown) => {
    console.error(
      `npm run offline: ${error instanceof UsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
