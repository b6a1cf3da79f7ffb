import { engineArnBeside } from '../../handlers/formats/stage-pause';
import type { Authorizer } from '../shared/authorization';
import { ADMIN_PREFIX, handleAdmin } from './admin-api';
import { roleUniqueId } from './arns';
import { handleAwsRequest } from './aws-request-handler';
import { CallCounters } from './call-counters';
import { type Clock, isAdjustable, TravelClock } from './clock';
import type { TemporaryCredentials } from './credentials';
import { RecordedEvents } from './events-store';
import { type FaultPatch, Faults } from './faults';
import { listen } from './http-server';
import { LocalFunctions } from './lambda-functions';
import { loadSeedFile, parseSeed } from './load-seed';
import { LOCAL_ORGANIZATION, type OrganizationSeed } from './organizations-model';
import { attachOrganization } from './organizations-service';
import { type ScheduleFiring, SchedulerFiring } from './scheduler-firing';
import { type ScheduleSeed, ScheduleStore } from './scheduler-store';
import type { Seed, SeedInput, WorldSettings } from './seed-schema';
import { credentialsOf } from './sessions';
import { type LocalStateMachine, StateMachineExecutions } from './states-executions';
import { ThrottleRegistry } from './throttling';
import { World } from './world';

export interface StartLocalAwsOptions {
  /** Decides AssumeRole and EC2 permissions (the real one evaluates the deployed policies). */
  authorizer: Authorizer;
  /** 0 (default) picks a free port; the chosen URL is in the result. */
  port?: number;
  /** A seed file path or a seed object; default scripts/local-aws/seed.json. */
  seed?: string | SeedInput;
  /** Default: real time that POST /_local/clock can move forward. */
  clock?: Clock;
  /** Overrides the seed's transition times and session lifetimes. */
  settings?: Partial<WorldSettings>;
  faults?: FaultPatch;
  /** lambda:SourceFunctionArn of the home session; null = as if called from outside the function. */
  homeSourceFunctionArn?: string | null;
  /** Where unexpected failures are reported (default: stderr). */
  log?: (line: string) => void;
  /** The AWS Organization the accounts belong to (default: LOCAL_ORGANIZATION, matching seed.json). */
  organization?: OrganizationSeed;
  /**
   * State machines served over Step Functions' API (StartExecution, DescribeExecution,
   * StopExecution, ListExecutions); their runs happen in this process. Default: none.
   */
  stateMachines?: readonly LocalStateMachine[];
  /** EventBridge Scheduler's schedules (e.g. schedulesFromTemplate of the packaged stage); none by default. */
  schedules?: readonly ScheduleSeed[];
  /**
   * Check for due schedules this often (ms) as real time flows (`npm run local-aws`); by default
   * schedules fire only when the clock is moved (`advanceClock`, POST /_local/clock) or on
   * `firing.fireDue()`, so tests never wait.
   */
  fireSchedulesEveryMs?: number;
}

export interface LocalAws {
  /** http://127.0.0.1:<port>: one URL for STS and EC2. */
  url: string;
  port: number;
  /** The home account's region (a sensible AWS_REGION for clients). */
  region: string;
  /** The execution role's session: what `sls invoke local` runs with. */
  homeCredentials: TemporaryCredentials;
  /**
   * The seed stage's engine state machine, deployed beside its function: its tags (the pause
   * switch) are served even when no run definition is registered.
   */
  homeEngineArn: string | undefined;
  /** AWS_ENDPOINT_URL_STS, _EC2, _EVENTBRIDGE, _SFN, _SCHEDULER and _RDS for a child process. */
  endpointEnv: {
    AWS_ENDPOINT_URL_STS: string;
    AWS_ENDPOINT_URL_EC2: string;
    AWS_ENDPOINT_URL_EVENTBRIDGE: string;
    AWS_ENDPOINT_URL_SFN: string;
    AWS_ENDPOINT_URL_SCHEDULER: string;
    AWS_ENDPOINT_URL_RDS: string;
  };
  seed: Seed;
  world: World;
  faults: Faults;
  calls: CallCounters;
  /** Events PutEvents accepted (GET /_local/events). */
  events: RecordedEvents;
  /** Step Functions executions (DescribeExecution's view, and `finished(arn)` to await one). */
  executions: StateMachineExecutions;
  /** EventBridge Scheduler's schedules; `schedules.seed(...)` adds more. */
  schedules: ScheduleStore;
  /** Scheduler firing the enabled schedules (scheduler-firing.ts): its firings and dead letters. */
  firing: SchedulerFiring;
  /** Functions a schedule may invoke, by ARN (`functions.register(arn, handler)`). */
  functions: LocalFunctions;
  /** Moves the world clock on and fires what fell due, in order (a ManualClock or TravelClock). */
  advanceClock(ms: number): Promise<ScheduleFiring[]>;
  throttles: ThrottleRegistry;
  clock: Clock;
  /**
   * A session of any role (e.g. the engine starter's), as Lambda would hand its function: what
   * it may do is the Authorizer's decision for that role ARN.
   */
  issueSession(roleArn: string, sessionName: string): TemporaryCredentials;
  /** Stops every running execution, then closes the server. */
  stop(): Promise<void>;
}

