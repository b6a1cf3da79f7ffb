import type { Action } from '../contract/request';

/**
 * Every instance a run touches ends with exactly one of these outcomes.
 * - changed: the action was sent and accepted (with `wait`, the final state was reached)
 * - unchanged: already in (or moving to) the wanted state, or a status report / dry run
 * - skipped: deliberately not acted on (Auto Scaling member, missing control tag, wrong state)
 * - failed: the action was attempted and did not succeed; `reason` says why
 * - not-processed: the run ended (time budget, target failure) before reaching it
 */
export type Outcome = 'changed' | 'unchanged' | 'skipped' | 'failed' | 'not-processed';

export interface InstanceResult {
  instanceId: string;
  name?: string;
  previousState?: string;
  currentState?: string;
  outcome: Outcome;
  /** Why, in words a person can act on. Always set for skipped, failed and not-processed. */
  reason?: string;
  /** AWS error or state-reason code behind a failure, e.g. `Client.InternalError`. */
  code?: string;
}

/**
 * - ok: every selected instance has a stated outcome (some may still be failed)
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
  /** `would-succeed`: EC2 answered DryRunOperation; `not-authorised`: UnauthorizedOperation. */
  verdict: 'would-succeed' | 'not-authorised' | 'partly-authorised' | 'nothing-to-do';
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
  instances: InstanceResult[];
  durationMs: number;
}

export interface RunSummary {
  targets: number;
  targetsFailed: number;
  targetsNotProcessed: number;
  instances: number;
  changed: number;
  unchanged: number;
  skipped: number;
  failed: number;
  notProcessed: number;
}

/** What the blast-radius guard decided (start and stop only; a dry run only reports it). */
export interface BlastRadius {
  /** Instances the request would start or stop, over every target. */
  instances: number;
  /** The stage's maxInstancesPerRequest. */
  limit: number;
  confirmCount?: number;
  verdict: 'within-limit' | 'confirmed' | 'refused';
  /** Why it was (or, in a dry run, would be) refused, and how to proceed. */
  reason?: string;
}

export interface RunResult {
  action: Action;
  dryRun: boolean;
  requestId: string;
  startedAt: string;
  durationMs: number;
  summary: RunSummary;
  targets: TargetResult[];
  /** Instance IDs asked for by the caller that no selected target holds. */
  unmatchedInstanceIds: string[];
  /** Start and stop: the blast-radius guard's count and verdict. */
  blastRadius?: BlastRadius;
  /**
   * RoleSessionName of each account's session (account ID to name): find the calls in the target
   * accounts' CloudTrail. A warm container reuses sessions, so the name may carry the request ID
   * of the invocation that opened the session.
   */
  roleSessionNames?: Record<string, string>;
}
