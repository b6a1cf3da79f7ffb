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

export const TASK_NAMES = TASKS.map((t) => t.name);

export function taskNamed(name: string | undefined): AnyTask {
  const wanted = name ?? DEFAULT_TASK;
  const task = TASKS.find((t) => t.name === wanted);
  if (!task) throw new Error(`unknown task "${wanted}"; registered: ${TASK_NAMES.join(', ')}`);
  return task;
}
