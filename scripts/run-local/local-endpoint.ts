/**
 * The local STS + EC2 endpoint with the real policy authorizer, as `npm start`, `npm run offline`,
 * the integration and end-to-end tests use it: the seed's world, the execution role from the
 * stage's packaged CloudFormation, each target role rendered from resources/target-account-role.yml
 * with the parameters its account deployed. No policy is written down here.
 *
 * The endpoint listens at once; packaging runs alongside, and the first authorization waits for
 * it. A caller that wants the packaging's outcome (or its failure) awaits `ready`.
 */

import {
  type Clock,
  type FaultPatch,
  type LocalAws,
  type LocalStateMachine,
  loadSeedFile,
  type OrganizationSeed,
  parseSeed,
  policyWorldFromSeed,
  type Seed,
  type SeedInput,
  schedulesFromTemplate,
  startLocalAws,
  type WorldSettings,
} from '../local-aws';
import type {
  AssumeRoleCheck,
  Authorizer,
  Ec2Check,
  OrganizationsCheck,
  ServiceAssumeRoleCheck,
} from '../shared/authorization';
import type { Env } from '../shared/stack/cli-env';
import {
  type PackagedStage,
  type PackagedStageResult,
  packagedStage,
} from '../shared/stack/packaged-stage';
import {
  createPolicyAuthorizer,
  type LoadedWorld,
  type PolicyAuthorizer,
  type PolicyWorld,
  type RequestCheck,
  type WorldPrincipal,
} from '../verify';

/**
 * EC2's proportions at 1/60 speed: a 60 s stop takes 1 s, so a `wait` finishes in seconds. A
 * hibernation takes twice a stop (hibernatingMs unset), also when a caller shortens the stop.
 */
export const FAST_TRANSITIONS: Pick<
  WorldSettings,
  'pendingMs' | 'stoppingMs' | 'kmsFallbackMs' | 'timeFactor'
> = {
  pendingMs: 30_000,
  stoppingMs: 60_000,
  kmsFallbackMs: 20_000,
  timeFactor: 1 / 60,
};

/** Waiter polling for a function run against the endpoint: its instances settle in about a second. */
export const FAST_WAITER: Env = { WAITER_MIN_DELAY_SECONDS: '0.5', WAITER_MAX_DELAY_SECONDS: '1' };

export interface LocalEndpointOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Seed file or object; default scripts/local-aws/seed.json. */
  seed?: string | SeedInput;
  /** World settings over the seed's; default FAST_TRANSITIONS. */
  settings?: Partial<WorldSettings>;
  faults?: FaultPatch;
  clock?: Clock;
  /** Reuse an identical earlier `sls package` of the stage (tests). Default false. */
  reusePackaging?: boolean;
  /** A packaged stage to evaluate instead of packaging (tests that change the documents). */
  packaged?: PackagedStage;
  /** A parsed target-account template to render the target roles from (tests of older roles). */
  targetTemplate?: unknown;
  log?: (line: string) => void;
  /** The AWS Organization of the accounts (default: the one matching seed.json). */
  organization?: OrganizationSeed;
  /**
   * Further roles or users with their identity policies (e.g. an operator who may read the
   * engine's executions); `aws.issueSession(arn, name)` gives a session of one.
   */
  principals?: WorldPrincipal[];
  /** State machines served over Step Functions' API (or `aws.executions.register` later). */
  stateMachines?: LocalStateMachine[];
  /** Let the local Scheduler look for due schedules this often as real time flows (ms). */
  fireSchedulesEveryMs?: number;
}

export interface LocalEndpointReady {
  packaging: PackagedStageResult;
  loaded: LoadedWorld;
}

export interface LocalEndpoint {
  aws: LocalAws;
  seed: Seed;
  /** The stage the seed's home names belong to (`local`). */
  stage: string;
  /** Settles once the stage is packaged and every policy is loaded; rejects if packaging failed. */
  ready: Promise<LocalEndpointReady>;
  /**
   * What a process running the function against this endpoint needs, and nothing more: the home
   * execution role's session credentials, the region, and AWS_ENDPOINT_URL_STS/EC2/EVENTBRIDGE/SFN/SCHEDULER/RDS. Put it in a
   * child's environment (or a test's), never in this process's.
   */
  clientEnv(): Env;
  stop(): Promise<void>;
}

