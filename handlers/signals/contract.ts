/**
 * The signals a run emits, as one contract shared by the function (which emits them) and the
 * package-time builders (resources/signals, which alarm on them and route them). Renaming a
 * metric or an event field here renames it everywhere; the schema is versioned so that rules
 * and consumers can tell a breaking change (see handlers/signals/SIGNALS.md).
 */
import type { Action } from '../contract/request';
import type { RunSkip, SnoozeCounts } from '../core/results';
import type { RunOrigin } from '../formats/origin';

export type { RunOrigin };

/** One CloudWatch namespace per service: the service name itself (e.g. `xacct-ec2`). */
export const metricsNamespace = (serviceName: string): string => serviceName;

/**
 * Dimensions every run metric carries. Bounded on purpose: the service, the stage and the action
 * take a handful of values. Account and resource IDs never become dimensions (each value would
 * be a new metric); they, the task and its resource types go in the EMF properties instead.
 */
export const RUN_DIMENSIONS = ['service', 'stage', 'action'] as const;
/** The heartbeat is per schedule: a stage has a few, named in serverless.yml. */
export const HEARTBEAT_DIMENSIONS = ['service', 'stage', 'schedule'] as const;

export const METRICS = {
  resourcesChanged: 'ResourcesChanged',
  resourcesUnchanged: 'ResourcesUnchanged',
  resourcesSkipped: 'ResourcesSkipped',
  resourcesFailed: 'ResourcesFailed',
  resourcesNotProcessed: 'ResourcesNotProcessed',
  targetsFailed: 'TargetsFailed',
  targetsNotProcessed: 'TargetsNotProcessed',
  runDuration: 'RunDuration',
  runsCompleted: 'RunsCompleted',
  /** One per run the blast-radius guard refused (nothing was changed); dimension action. */
  runsRefused: 'RunsRefused',
  /** One per scheduled run skipped on an excluded date or holiday (nothing called); dimension action. */
  runsSkipped: 'RunsSkipped',
  /** Resources whose snooze tag a run honoured, ignored (unparsable, too distant, on demand) or found expired. */
  snoozesHonoured: 'SnoozesHonoured',
  snoozesIgnored: 'SnoozesIgnored',
  snoozesExpired: 'SnoozesExpired',
  eventsSent: 'EventsSent',
  eventsFailed: 'EventsFailed',
  /** One per run a schedule triggered, dimensioned by schedule: the heartbeat alarm's metric. */
  scheduledRunsCompleted: 'ScheduledRunsCompleted',
  /** One per HTTP request answered 500 (an internal error, not a refusal); no action dimension. */
  httpInternalErrors: 'HttpInternalErrors',
} as const;
export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** EventBridge `source` of every event: the service name (never `aws.`-prefixed). */
export const eventSource = (serviceName: string): string => serviceName;

export const DETAIL_TYPES = {
  runSummary: 'Run Summary',
  resourceOutcome: 'Resource Outcome',
} as const;

/** Bumped on a breaking change to either detail; additions keep the version. */
export const EVENT_SCHEMA_VERSION = '2';

/**
 * The ID consumers deduplicate on (SIGNALS.md, "Duplicates"). EventBridge gives each PutEvents
 * entry a new `id`, and a step that sent its events and was then retried (Step Functions' Retry
 * on a Lambda error) sends them again: the same fact then carries the same `eventId`. A run's
 * summary names its outcome, so a summary that supersedes an earlier one (the failed summary
 * after a summary step that sent and then failed) is a new fact that a
 * consumer keeping the first of each `eventId` still receives.
 */
export const runSummaryEventId = (runId: string, outcome: RunOutcome): string =>
  `${runId}/run-summary/${outcome}`;
export const resourceOutcomeEventId = (
  runId: string,
  place: {
    account: string;
    region: string;
    resourceType: string;
    resourceId: string;
    outcome: string;
  },
): string =>
  `${runId}/${place.account}/${place.region}/${place.resourceType}/${place.resourceId}/${place.outcome}`;

/**
 * - succeeded: every resource and target ended as intended (skips included)
 * - failed: at least one resource or target (or, in the engine, a work item) failed
 * - incomplete: nothing failed, but the run ended before reaching everything
 * - refused: the blast-radius guard refused the run before anything was changed
 * - skipped: a scheduled run on an excluded date or holiday of its schedule: nothing was called
 */
