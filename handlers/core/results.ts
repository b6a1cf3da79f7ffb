/**
 * The run result, format version 2: it speaks of resources (`targets[].resources[]`, each with a
 * `type` such as `ec2:instance` and an `id`), so every task reports in the same shape
 * (handlers/contract/RESULTS.md).
 */
import type { Action } from './types';

/** Format of RunResult; raised on any change a reader must know about. */
export const RESULT_FORMAT_VERSION = 2;

/**
 * Every resource a run touches ends with exactly one of these outcomes.
 * - changed: the action was sent and accepted (with `wait`, the final state was reached)
 * - unchanged: already in (or moving to) the wanted state, or a status report / dry run
 * - skipped: deliberately not acted on (Auto Scaling member, missing control tag, wrong state)
 * - failed: the action was attempted and did not succeed; `reason` says why
 * - not-processed: the run ended (time budget, target failure) before reaching it
 */
export type Outcome = 'changed' | 'unchanged' | 'skipped' | 'failed' | 'not-processed';

/** What a task reports for one resource; the engine adds the task's resource type. */
export interface ResourceOutcome {
  /** The resource's ID in its service (an EC2 instance ID, a DB instance identifier). */
  id: string;
  name?: string;
  previousState?: string;
  currentState?: string;
  outcome: Outcome;
  /** Why, in words a person can act on. Always set for skipped, failed and not-processed. */
  reason?: string;
  /** AWS error or state-reason code behind a failure, e.g. `Client.InternalError`. */
  code?: string;
  /** `<service>:<resource>` when the task reports more than one type (RDS); else the task's. */
  type?: string;
  /** The resource's snooze tag, and what the run made of it (core/resource-rules.ts). */
  snooze?: SnoozeNote;
  /** Hours it had been running, when the request set `maxRunningHours`. */
  runningHours?: number;
}

/**
 * - honoured: the stop left it alone until `until`
 * - ignored: the tag is unparsable or too distant, or the request does not respect snoozes
 * - expired: the time has passed
 * - active: a status report of a snooze still running (not counted)
 */
export interface SnoozeNote {
  status: 'honoured' | 'ignored' | 'expired' | 'active';
  until?: string;
  /** Why it was ignored or expired. */
  detail?: string;
}

/** Entries of a run by what their snooze tag did. */
export type SnoozeCounts = Record<'honoured' | 'ignored' | 'expired', number>;

export interface ResourceResult extends ResourceOutcome {
  /** `<service>:<resource>`, e.g. `ec2:instance`. */
  type: string;
}

/**
 * - ok: every selected resource has a stated outcome (some may still be failed)
 * - failed: the target could not be worked on at all (credentials, describe); see `error`
 * - not-processed: never started because the invocation ran out of time
 */
export type TargetStatus = 'ok' | 'failed' | 'not-processed';

export interface TargetError {
  code: string;
  message: string;
  /** What to check, on which side, in order of likelihood. */
  checks: string[];
}

export interface DryRunReport {
  /**
   * `would-succeed`: the service confirmed the call would be allowed (EC2: DryRunOperation);
   * `not-authorised`: it would be refused; `not-supported`: the task has no dry run.
   */
  verdict:
    | 'would-succeed'
    | 'not-authorised'
    | 'partly-authorised'
    | 'nothing-to-do'
    | 'not-supported';
  /** Counts behind the verdict, and the error codes when something was refused. */
  detail?: string;
}

export interface TargetResult {
  accountId: string;
  region: string;
  status: TargetStatus;
  error?: TargetError;
  /** Why the target was not processed (time budget). */
  reason?: string;
  dryRun?: DryRunReport;
  /** Sorted by `id`. */
  resources: ResourceResult[];
  durationMs: number;
}

/** Why a scheduled run did nothing: its local date is excluded or a public holiday. */
export interface RunSkip {
  reason: 'excluded-date' | 'holiday';
  /** The schedule's local date of the run, YYYY-MM-DD. */
  date: string;
  /** The `excludedDates` entry that matched, or the holiday's name and code. */
  detail: string;
}

export interface RunSummary {
  targets: number;
  targetsFailed: number;
  targetsNotProcessed: number;
  resources: number;
  changed: number;
  unchanged: number;
  skipped: number;
  failed: number;
  notProcessed: number;
}

/** What the blast-radius guard decided (start and stop only; a dry run only reports it). */
export interface BlastRadius {
  /** Resources the request would start or stop, over every target (the task's `changeCount`). */
  resources: number;
  /** The same count per resource type, e.g. `{ "ec2:instance": 12 }`; the limit applies to the total. */
  byType: Record<string, number>;
  /** The stage's maxResourcesPerRequest (a count of resources of every type together). */
  limit: number;
  confirmCount?: number;
  /** Engine work items only: what the run's survey counted for this batch (the most it may change). */
  approved?: number;
  verdict: 'within-limit' | 'confirmed' | 'refused';
  /** Why it was (or, in a dry run, would be) refused, and how to proceed. */
  reason?: string;
}

export interface RunResult {
  /** RESULT_FORMAT_VERSION. */
  version: typeof RESULT_FORMAT_VERSION;
  /** The task that ran, e.g. `ec2`. */
  task: string;
  action: Action;
  dryRun: boolean;
  requestId: string;
  startedAt: string;
  durationMs: number;
  summary: RunSummary;
  targets: TargetResult[];
  /** Resource IDs asked for by the caller that no selected target holds. */
  unmatchedIds: string[];
  /** Start and stop: the blast-radius guard's count and verdict. */
  blastRadius?: BlastRadius;
  /** A scheduled run on one of its excluded dates or holidays: nothing was called. */
  skipped?: RunSkip;
  /** Entries with a snooze tag, by what the run made of it; absent when none had one. */
  snoozes?: SnoozeCounts;
  /**
   * RoleSessionName of each account's session (account ID to name): find the calls in the target
   * accounts' CloudTrail. A warm container reuses sessions, so the name may carry the request ID
   * of the invocation that opened the session.
   */
  roleSessionNames?: Record<string, string>;
}