export async function startLocalEndpoint(
  options: LocalEndpointOptions = {},
): Promise<LocalEndpoint> {
  const seed =
    typeof options.seed === 'object' ? parseSeed(options.seed) : loadSeedFile(options.seed);
  // The seed describes the world by shape (scripts/local-aws/authorizer-source.ts); the
  // policy module types its parameters more narrowly.
  const seeded = policyWorldFromSeed(seed) as unknown as PolicyWorld;
  const world: PolicyWorld = options.principals
    ? { ...seeded, principals: [...(seeded.principals ?? []), ...options.principals] }
    : seeded;
  const packaging: Promise<PackagedStageResult> = options.packaged
    ? Promise.resolve({ packaged: options.packaged, packagedNow: false, durationMs: 0 })
    : packagedStage(seed.home.stage, {
        region: seed.home.region,
        reuse: options.reusePackaging ?? false,
      });
  const ready = packaging.then(async (result) => {
    const authorizer = createPolicyAuthorizer(world, {
      packaged: result.packaged,
      ...(options.targetTemplate ? { targetTemplate: options.targetTemplate } : {}),
    });
    const loaded = await authorizer.ready();
    return { packaging: result, loaded, authorizer };
  });
  // Until `ready` settles nothing is unhandled; a caller that never awaits it still sees each
  // authorization fail.
  ready.catch(() => undefined);
  const authorizer: Authorizer &
    Pick<PolicyAuthorizer, 'authorizeRequest' | 'authorizeServiceAssumeRole'> = {
    authorizeAssumeRole: async (check: AssumeRoleCheck) =>
      (await ready).authorizer.authorizeAssumeRole(check),
    authorizeEc2: async (check: Ec2Check) => (await ready).authorizer.authorizeEc2(check),
    authorizeOrganizations: async (check: OrganizationsCheck) =>
      (await ready).authorizer.authorizeOrganizations(check),
    authorizeRequest: async (check: RequestCheck) =>
      (await ready).authorizer.authorizeRequest(check),
    authorizeServiceAssumeRole: async (check: ServiceAssumeRoleCheck) =>
      (await ready).authorizer.authorizeServiceAssumeRole(check),
  };

  const aws = await startLocalAws({
    authorizer,
    seed,
    port: options.port ?? 0,
    settings: { ...FAST_TRANSITIONS, ...options.settings },
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.log ? { log: options.log } : {}),
    ...(options.organization ? { organization: options.organization } : {}),
    ...(options.stateMachines ? { stateMachines: options.stateMachines } : {}),
    ...(options.fireSchedulesEveryMs !== undefined
      ? { fireSchedulesEveryMs: options.fireSchedulesEveryMs }
      : {}),
  });

  // The local Scheduler holds the stage's schedules as the packaged stack would deploy them.
  const schedulesSeeded = ready.then(({ packaging: result }) => {
    aws.schedules.seed(
      schedulesFromTemplate(result.packaged.template, {
        accountId: seed.home.accountId,
        region: seed.home.region,
        stackName: `${result.packaged.service}-${seed.home.stage}`,
      }),
    );
  });
  schedulesSeeded.catch(() => undefined);

  return {
    aws,
    seed,
    stage: seed.home.stage,
    ready: Promise.all([ready, schedulesSeeded]).then(([{ packaging: result, loaded }]) => ({
      packaging: result,
      loaded,
    })),
    clientEnv: () => ({
      AWS_ACCESS_KEY_ID: aws.homeCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws.homeCredentials.secretAccessKey,
      AWS_SESSION_TOKEN: aws.homeCredentials.sessionToken,
      AWS_REGION: aws.region,
      AWS_ENDPOINT_URL_STS: aws.endpointEnv.AWS_ENDPOINT_URL_STS,
      AWS_ENDPOINT_URL_EC2: aws.endpointEnv.AWS_ENDPOINT_URL_EC2,
      AWS_ENDPOINT_URL_EVENTBRIDGE: aws.endpointEnv.AWS_ENDPOINT_URL_EVENTBRIDGE,
      AWS_ENDPOINT_URL_SFN: aws.endpointEnv.AWS_ENDPOINT_URL_SFN,
      AWS_ENDPOINT_URL_SCHEDULER: aws.endpointEnv.AWS_ENDPOINT_URL_SCHEDULER,
      AWS_ENDPOINT_URL_RDS: aws.endpointEnv.AWS_ENDPOINT_URL_RDS,
      // The pause switch's state machine: `sls invoke local` has no function ARN to find it by.
      ...(aws.homeEngineArn ? { ENGINE_STATE_MACHINE_ARN: aws.homeEngineArn } : {}),
    }),
    stop: () => aws.stop(),
  };
}