/** `<service>-<stage>-engine` beside the seed's `<service>-<stage>-instances` function. */
function homeEngineArn(home: Seed['home']): string | undefined {
  const suffix = `-${home.stage}-instances`;
  if (!home.functionName.endsWith(suffix)) return undefined;
  const service = home.functionName.slice(0, -suffix.length);
  return engineArnBeside(home.functionArn, service, home.stage);
}

/** Starts the local STS + EC2 endpoint on 127.0.0.1 and resolves once it listens. */
export async function startLocalAws(options: StartLocalAwsOptions): Promise<LocalAws> {
  const seed =
    typeof options.seed === 'object' ? parseSeed(options.seed) : loadSeedFile(options.seed);
  const clock = options.clock ?? new TravelClock();
  const world = new World(seed, clock, options.settings, {
    ...(options.homeSourceFunctionArn !== undefined
      ? { sourceFunctionArn: options.homeSourceFunctionArn }
      : {}),
  });
  attachOrganization(world, options.organization ?? LOCAL_ORGANIZATION);
  const faults = new Faults(options.faults ?? {});
  const throttles = new ThrottleRegistry(clock, (bucket) => faults.bucketSpec(bucket));
  faults.onBucketsChanged(() => throttles.reset());
  const calls = new CallCounters();
  const events = new RecordedEvents();
  const executions = new StateMachineExecutions(options.stateMachines ?? []);
  const homeEngine = homeEngineArn(seed.home);
  if (homeEngine) executions.declare(homeEngine);
  const schedules = new ScheduleStore(() => clock.now() / 1000);
  schedules.seed(options.schedules ?? []);
  const functions = new LocalFunctions(() => clock.now());
  const firing = new SchedulerFiring({
    schedules,
    clock,
    authorizer: options.authorizer,
    functions,
    sessions: world.sessions,
  });
  const log = options.log ?? ((line: string) => console.error(line));
  const endpoint = {
    world,
    authorizer: options.authorizer,
    faults,
    throttles,
    calls,
    events,
    executions,
    schedules,
    wallNow: () => Date.now(),
    log,
  };
  const server = await listen(options.port ?? 0, (request) =>
    request.path.startsWith(ADMIN_PREFIX)
      ? handleAdmin({ world, faults, calls, clock, events, firing }, request)
      : handleAwsRequest(endpoint, request),
  );
  const ticker =
    options.fireSchedulesEveryMs === undefined
      ? undefined
      : setInterval(() => {
          firing
            .fireDue()
            .catch((error: unknown) => log(`Scheduler firing failed: ${String(error)}`));
        }, options.fireSchedulesEveryMs);
  ticker?.unref();
  return {
    url: server.url,
    port: server.port,
    region: seed.home.region,
    homeCredentials: credentialsOf(world.homeSession),
    homeEngineArn: homeEngine,
    endpointEnv: {
      AWS_ENDPOINT_URL_STS: server.url,
      AWS_ENDPOINT_URL_EC2: server.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: server.url,
      AWS_ENDPOINT_URL_SFN: server.url,
      AWS_ENDPOINT_URL_SCHEDULER: server.url,
      AWS_ENDPOINT_URL_RDS: server.url,
    },
    seed,
    world,
    faults,
    calls,
    events,
    executions,
    schedules,
    firing,
    functions,
    async advanceClock(ms) {
      if (!isAdjustable(clock)) throw new Error('This clock cannot be moved');
      clock.advance(ms);
      return firing.fireDue();
    },
    throttles,
    clock,
    issueSession(arn, sessionName) {
      const [, , , , accountId = '', resource = ''] = arn.split(':');
      const session = world.sessions.issue({
        role: {
          accountId,
          name: resource.split('/').at(-1) ?? resource,
          arn,
          roleId: roleUniqueId(arn),
          maxSessionDurationSeconds: 3600,
        },
        sessionName,
        lifetimeSeconds: 3600,
      });
      return credentialsOf(session);
    },
    async stop() {
      if (ticker) clearInterval(ticker);
      executions.stopAll();
      await server.close();
    },
  };
}
