/**
 * The handlers, imported in-process, against the local STS + EC2 endpoint over real HTTP with the
 * real policy authorizer (packaged `local` stage, rendered target roles). No SDK client is mocked.
 *
 * The function reads its environment once, at import (handlers/config/env.ts), and keeps its AWS
 * clients at module scope; so each `loadFunction` imports the handlers in a fresh module registry
 * after setting that instance's environment, exactly like a new Lambda container. Two invocations
 * of one loaded function are two invocations of one warm container.
 *
 * The endpoint URLs and the home session's credentials are set in this test process's
 * environment for the duration of the suite (the SDK reads AWS_ENDPOINT_URL_* when a client is
 * first built) and restored afterwards.
 *
 * One exception until the endpoint serves Step Functions: the http function's StartExecution is
 * answered in-process and recorded (`startedRuns`), so a test can hand the execution input to the
 * engine's handlers, which then run against the endpoint like every other handler here.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithIAMAuthorizer, Context } from 'aws-lambda';
import type { RuntimeConfig } from '../../handlers/config/stage-config';
import type { RunResult } from '../../handlers/core/results';
import {
  type LocalEndpoint,
  type PackagedStage,
  packagedFunctionEnvironment,
  packagedStageConfig,
  startLocalEndpoint,
} from '../../scripts/lib/local-run';
import type { CallFilter, FaultPatch, WorldSettings } from '../../scripts/local-aws';

type HttpHandler = typeof import('../../handlers/http')['handler'];
type InstancesHandler = typeof import('../../handlers/instances')['handler'];

/** Transitions and waiter polling short enough that a `wait` takes a fraction of a second. */
export const TEST_TRANSITIONS: Partial<WorldSettings> = {
  pendingMs: 150,
  stoppingMs: 150,
  kmsFallbackMs: 100,
  timeFactor: 1,
};
const TEST_WAITER = { WAITER_MIN_DELAY_SECONDS: '0.05', WAITER_MAX_DELAY_SECONDS: '0.1' };

export const ACCOUNT_222 = '222222222222';
export const ACCOUNT_333 = '333333333333';
export const ACCOUNT_444 = '444444444444';
export const ACCOUNT_555 = '555555555555';

export interface LoadedFunction {
  /** handlers/instances.ts, as a direct invocation or a schedule would call it. */
  invoke(event: unknown): Promise<RunResult>;
  /** handlers/http.ts with a POST /instances/{action} event: it starts an engine run (202). */
  http(action: string, body?: unknown): ReturnType<HttpHandler>;
  /** The engine runs the http function started: execution name and parsed input. */
  startedRuns(): Array<{ name: string; input: { request: unknown; origin: unknown } }>;
  /** The stage configuration this instance read from STAGE_CONFIG. */
  config: RuntimeConfig;
}

export interface LoadOptions {
  /** Changes the packaged stage configuration before this instance reads it. */
  editConfig?: (config: RuntimeConfig) => RuntimeConfig;
  /** Further environment variables for this instance (read at import). */
  env?: Record<string, string>;
}

export interface Harness {
  endpoint: LocalEndpoint;
  packaged: PackagedStage;
  loadFunction(options?: LoadOptions): Promise<LoadedFunction>;
  /** Calls the endpoint answered, e.g. `calls({ action: 'AssumeRole', outcome: 'OK' })`. */
  calls(filter?: CallFilter): number;
  /** Every outcome other than OK the endpoint answered (throttling, errors, DryRun answers). */
  nonOkOutcomes(): Record<string, number>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  settings?: Partial<WorldSettings>;
  faults?: FaultPatch;
  /** Target roles rendered from this parsed template instead of resources/target-account-role.yml. */
  targetTemplate?: unknown;
}

