/**
 * Blast-radius guard: one request may start or stop at most the stage's maxInstancesPerRequest
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
  /** What is counted, for the reason: the task's resource type, e.g. `ec2:instance`. */
  resourceType: string;
  targets: number;
  limit: number;
  confirmCount?: number;
}

export function assessBlastRadius(input: GuardInput): BlastRadius {
  const { action, resources, resourceType, targets, limit, confirmCount } = input;
  const base = {
    resources,
    limit,
    ...(confirmCount !== undefined ? { confirmCount } : {}),
  };
  const counted = `${resources} ${resourceType} resource(s) in ${targets} target(s)`;
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
    reason: `this ${action} would change ${counted}, more than this stage's maxInstancesPerRequest (${limit}); send "confirmCount": ${resources} to confirm, narrow the selection, or raise params.maxInstancesPerRequest`,
  };
}
