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
 * The http function starts and reads engine runs on the endpoint's Step Functions, which runs
 * the packaged state machine with the engine's handlers (the last `loadEngine`) in this process.
 * Its SFN client signs with a session of the function's own packaged role (HttpEngineRunsRole),
 * as Lambda would hand it, so the real policy decides what it may do.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { RuntimeConfig } from '../../handlers/config/stage-config';
import type { RunResult } from '../../handlers/core/results';
import type { CallFilter, FaultPatch, SeedInput, WorldSettings } from '../../scripts/local-aws';
import type { EngineHandlers } from '../../scripts/local-aws/local-engine';
import {
  type LocalEndpoint,
  type PackagedStage,
  packagedFunctionEnvironment,
  packagedStageConfig,
  startLocalEndpoint,
} from '../../scripts/run-local';
import { importEngineHandlers } from '../../scripts/run-local/engine/engine-handlers';
import { httpApiEvent } from '../../scripts/run-local/http-api-event';
import {
  packagedEngineDefinition,
  packagedEngineStateMachineArn,
} from '../../scripts/shared/stack/packaged-definition';
import type { WorldPrincipal } from '../../scripts/verify';

type HttpHandler = typeof import('../../handlers/http')['handler'];
type StartHandler = typeof import('../../handlers/engine/start')['handler'];
type StartInput = Parameters<StartHandler>[0];
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
  /** handlers/http.ts with a GET /runs/{id} event: the run's status, summary and failures. */
  getRun(runId: string): ReturnType<HttpHandler>;
  /** The engine's executions on the endpoint, oldest first: name, parsed input, status. */
  startedRuns(): Array<{
    name: string;
    input: { request: unknown; origin: unknown };
    status: string;
  }>;
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
  /** The engine's four handlers, loaded like loadFunction (a fresh container each), with this env and optionally an edited stage config. */
  loadEngine(
    env?: Record<string, string>,
    editConfig?: LoadOptions['editConfig'],
  ): Promise<EngineHandlers>;
  /**
   * Registers handlers/engine/start.ts with the local world's functions at its packaged ARN (what
   * the schedules invoke), its SDK client signing as its own packaged role, as Lambda runs it.
   */
  registerStarter(editConfig?: LoadOptions['editConfig']): Promise<string>;
  /** Calls the endpoint answered, e.g. `calls({ action: 'AssumeRole', outcome: 'OK' })`. */
  calls(filter?: CallFilter): number;
  /** Every outcome other than OK the endpoint answered (throttling, errors, DryRun answers). */
  nonOkOutcomes(): Record<string, number>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** A seed object instead of scripts/local-aws/seed.json (a world the seed file does not hold). */
  seed?: SeedInput;
  settings?: Partial<WorldSettings>;
  faults?: FaultPatch;
  /** Target roles rendered from this parsed template instead of resources/target-account-role.yml. */
  targetTemplate?: unknown;
  /** Further principals with identity policies (the policy authorizer's world). */
  principals?: WorldPrincipal[];
  /** Milliseconds each engine Wait state takes (default 100: the test transitions are 150 ms). */
  engineWaitMs?: number;
  /** A packaged stage to run instead of the `local` stage from serverless.yml. */
  packaged?: PackagedStage;
  /** The local Scheduler looks for due schedules this often as real time flows (ms). */
  fireSchedulesEveryMs?: number;
}

/** Local name of the http function's packaged role (a role without RoleName, offline). */
const HTTP_ROLE = (home: { accountId: string }, service: string, stage: string) =>
  `arn:aws:iam::${home.accountId}:role/${service}-${stage}-HttpEngineRunsRole`;

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

