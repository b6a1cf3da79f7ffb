/**
 * The selection phase alone, counted: what a start or stop would change on these targets, with
 * describe calls only (no Start/Stop, not even a DryRun one). The Step Functions engine surveys
 * every batch this way before it acts, so its blast-radius guard sees the whole run.
 */
import { fanOut } from './fan-out';
import {
  addCounts,
  type RunDeps,
  type SelectedResources,
  selectResources,
  type TaskRequest,
} from './run';
import type { AnyTask } from './task';
import type { Target } from './types';

export interface ChangeSurvey {
  /** Resources the request would change on the targets it could read (the task's changeCount). */
  resources: number;
  /** The same count per resource type. */
  byType: Record<string, number>;
  targets: number;
  /** Targets that could not be read (credentials, describe): they count 0 here. */
  targetsFailed: number;
  /** Targets not reached before the invocation's reserve: they count 0 here. */
  targetsNotProcessed: number;
}

type Counted = { byType: Record<string, number> } | { failed: true } | { notProcessed: true };

export async function surveyChanges(
  task: AnyTask,
  request: TaskRequest,
  deps: RunDeps,
): Promise<ChangeSurvey> {
  const count = (item: SelectedResources): Counted =>
    'selection' in item ? { byType: item.changes ?? {} } : { failed: true };
  const counted = await fanOut<Target, Counted>(
    request.targets,
    {
      concurrency: deps.config.concurrency,
      reserveMillis: deps.config.reserveMillis,
      remainingMillis: deps.remainingMillis,
    },
    {
      run: async (target) => count(await selectResources(task, request, target, deps)),
      onError: () => ({ failed: true }),
      notStarted: () => ({ notProcessed: true }),
    },
  );
  const survey: ChangeSurvey = {
    resources: 0,
    byType: {},
    targets: counted.length,
    targetsFailed: 0,
    targetsNotProcessed: 0,
  };
  for (const one of counted) {
    if ('byType' in one) {
      survey.byType = addCounts(survey.byType, one.byType);
      survey.resources = Object.values(survey.byType).reduce((n, c) => n + c, 0);
    } else if ('failed' in one) survey.targetsFailed += 1;
    else survey.targetsNotProcessed += 1;
  }
  return survey;
}
