/**
 * The local STS + EC2 endpoint as the benchmark runs it: in this (parent) process, with the
 * permissive authorizer, while the code under test runs in a child process. Two processes use
 * both cores, and the endpoint's own CPU time is measured so it can be shown not to be the
 * bottleneck.
 */
import { type FaultPatch, type LocalAws, startLocalAws, type WorldSettings } from '../local-aws';
import { permissiveAuthorizer } from './permissive-authorizer';
import { benchSeed, FUNCTION_ARN, type Shape } from './world';

export interface BenchEndpoint {
  aws: LocalAws;
  /** Environment for a child that should call this endpoint as the function would. */
  childEnv: Record<string, string>;
  /** Starts a CPU-time measurement of this process (where the endpoint runs). */
  cpuMeter(): () => number;
  stop(): Promise<void>;
}

export async function startBenchEndpoint(
  shape: Shape,
  faults: FaultPatch,
  settings: Partial<WorldSettings> = {},
): Promise<BenchEndpoint> {
  const aws = await startLocalAws({
    authorizer: permissiveAuthorizer,
    seed: benchSeed(shape),
    faults,
    settings,
    homeSourceFunctionArn: FUNCTION_ARN,
  });
  const creds = aws.homeCredentials;
  return {
    aws,
    childEnv: {
      ...aws.endpointEnv,
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
      AWS_SESSION_TOKEN: creds.sessionToken,
      AWS_REGION: aws.region,
    },
    cpuMeter() {
      const start = process.cpuUsage();
      return () => {
        const used = process.cpuUsage(start);
        return (used.user + used.system) / 1000;
      };
    },
    stop: () => aws.stop(),
  };
}

/** Calls of one action, e.g. "AssumeRole", answered or not. */
export function callsOf(aws: LocalAws, action: string): number {
  return aws.calls.count({ action });
}

export function totalCalls(aws: LocalAws): number {
  return aws.calls.count();
}

/**
 * The idle timeout the endpoint announces in its Keep-Alive header, in seconds. Node's agent keeps
 * a one-second margin below it, so a hint of 1 s means no idle connection is ever reused.
 */
export async function keepAliveHintSeconds(endpoint: BenchEndpoint): Promise<number | undefined> {
  const response = await fetch(`${endpoint.aws.url}/`, { method: 'POST', body: '' });
  await response.arrayBuffer();
  endpoint.aws.calls.reset();
  const hint = /timeout=(\d+)/.exec(response.headers.get('keep-alive') ?? '')?.[1];
  return hint === undefined ? undefined : Number(hint);
}
