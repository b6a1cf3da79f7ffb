/**
 * `sls offline` (serverless-offline 14, bundled by serverless-esbuild) in a private service
 * directory, on 127.0.0.1, with exactly the environment it is given.
 *
 * serverless-offline cannot serve an `aws_iam` authorizer on an HTTP API route (it mistakes it
 * for a JWT authorizer and refuses to start), so it runs with --noAuth: requests reach the
 * function unauthenticated. In AWS, every call must be SigV4-signed by a principal allowed
 * execute-api:Invoke.
 */
import { cliEnvironment, type Env } from '../shared/stack/cli-env';
import { createServiceDir } from '../shared/stack/service-dir';
import { type SlsServer, startSls } from '../shared/stack/sls-cli';
import { freePort } from './free-port';

export interface OfflineOptions {
  stage: string;
  /** Added to the clean CLI environment (and, with --localEnvironment, seen by the function). */
  env?: Env;
  /** Default: a free port. */
  httpPort?: number;
  /** Default: a free port. */
  lambdaPort?: number;
  home?: string;
  /** Each line of sls offline's output (request log, function logs), as it arrives. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How long to wait for "Server ready". Default 90 s. */
  readyTimeoutMs?: number;
}

export interface Offline {
  /** http://127.0.0.1:<httpPort> */
  url: string;
  httpPort: number;
  lambdaPort: number;
  /** The command as a person would type it. */
  command: string;
  server: SlsServer;
  /** Ctrl-C to sls offline (then SIGKILL after a grace period), and the service directory removed. */
  stop(): Promise<void>;
}

export async function startOffline(options: OfflineOptions): Promise<Offline> {
  const httpPort = options.httpPort || (await freePort());
  const lambdaPort = options.lambdaPort || (await freePort());
  const args = [
    'offline',
    '--stage',
    options.stage,
    '--host',
    '127.0.0.1',
    '--httpPort',
    String(httpPort),
    '--lambdaPort',
    String(lambdaPort),
    '--noAuth',
    // The function sees the child's (clean) environment, so waiter delays given here apply.
    '--localEnvironment',
  ];
  const service = await createServiceDir({ prefix: `xacct-ec2-offline-${options.stage}-` });
  const server = startSls(args, {
    cwd: service.dir,
    env: cliEnvironment(options.home ?? service.home, options.env),
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= server.stop().finally(() => service.remove());
    return stopping;
  };
  try {
    await server.waitFor(
      /Server ready: http:\/\/127\.0\.0\.1:\d+/,
      options.readyTimeoutMs ?? 90_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${httpPort}`,
    httpPort,
    lambdaPort,
    command: `sls ${args.join(' ')}`,
    server,
    stop,
  };
}
