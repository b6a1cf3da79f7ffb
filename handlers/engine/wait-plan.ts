/**
 * How the engine waits for a task's transitions. The stage's engine settings give the shortest
 * Wait between re-check rounds (waitSeconds) and the rounds at most (maxChecks); the task's
 * `transitions.maxSeconds` says how long a change may take before it counts as stuck. The Wait is
 * stretched so that the rounds cover that time: a slow service (an RDS start can take hours) is
 * waited for as long as it needs, in the same bounded number of rounds, and a fast one is looked
 * at no more often than the stage says.
 */
import type { Transitions } from '../core/task';
import type { ChangeAction } from '../core/types';
import type { EngineSettings } from './settings';

export interface WaitPlan {
  /** Seconds of each Wait state between re-check rounds. */
  waitSeconds: number;
  /** Re-check rounds at most (0: the run does not wait). */
  maxChecks: number;
}

export function waitPlan(
  transitions: Pick<Transitions, 'maxSeconds'>,
  action: ChangeAction,
  settings: Pick<EngineSettings, 'waitSeconds' | 'maxChecks'>,
): WaitPlan {
  if (settings.maxChecks === 0) return { waitSeconds: settings.waitSeconds, maxChecks: 0 };
  const spread = Math.ceil(transitions.maxSeconds[action] / settings.maxChecks);
  return { waitSeconds: Math.max(settings.waitSeconds, spread), maxChecks: settings.maxChecks };
}

/** The longest a run of any of these tasks may wait, Wait states only (the run's time limit). */
export function longestWaitSeconds(
  tasks: ReadonlyArray<{ transitions: Pick<Transitions, 'maxSeconds'> }>,
  settings: Pick<EngineSettings, 'waitSeconds' | 'maxChecks'>,
): number {
  const actions: ChangeAction[] = ['start', 'stop'];
  const waits = tasks.flatMap((task) =>
    actions.map((action) => {
      const plan = waitPlan(task.transitions, action, settings);
      return plan.waitSeconds * plan.maxChecks;
    }),
  );
  return Math.max(settings.waitSeconds * settings.maxChecks, ...waits);
}
