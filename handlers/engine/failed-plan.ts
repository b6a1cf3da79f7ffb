/**
 * The run of an engine execution whose Plan step failed, for the Run Summary its failure path
 * sends (PlanFailed in state-machine.asl.yml): with no plan, what its input still says.
 */
import { ACTIONS, type Action } from '../core/types';
import { parseRunOrigin } from '../formats/origin';
import { SchedulerError } from '../formats/scheduler-error';
import { TASKS, taskNamed } from '../tasks';
import type { EngineRun } from './plan';

/** What a failed plan hands its summary (PlanFailed in the definition): its execution, as Plan got it. */
export interface FailedPlanInput {
  execution?: { request?: unknown; origin?: unknown };
  executionName?: unknown;
  startedAt?: unknown;
}

/**
 * The run of an execution whose plan failed (a fleet past the engine's work items, or an input no
 * starter sends), from what its input still says: its Run Summary names what was asked and who
 * asked. Undefined when the input names no action or a malformed origin: such a summary could
 * only guess them, so there is none (the failed-executions alarm still fires).
 */
export function failedPlanRun(
  input: FailedPlanInput,
): { action: Action; run: EngineRun } | undefined {
  const request = input.execution?.request;
  const fields =
    typeof request === 'object' && request !== null ? (request as Record<string, unknown>) : {};
  const action = ACTIONS.find((a) => a === fields.action);
  const origin = parseRunOrigin(input.execution?.origin);
  if (action === undefined || !origin.ok || typeof input.executionName !== 'string') {
    return undefined;
  }
  // An unknown task is reported under the default one: the failure names the task it asked for.
  const task = TASKS.find((t) => t.name === fields.task) ?? taskNamed(undefined);
  return {
    action,
    run: {
      id: input.executionName,
      task: task.name,
      resourceType: task.resourceType,
      startedAt: typeof input.startedAt === 'string' ? input.startedAt : new Date().toISOString(),
      dryRun: fields.dryRun === true,
      origin: origin.origin,
      targets: 0,
      batches: 0,
    },
  };
}

/** A failed plan whose input names no action or a malformed origin: no summary can name the run. */
export class UnreportableRunError extends SchedulerError {
  constructor(executionName: unknown) {
    super(
      'UnreportableRunError',
      `the plan of execution ${String(executionName)} failed and its input names no action (start, stop, status) or a malformed origin, so no Run Summary was sent; the execution's own failure says why the plan failed`,
    );
  }
}
