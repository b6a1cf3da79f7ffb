/**
 * The task port: what the engine needs from "a task over one (account, region) target". A task
 * owns everything about its service (selection, the calls, their errors, its IAM needs); the
 * engine owns fan-out, time budget, one catch per target, and the merged result.
 *
 * Capabilities a service lacks stay unimplemented: without `dryRun` a dry-run request is refused
 * at validation, naming the task; without `wait` the result reports the accepted change only.
 * Whether a task acts in batches or per resource is its own business.
 */
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { core } from 'zod/mini';
import type { Problem } from '../formats/problems';
import type { DiagnoseContext } from './diagnose';
import type { PolicyFragment } from './policy-fragment';
import type { DryRunReport, ResourceOutcome, TargetError } from './results';
import type { Action, ChangeAction, Target, WaiterDelays } from './types';

/** A selected resource as a run holds it until its act (`Task.hold`): JSON values only. */
export type HeldRow = ReadonlyArray<string | number | boolean | null>;

export interface HeldResource<Resource> {
  pack(resource: Resource): HeldRow;
  unpack(row: HeldRow): Resource;
}

/** The request fields every task shares, after validation and defaults. */
export interface CommonRequest {
  /** Name of the task; absent means `ec2` (requests written before tasks existed). */
  task?: string;
  action: Action;
  /** The (account, region) pairs to work on, in configuration order. */
  targets: Target[];
  dryRun: boolean;
  wait: boolean;
  /** Start/stop: the count of resources the caller confirms may change, past the stage's limit. */
  confirmCount?: number;
  /** Honour snooze tags (core/resource-rules.ts); a schedule's default is true, on demand false. */
  respectSnooze?: boolean;
  /** Stop: only the resources running for longer than this many hours (core/resource-rules.ts). */
  maxRunningHours?: number;
}

/** What request checks may know of the stage besides its targets. */
export interface StageFacts {
  /** The stage's control tag: a selection that can never include it is refused up front. */
  controlTag: { key: string; value: string };
}

/** Clients are closed when the invocation is done with them (every AWS SDK v3 client fits). */
export interface Destroyable {
  destroy(): void;
}

/** A credential provider for one account's assumed-role session (the SDK's provider type). */
export type CredentialProvider = ReturnType<typeof fromTemporaryCredentials>;

/** What every client of every target shares: the keep-alive pool and the retry budget. */
export interface SharedClientSettings {
  requestHandler: { httpAgent: HttpAgent; httpsAgent: HttpsAgent };
  /** Attempts per call, first try included (standard retry mode). */
  maxAttempts: number;
}

/** What the engine hands a task besides its client and the request. */
export interface TaskContext {
  /** The stage's control tag: only resources carrying it may be changed. */
  controlTag: { key: string; value: string };
  /** Milliseconds the target may still use (the invocation's time minus its reserve). */
  timeLeftMillis: () => number;
}

export interface Selection<Resource> {
  /** Resources the action may be applied to. */
  selected: Resource[];
  /** Resources found but deliberately left alone, with the reason. */
  skipped: ResourceOutcome[];
  /** Every resource ID found (selected or skipped): the engine reports requested IDs not found. */
  foundIds: string[];
}

export interface WaitOptions extends WaiterDelays {
  /** Longest time to wait, already bounded by the invocation's remaining time. */
  maxWaitSeconds: number;
}

/**
 * How a task's resources move between states. The engine's Wait rounds, its re-checks and its
 * budget follow these, so a slow service (an RDS start can take hours) is waited for as long as
 * it needs and a fast one is not polled needlessly.
 */
export interface Transitions {
  /** States on the way to each change action's final state (EC2 start: `pending`). */
  inTransit: Readonly<Record<ChangeAction, readonly string[]>>;
  /** The state each change action ends in (EC2 stop: `stopped`). */
  final: Readonly<Record<ChangeAction, string>>;
  /** Seconds a transition usually takes: the first Wait of a re-check round. */
  typicalSeconds: Readonly<Record<ChangeAction, number>>;
  /** Seconds after which a transition still under way counts as stuck. */
  maxSeconds: Readonly<Record<ChangeAction, number>>;
}

/** What one selected resource exposes to schedule rules (snooze tag, runtime cap). */
export interface ResourceFacts {
  id: string;
  /** `<service>:<resource>` for a task of several types (`resourceTypes`); else the task's. */
  type?: string;
  /** The service's state name, e.g. `running`, `available`. */
  state: string;
  tags: Readonly<Record<string, string>>;
  /** When it last started running, when the service says so (EC2: `LaunchTime`); else absent. */
  runningSince?: Date;
}

/**
 * Methods (not function properties) on purpose: their parameters are checked bivariantly, so a
 * `Task<EC2Client, Ec2Selector, SelectedInstance>` can sit in a registry of `AnyTask`.
 */
