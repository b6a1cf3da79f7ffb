/**
 * Which path each schedule's runs take, and why: the engine (the default), or the instances
 * function alone when the stage sets `scheduledRuns: single-invocation` and the schedule's
 * targets fit one invocation (single-invocation-limit.ts). `sls package` prints one line per
 * schedule and refuses a schedule beyond the limit (resources/home-stack/stage-config.cjs).
 */
import type { StageConfig } from '../../../handlers/config/stage-config';
import { parseRequest } from '../../../handlers/contract/request';
import { waitBeyondBudget, waitBudgetSeconds } from '../../../handlers/core/wait-budget';
import type { Problem } from '../../../handlers/formats/problems';
import { taskNamed } from '../../../handlers/tasks';
import { memoryFor, singleInvocationLimit, type TargetLimit } from './single-invocation-limit';

/** The instances function as serverless.yml sizes it. */
export interface SingleInvocationFunction {
  memoryMb: number;
  timeoutSeconds: number;
}

export interface SchedulePath {
  schedule: string;
  path: StageConfig['scheduledRuns'];
  /** The (account, region) targets its request reaches. */
  targets: number;
  /** For the single invocation: what one invocation holds. */
  limit?: TargetLimit;
  /** What `sls package` prints for it. */
  line: string;
}

const count = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US') : 'no limit');

export function schedulePaths(
  config: StageConfig,
  fn: SingleInvocationFunction,
): { paths: SchedulePath[]; problems: Problem[] } {
  const paths: SchedulePath[] = [];
  const problems: Problem[] = [];
  config.schedules.forEach((schedule, index) => {
    const parsed = parseRequest(schedule.request, config);
    const targets = parsed.ok ? parsed.value.targets.length : 0;
    const reach = `${count(targets)} target(s)`;
    if (config.scheduledRuns === 'engine') {
      paths.push({
        schedule: schedule.name,
        path: 'engine',
        targets,
        line: `schedule ${schedule.name}: engine (engineStart starts one run per scheduled time), ${reach}; params.scheduledRuns is "engine", the default`,
      });
      return;
    }
    // The same refusal the function would give every night (handlers/core/wait-budget.ts), now.
    const budget = waitBudgetSeconds(config, fn.timeoutSeconds * 1000);
    const slowWait = parsed.ok
      ? waitBeyondBudget(taskNamed(parsed.value.task), parsed.value, budget)
      : [];
    for (const problem of slowWait) {
      problems.push({
        field: `schedules[${index}].request.${problem.field}`,
        message: `schedule "${schedule.name}" runs as a single invocation (params.scheduledRuns), where ${problem.message}`,
      });
    }
    if (slowWait.length > 0) return;
    const waits = parsed.ok && parsed.value.wait === true;
    const sizing = {
      timeoutSeconds: fn.timeoutSeconds,
      reserveMillis: config.reserveMillis,
      waits,
    };
    const limit = singleInvocationLimit({ ...sizing, memoryMb: fn.memoryMb });
    const bounds = `memory ${count(limit.memory)}, time ${count(limit.time)} in ${fn.timeoutSeconds} s${waits ? ' with a minute to settle' : ''}`;
    if (targets > limit.limit) {
      const enough = memoryFor(targets, sizing);
      problems.push({
        field: 'params.scheduledRuns',
        message: `is "single-invocation", but schedule "${schedule.name}" (schedules[${index}]) reaches ${reach}, more than the ${count(limit.limit)} one invocation of the instances function runs at ${fn.memoryMb} MB (${bounds}; resources/home-stack/schedules/single-invocation-limit.ts); remove scheduledRuns to run it through the engine${enough ? `, or raise functions.instances.memorySize to ${enough} MB` : ''}`,
      });
      return;
    }
    paths.push({
      schedule: schedule.name,
      path: 'single-invocation',
      targets,
      limit,
      line: `schedule ${schedule.name}: single invocation (the instances function, ${fn.memoryMb} MB), ${reach}, within its limit of ${count(limit.limit)} (${bounds}); params.scheduledRuns is "single-invocation"`,
    });
  });
  return { paths, problems };
}
