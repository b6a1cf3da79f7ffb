/**
 * Blast-radius guard: one request may start or stop at most the stage's maxInstancesPerRequest
 * instances, counted over the whole run (every target is selected before any target is acted
 * on), unless it confirms the exact count with `confirmCount`. A dry run reports the verdict and
 * is never refused: it changes nothing.
 */
import { type ChangeAction, planAction } from './act';
import type { BlastRadius } from './results';
import type { SelectedInstance } from './select';

/** Instances the action would actually be sent for (not those already in the wanted state). */
export function countToChange(
  selections: ReadonlyArray<readonly SelectedInstance[]>,
  action: ChangeAction,
): number {
  return selections.reduce((n, instances) => n + planAction(instances, action).toSend.length, 0);
}

export interface GuardInput {
  action: ChangeAction;
  instances: number;
  targets: number;
  limit: number;
  confirmCount?: number;
}

export function assessBlastRadius(input: GuardInput): BlastRadius {
  const { action, instances, targets, limit, confirmCount } = input;
  const base = {
    instances,
    limit,
    ...(confirmCount !== undefined ? { confirmCount } : {}),
  };
  if (confirmCount !== undefined) {
    if (confirmCount === instances) return { ...base, verdict: 'confirmed' };
    return {
      ...base,
      verdict: 'refused',
      reason: `confirmCount is ${confirmCount} but this ${action} would change ${instances} instance(s) in ${targets} target(s) now; check the selection with a dry run and confirm the current count`,
    };
  }
  if (instances <= limit) return { ...base, verdict: 'within-limit' };
  return {
    ...base,
    verdict: 'refused',
    reason: `this ${action} would change ${instances} instances in ${targets} target(s), more than this stage's maxInstancesPerRequest (${limit}); send "confirmCount": ${instances} to confirm, narrow the selection, or raise params.maxInstancesPerRequest`,
  };
}
