/**
 * What one invocation may wait for. A `wait: true` start or stop waits inside the invocation,
 * for at most the stage's waitTimeoutSeconds, cut to the invocation's time left less its reserve.
 * A task whose change usually takes longer than that (its `transitions.typicalSeconds`: an RDS
 * start takes many minutes) could only ever report "still under way", so such a request is
 * refused before any AWS call and pointed at the engine, whose Wait states wait for hours at no
 * cost (handlers/engine/README.md).
 */
import type { Problem } from '../formats/problems';
import type { AnyTask, CommonRequest } from './task';

/** Seconds a wait may take: the configured limit, cut to what the invocation has left. */
export function waitBudgetSeconds(
  config: { waitTimeoutSeconds: number; reserveMillis: number },
  remainingMillis: number,
): number {
  const left = (remainingMillis - config.reserveMillis) / 1000;
  return Math.max(0, Math.min(config.waitTimeoutSeconds, left));
}

/** The `wait` problem of a request this invocation cannot see through, else none. */
export function waitBeyondBudget(
  task: Pick<AnyTask, 'name' | 'transitions'>,
  request: Pick<CommonRequest, 'action' | 'wait' | 'dryRun'>,
  budgetSeconds: number,
): Problem[] {
  if (!request.wait || request.dryRun || request.action === 'status') return [];
  const typical = task.transitions.typicalSeconds[request.action];
  if (typical <= budgetSeconds) return [];
  return [
    {
      field: 'wait',
      message: `a ${request.action} of task "${task.name}" usually takes ${typical} s, more than the ${Math.floor(budgetSeconds)} s this invocation may wait (params.waitTimeoutSeconds, cut to the function's time left less reserveMillis); remove "wait" and check later with action "status", or run the request through the engine (POST /instances/{action}, or a schedule with scheduledRuns: engine), which waits as long as the task needs`,
    },
  ];
}
