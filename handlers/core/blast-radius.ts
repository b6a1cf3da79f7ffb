/**
 * Blast-radius guard: one request may start or stop at most the stage's maxResourcesPerRequest
 * resources, counted over the whole run (every target is selected before any target is acted
 * on), unless it confirms the exact count with `confirmCount`. A dry run reports the verdict and
 * is never refused: it changes nothing. Task-agnostic: the engine counts with the task's
 * `changeCount` and hands the total here.
 */
import type { BlastRadius } from './results';
import type { ChangeAction } from './types';

export interface GuardInput {
  action: ChangeAction;
  /** Resources the run would change, over every selected target. */
  resources: number;
  /** The same count per resource type (`ec2:instance`: 12); its values add up to `resources`. */
  byType: Readonly<Record<string, number>>;
  /** What is counted, for the reason: the task's resource type, e.g. `ec2:instance`. */
  resourceType: string;
  targets: number;
  limit: number;
  confirmCount?: number;
}

/** `12 ec2:instance resource(s)`, or `5 resource(s) (3 rds:db, 2 rds:cluster)` for several types. */
function describeCount(resources: number, byType: GuardInput['byType'], resourceType: string) {
  const types = Object.entries(byType).filter(([, n]) => n > 0);
  if (types.length <= 1) return `${resources} ${types[0]?.[0] ?? resourceType} resource(s)`;
  return `${resources} resource(s) (${types.map(([type, n]) => `${n} ${type}`).join(', ')})`;
}

export function assessBlastRadius(input: GuardInput): BlastRadius {
  const { action, resources, byType, resourceType, targets, limit, confirmCount } = input;
  const base = {
    resources,
    byType: { ...byType },
    limit,
    ...(confirmCount !== undefined ? { confirmCount } : {}),
  };
  const counted = `${describeCount(resources, byType, resourceType)} in ${targets} target(s)`;
  if (confirmCount !== undefined) {
    if (confirmCount === resources) return { ...base, verdict: 'confirmed' };
    return {
      ...base,
      verdict: 'refused',
      reason: `confirmCount is ${confirmCount} but this ${action} would change ${counted} now; check the selection with a dry run and confirm the current count`,
    };
  }
  if (resources <= limit) return { ...base, verdict: 'within-limit' };
  return {
    ...base,
    verdict: 'refused',
    reason: `this ${action} would change ${counted}, more than this stage's maxResourcesPerRequest (${limit}); send "confirmCount": ${resources} to confirm, narrow the selection, or raise params.maxResourcesPerRequest`,
  };
}

export interface ApprovedBatchInput {
  action: ChangeAction;
  /** Resources this batch would change now, and per resource type. */
  resources: number;
  byType: Readonly<Record<string, number>>;
  resourceType: string;
  targets: number;
  /** The stage's maxResourcesPerRequest, reported as the run's limit. */
  limit: number;
  /** What the engine's survey counted for this batch, inside a run the guard accepted as a whole. */
  approved: number;
}

/**
 * The engine's per-batch guard: the run as a whole was surveyed and accepted, so a batch may
 * change at most what its survey counted. Fewer is fine (a resource stopped meanwhile); more
 * means the selection grew since the survey, and the batch is refused rather than silently larger.
 */
export function assessApprovedBatch(input: ApprovedBatchInput): BlastRadius {
  const { action, resources, byType, resourceType, targets, limit, approved } = input;
  const base = { resources, byType: { ...byType }, limit, approved };
  if (resources <= approved) return { ...base, verdict: 'confirmed' };
  return {
    ...base,
    verdict: 'refused',
    reason: `this ${action} would change ${describeCount(resources, byType, resourceType)} in ${targets} target(s) of this work item, but the run's survey counted ${approved} and the run was accepted for that; the selection grew since the survey, so this work item changed nothing: run again`,
  };
}