export type RunOutcome = 'succeeded' | 'failed' | 'incomplete' | 'refused' | 'skipped';

/** Why the blast-radius guard refused a run, and the count it refused. */
export interface RunRefusal {
  reason: string;
  /** Resources the run would have changed, and the stage's limit, when the guard counted them. */
  resources?: number;
  limit?: number;
}

/** One resource that failed, short (an engine run lists these; its workers' logs have the reason). */
export interface ResourceFailure {
  account: string;
  region: string;
  /** `<service>:<resource>`, e.g. `ec2:instance`. */
  resourceType: string;
  resourceId: string;
  code: string;
}

/** What only an engine run has: its work items and re-check rounds. */
export interface EngineRunFacts {
  batches: number;
  checks: number;
  /** Work items lost after their retries: their targets' outcomes are unknown. */
  itemsFailed: number;
  /** Changed resources still in one of their task's in-transit states when the engine stopped waiting. */
  inTransit: number;
  /**
   * Starts found fallen back to stopped that got no Resource Outcome of their own (past the
   * caps: 100 a run, 5 a work item a round); they are counted in `counts.failed` all the same.
   */
  fellBackNotReported: number;
  /**
   * Set when a phase failed and ended the run (its Map as a whole, or its summary step):
   * the phase, Step Functions' error and its cause (each at most 200 characters). The counts are
   * what was summarised before it.
   */
  failure?: { failedAt: 'Plan' | 'Survey' | 'Act' | 'Recheck'; error: string; cause: string };
}

export interface TargetFailure {
  account: string;
  region: string;
  status: 'failed' | 'not-processed';
  code?: string;
  reason: string;
}

export interface RunSummaryDetail {
  schemaVersion: typeof EVENT_SCHEMA_VERSION;
  /** One per run and outcome (runSummaryEventId): a copy of an event already received has the same. */
  eventId: string;
  stage: string;
  /** The Lambda request ID of a single-invocation run; the execution name of an engine run. */
  runId: string;
  /** The task that ran, e.g. `ec2`. */
  task: string;
  requestedAction: Action;
  dryRun: boolean;
  outcome: RunOutcome;
  origin: RunOrigin;
  startedAt: string;
  durationMs: number;
  counts: {
    targets: number;
    targetsFailed: number;
    targetsNotProcessed: number;
    resources: number;
    changed: number;
    unchanged: number;
    skipped: number;
    failed: number;
    notProcessed: number;
  };
  /** Targets that failed or were not processed; at most MAX_LISTED_TARGETS of them. */
  failedTargets: TargetFailure[];
  /** How many failed targets were left out of `failedTargets` to keep the event small. */
  failedTargetsOmitted: number;
  /** Engine runs: failed resources, capped (a single-invocation run sends a Resource Outcome each). */
  failedResources?: ResourceFailure[];
  failedResourcesOmitted?: number;
  /** Only when `outcome` is `refused`. */
  refused?: RunRefusal;
  /** Only when `outcome` is `skipped`. */
  skipped?: RunSkip;
  /** Resources with a snooze tag, by what the run made of it (single-invocation runs). */
  snoozes?: SnoozeCounts;
  /** Only for an engine run. */
  engine?: EngineRunFacts;
}

export interface ResourceOutcomeDetail {
  schemaVersion: typeof EVENT_SCHEMA_VERSION;
  /** One per (run, resource, outcome) (resourceOutcomeEventId). */
  eventId: string;
  stage: string;
  runId: string;
  /** The task that ran, e.g. `ec2`. */
  task: string;
  requestedAction: Action;
  account: string;
  region: string;
  /** `<service>:<resource>`, e.g. `ec2:instance`. */
  resourceType: string;
  /** The resource's ID in its service (an EC2 instance ID, a DB instance identifier). */
  resourceId: string;
  name?: string;
  outcome: 'changed' | 'failed' | 'not-processed';
  previousState?: string;
  currentState?: string;
  reason?: string;
  code?: string;
  origin: RunOrigin;
}

/** Failed targets listed in a run summary; the rest are counted (a fleet can fail by hundreds). */
export const MAX_LISTED_TARGETS = 50;

/** What a run reports about its own signals, beside its result. */
export interface SignalsReport {
  eventsSent: number;
  eventsFailed: number;
}
