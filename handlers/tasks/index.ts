/**
 * The registered tasks: one line per task. The contract, the engine, the client factory, the
 * template generator and the policy prover all read this list, so a new task is a folder, a
 * policy fragment, one line here and `npm run generate`.
 */

import type { AnyTask } from '../core/task';
import type { Ec2Request } from './ec2/selector';
import { ec2Task } from './ec2/task';
import type { RdsRequest } from './rds/selector';
import { rdsTask } from './rds/task';

export const TASKS: readonly AnyTask[] = [ec2Task, rdsTask];

/** A validated request of any registered task: one member per task. */
export type TaskRequestUnion = Ec2Request | RdsRequest;

export type { Ec2Request, RdsRequest };

/** The task of requests that name none (every request written before tasks existed). */
export const DEFAULT_TASK = 'ec2';

/**
 * The lookups over a list of tasks. The registry below is this over TASKS; a test registers a
 * test-only task the same way (tests/helpers/fake-task.ts), by mocking this module, so nothing in
 * production can add a task at run time.
 */
export function registryOf(tasks: readonly AnyTask[]) {
  const names = tasks.map((t) => t.name);
  return {
    TASKS: tasks,
    TASK_NAMES: names,
    taskNamed(name: string | undefined): AnyTask {
      const wanted = name ?? DEFAULT_TASK;
      const task = tasks.find((t) => t.name === wanted);
      if (!task) throw new Error(`unknown task "${wanted}"; registered: ${names.join(', ')}`);
      return task;
    },
  };
}

const registry = registryOf(TASKS);

export const TASK_NAMES = registry.TASK_NAMES;
export const taskNamed = registry.taskNamed;