export interface Task<Client extends Destroyable, Selector extends object, Resource> {
  /** The request's `task` value, e.g. `ec2`. */
  readonly name: string;
  /** `<service>:<resource>` of every result entry, e.g. `ec2:instance`. */
  readonly resourceType: string;
  /** zod/mini fields this task adds to the request (its selector). */
  readonly selectorShape: core.$ZodShape;
  /** The IAM the target role needs for this task; rendered into the target-account templates. */
  readonly policy: PolicyFragment;
  /**
   * Every resource type this task reports, when more than `resourceType` (RDS: `rds:db`,
   * `rds:cluster`); an outcome then names its own `type`.
   */
  readonly resourceTypes?: readonly string[];
  /** How its resources move between states (see Transitions). */
  readonly transitions: Transitions;

  /** The selector from the validated request fields (defaults applied, values normalised). */
  readSelector(fields: Record<string, unknown>): Selector;
  /**
   * Checks the field schemas cannot make (cross-field rules, service limits such as EC2's 200
   * filter values per call), on the raw input; they run beside the common checks, before any call.
   */
  checkRequest?(
    input: Record<string, unknown>,
    action: Action | undefined,
    stage: StageFacts,
  ): Problem[];
  /**
   * What this service makes of the stage's own settings, at package time and cold start (EC2: the
   * control tag value must fit one DescribeInstances filter value); `field` names the setting.
   */
  checkStage?(stage: StageFacts): Problem[];
  /** IDs the caller named, to report those no target holds. */
  requestedIds?(selector: Selector): readonly string[];

  /** One client for one target, signed with the account's session, on the shared pool. */
  clientFor(target: Target, credentials: CredentialProvider, shared: SharedClientSettings): Client;
  select(
    client: Client,
    request: CommonRequest & Selector,
    context: TaskContext,
  ): Promise<Selection<Resource>>;
  /**
   * How many of the selected resources the request's start or stop would actually change (not
   * those already in the wanted state): what the blast-radius guard counts over every target.
   * Without it, every selected resource counts.
   */
  changeCount?(selected: readonly Resource[], request: CommonRequest & Selector): number;
  /** The facts schedule rules read from one selected resource (no call). */
  factsOf?(resource: Resource): ResourceFacts;
  /**
   * How a run holds a selected resource from its selection to its act, as a short row of JSON
   * values: a run holds every target's selection until the blast-radius guard has counted them
   * all, and as objects (each with its own strings) they were most of a large fleet's memory. The
   * row keeps what act, dry run, status and wait read; what only `factsOf` reads (tags, launch
   * time) is left out. Absent: the selection is held as it was selected.
   */
  hold?: HeldResource<Resource>;
  /**
   * Whether a status entry shows a start that fell back to the stopped state on its own (EC2: a
   * launch failure, whose state reason is not a user's stop), as opposed to a stop by someone.
   * Absent: the task's starts never fall back.
   */
  startFellBack?(status: ResourceOutcome): boolean;
  /**
   * This service's words for an error that stopped a whole target (its own error codes); return
   * undefined to leave the error to the shared diagnosis (credentials, network, throttling).
   */
  diagnose?(err: unknown, context: DiagnoseContext): TargetError | undefined;
  /** The status report of the selected resources (no call): one entry per resource, in order. */
  status(selected: readonly Resource[]): ResourceOutcome[];
  act(
    client: Client,
    selected: readonly Resource[],
    request: CommonRequest & Selector,
    context: TaskContext,
  ): Promise<ResourceOutcome[]>;
  dryRun?(
    client: Client,
    selected: readonly Resource[],
    request: CommonRequest & Selector,
  ): Promise<{ report: DryRunReport; resources: ResourceOutcome[] }>;
  /** With `wait: true`: confirms the final state of what `act` changed. */
  wait?(
    client: Client,
    request: CommonRequest & Selector,
    acted: readonly ResourceOutcome[],
    selected: readonly Resource[],
    options: WaitOptions,
  ): Promise<ResourceOutcome[]>;
}

/** Any registered task, its client and selector types erased. */
// biome-ignore lint/suspicious/noExplicitAny: erases each task's own selector and resource types
export type AnyTask = Task<Destroyable, any, any>;

export function supportsDryRun(task: AnyTask): boolean {
  return task.dryRun !== undefined;
}

/** True for a `changed` outcome still in one of the task's in-transit states for the action. */
export function isInTransit(
  task: Pick<AnyTask, 'transitions'>,
  action: ChangeAction,
  resource: { outcome: string; currentState?: string },
): boolean {
  return (
    resource.outcome === 'changed' &&
    resource.currentState !== undefined &&
    task.transitions.inTransit[action].includes(resource.currentState)
  );
}