/** Starts the endpoint (the packaged `local` stage is reused across test files) and takes over the AWS environment. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const endpoint = await startLocalEndpoint({
    reusePackaging: true,
    ...(options.seed ? { seed: options.seed } : {}),
    settings: { ...TEST_TRANSITIONS, ...options.settings },
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.targetTemplate ? { targetTemplate: options.targetTemplate } : {}),
    ...(options.principals ? { principals: options.principals } : {}),
    ...(options.packaged ? { packaged: options.packaged } : {}),
    ...(options.fireSchedulesEveryMs !== undefined
      ? { fireSchedulesEveryMs: options.fireSchedulesEveryMs }
      : {}),
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

  // The packaged engine on the endpoint's Step Functions; its tasks call the last loaded handlers.
  const engineArn = packagedEngineStateMachineArn(
    packaged.template,
    endpoint.seed.home.region,
    endpoint.seed.home.accountId,
  );
  let engine: EngineHandlers | undefined;
  // A run started before any loadEngine gets a fresh engine container with the stage as packaged.
  const current = async (): Promise<EngineHandlers> => engine ?? harness.loadEngine();
  endpoint.aws.executions.register({
    arn: engineArn,
    definition: packagedEngineDefinition(packaged.template),
    handlers: {
      plan: async (event, ctx) => (await current()).plan(event, ctx),
      work: async (event, ctx) => (await current()).work(event, ctx),
      recheck: async (event, ctx) => (await current()).recheck(event, ctx),
      summarise: async (event, ctx) => (await current()).summarise(event, ctx),
    },
    waitMs: options.engineWaitMs ?? 100,
  });

  const harness: Harness = {
    endpoint,
    packaged,
    async loadEngine(env = {}, editConfig) {
      await harness.loadFunction({ env, ...(editConfig ? { editConfig } : {}) });
      let handlers: EngineHandlers | undefined;
      await jest.isolateModulesAsync(async () => {
        handlers = await importEngineHandlers();
      });
      if (!handlers) throw new Error('the engine handlers did not load');
      engine = handlers;
      return handlers;
    },
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
      const name = endpoint.seed.home.functionName;
      let instances: InstancesHandler | undefined;
      let http: HttpHandler | undefined;
      const httpRole = endpoint.aws.issueSession(
        HTTP_ROLE(endpoint.seed.home, fnEnv.SERVICE_NAME ?? '', fnEnv.STAGE ?? ''),
        name,
      );
      await jest.isolateModulesAsync(async () => {
        instances = (await import('../../handlers/instances')).handler;
        http = (await import('../../handlers/http')).handler;
        // The http function runs as its own role: its SFN client signs with that role's session.
        const { stepFunctions } = await import('../../handlers/aws/step-functions');
        stepFunctions.config.credentials = async () => httpRole;
      });
      if (!instances || !http) throw new Error('the handlers did not load');
      const loadedInstances = instances;
      const loadedHttp = http;
      return {
        config,
        invoke: (event) => loadedInstances(event, context(name)),
        http: (action, body) =>
          loadedHttp(httpApiEvent({ method: 'POST', action, body }), context(name)),
        getRun: (runId) => loadedHttp(httpApiEvent({ method: 'GET', runId }), context(name)),
        startedRuns: () =>
          endpoint.aws.executions
            .list(engineArn)
            .reverse()
            .map((record) => ({
              name: record.name,
              input: JSON.parse(record.input),
              status: record.status,
            })),
      };
    },
    async registerStarter(editConfig) {
      await harness.loadFunction(editConfig ? { editConfig } : undefined);
      const { home } = endpoint.seed;
      const fnEnv = packagedFunctionEnvironment(packaged);
      const prefix = `${fnEnv.SERVICE_NAME}-${fnEnv.STAGE}`;
      // A session valid at the world's time of each call: tests move the clock by days.
      const credentials = async () =>
        endpoint.aws.issueSession(
          `arn:aws:iam::${home.accountId}:role/${prefix}-EngineStartRole`,
          `${prefix}-engineStart`,
        );
      let starter: StartHandler | undefined;
      await jest.isolateModulesAsync(async () => {
        starter = (await import('../../handlers/engine/start')).handler;
        // Both of its clients sign as EngineStartRole, as Lambda hands the function its role.
        const { stepFunctions } = await import('../../handlers/aws/step-functions');
        stepFunctions.config.credentials = credentials;
        const { eventBridge } = await import('../../handlers/aws/events');
        eventBridge.config.credentials = credentials;
      });
      if (!starter) throw new Error('handlers/engine/start did not load');
      const loaded = starter;
      const arn = `arn:aws:lambda:${home.region}:${home.accountId}:function:${prefix}-engineStart`;
      endpoint.aws.functions.register(arn, (event) => loaded(event as StartInput));
      return arn;
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
  return harness;
}

/** The result for one (account, region); fails the test when the run did not report it. */
export function targetOf(result: RunResult, accountId: string, region: string) {
  const target = result.targets.find((t) => t.accountId === accountId && t.region === region);
  if (!target) throw new Error(`no result for ${accountId} ${region}`);
  return target;
}

/** One instance's result anywhere in the run. */
export function instanceOf(result: RunResult, instanceId: string) {
  const instance = result.targets.flatMap((t) => t.resources).find((r) => r.id === instanceId);
  if (!instance) throw new Error(`no result for ${instanceId}`);
  return instance;
}

/** What each test of a suite starts from: the counters or stores to empty before it. */
export type ResetBeforeEach = 'calls' | 'events' | 'faults';

export interface SuiteHarnessOptions extends HarnessOptions {
  /** Emptied before each test of the suite. */
  resetBeforeEach?: ResetBeforeEach[];
  /** beforeAll's timeout (packaging the stage the first time takes a while). */
  startTimeoutMs?: number;
}

/**
 * The suite lifecycle every integration suite shares: start the harness before the suite,
 * reset what each test must not inherit, stop it (restoring the environment) after. The
 * returned harness may only be used inside tests and hooks, once the suite has started.
 */
export function useHarness(options: SuiteHarnessOptions = {}): Harness {
  const { resetBeforeEach = [], startTimeoutMs = 120_000, ...harnessOptions } = options;
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness(harnessOptions);
  }, startTimeoutMs);
  afterAll(async () => {
    await started?.stop();
  });
  if (resetBeforeEach.length > 0) {
    beforeEach(() => {
      for (const store of resetBeforeEach) started?.endpoint.aws[store].reset();
    });
  }
  return new Proxy({} as Harness, {
    get(_, key) {
      if (!started) throw new Error('the harness is used before its suite started (beforeAll)');
      return started[key as keyof Harness];
    },
  });
}