function context(functionName: string): Context {
  const requestId = randomUUID();
  const deadline = Date.now() + 300_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:111111111111:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/01/01/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function httpEvent(action: string, body: unknown): APIGatewayProxyEventV2WithIAMAuthorizer {
  return {
    version: '2.0',
    routeKey: 'POST /instances/{action}',
    rawPath: `/instances/${action}`,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: { action },
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    requestContext: {
      accountId: '111111111111',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      requestId: randomUUID(),
      routeKey: 'POST /instances/{action}',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      http: {
        method: 'POST',
        path: `/instances/${action}`,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'jest',
      },
      authorizer: {
        iam: {
          accessKey: 'ASIAEXAMPLEEXAMPLE00',
          accountId: '111111111111',
          callerId: 'AROAEXAMPLE:operator',
          cognitoIdentity: null as never,
          principalOrgId: 'o-a1b2c3d4e5',
          userArn: 'arn:aws:sts::111111111111:assumed-role/ops/operator',
          userId: 'AROAEXAMPLE:operator',
        },
      },
    },
  } as APIGatewayProxyEventV2WithIAMAuthorizer;
}

/** Starts the endpoint (the packaged `local` stage is reused across test files) and takes over the AWS environment. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const endpoint = await startLocalEndpoint({
    reusePackaging: true,
    settings: { ...TEST_TRANSITIONS, ...options.settings },
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.targetTemplate ? { targetTemplate: options.targetTemplate } : {}),
    log: () => undefined,
  });
  let packaged: PackagedStage;
  try {
    packaged = (await endpoint.ready).packaging.packaged;
  } catch (error) {
    await endpoint.stop();
    throw error;
  }

  const saved = new Map<string, string | undefined>();
  const setEnv = (values: Record<string, string>) => {
    for (const [name, value] of Object.entries(values)) {
      if (!saved.has(name)) saved.set(name, process.env[name]);
      process.env[name] = value;
    }
  };
  // Unit-test defaults (setup-env) must not leak in: a static key without a session token.
  setEnv({ ...endpoint.clientEnv(), ...TEST_WAITER });

  return {
    endpoint,
    packaged,
    async loadFunction(load = {}) {
      const baseConfig = packagedStageConfig(packaged);
      const config = load.editConfig ? load.editConfig(structuredClone(baseConfig)) : baseConfig;
      const fnEnv = packagedFunctionEnvironment(packaged);
      setEnv({
        SERVICE_NAME: fnEnv.SERVICE_NAME ?? '',
        STAGE: fnEnv.STAGE ?? '',
        STAGE_CONFIG: JSON.stringify(config),
        AWS_LAMBDA_FUNCTION_NAME: endpoint.seed.home.functionName,
        // serverless.yml: !Ref EngineStateMachine of the packaged stage.
        ENGINE_STATE_MACHINE_ARN: `arn:aws:states:${endpoint.seed.home.region}:${endpoint.seed.home.accountId}:stateMachine:${fnEnv.SERVICE_NAME}-${fnEnv.STAGE}-engine`,
        ...load.env,
      });
      let instances: InstancesHandler | undefined;
      let http: HttpHandler | undefined;
      const started: ReturnType<LoadedFunction['startedRuns']> = [];
      await jest.isolateModulesAsync(async () => {
        instances = (await import('../../handlers/instances')).handler;
        http = (await import('../../handlers/http')).handler;
        // The SDK class of this module registry, the one the http function's client is built from.
        const { SFNClient, StartExecutionCommand } = await import('@aws-sdk/client-sfn');
        const { mockClient } = await import('aws-sdk-client-mock');
        mockClient(SFNClient)
          .on(StartExecutionCommand)
          .callsFake((input: { stateMachineArn: string; name: string; input: string }) => {
            started.push({ name: input.name, input: JSON.parse(input.input) });
            return {
              executionArn: `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${input.name}`,
            };
          });
      });
      if (!instances || !http) throw new Error('the handlers did not load');
      const loadedInstances = instances;
      const loadedHttp = http;
      const name = endpoint.seed.home.functionName;
      return {
        config,
        invoke: (event) => loadedInstances(event, context(name)),
        http: (action, body) => loadedHttp(httpEvent(action, body), context(name)),
        startedRuns: () => [...started],
      };
    },
    calls: (filter = {}) => endpoint.aws.calls.count(filter),
    nonOkOutcomes() {
      const out: Record<string, number> = {};
      for (const entry of endpoint.aws.calls.list()) {
        for (const [outcome, count] of Object.entries(entry.outcomes)) {
          if (outcome !== 'OK') out[outcome] = (out[outcome] ?? 0) + count;
        }
      }
      return out;
    },
    async stop() {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await endpoint.stop();
    },
  };
}

/** The result for one (account, region); fails the test when the run did not report it. */
export function targetOf(result: RunResult, accountId: string, region: string) {
  const target = result.targets.find((t) => t.accountId === accountId && t.region === region);
  if (!target) throw new Error(`no result for ${accountId} ${region}`);
  return target;
}

/** One instance's result anywhere in the run. */
export function instanceOf(result: RunResult, instanceId: string) {
  const instance = result.targets
    .flatMap((t) => t.instances)
    .find((i) => i.instanceId === instanceId);
  if (!instance) throw new Error(`no result for ${instanceId}`);
  return instance;
}
