/**
 * Starts one engine run for a scheduled delivery, named after the schedule and its scheduled
 * time. A duplicate delivery of the same invocation finds the name taken
 * (ExecutionAlreadyExists) and is answered as a duplicate, not started again.
 */
import type { RunSkip } from '../core/results';
import { SchedulerError } from '../formats/scheduler-error';
import { executionName } from './execution-name';

/** The one Step Functions call the starter needs. */
export interface ExecutionStarter {
  startExecution(input: {
    stateMachineArn: string;
    name: string;
    input: string;
  }): Promise<{ executionArn: string }>;
}

/** Step Functions refused the name: an execution with it exists (running or finished). */
export class ExecutionAlreadyExistsError extends SchedulerError {
  constructor(
    readonly executionName: string,
    options?: { cause?: unknown },
  ) {
    super(
      'ExecutionAlreadyExistsError',
      `an execution named ${executionName} exists already`,
      options,
    );
  }
}

export interface ScheduledDelivery {
  schedule: string;
  scheduledTime: string;
  request: unknown;
}

export type StartOutcome =
  | { started: true; name: string; executionArn: string }
  | { started: false; name: string; duplicate: true }
  /** An excluded date or holiday of the schedule: no run (handlers/signals/scheduled-skip.ts). */
  | { started: false; name: string; skipped: RunSkip };

export async function startScheduledRun(
  starter: ExecutionStarter,
  stateMachineArn: string,
  delivery: ScheduledDelivery,
): Promise<StartOutcome> {
  const name = executionName(delivery.schedule, delivery.scheduledTime);
  const input = JSON.stringify({
    request: delivery.request,
    origin: {
      kind: 'schedule',
      schedule: delivery.schedule,
      scheduledTime: delivery.scheduledTime,
    },
  });
  try {
    const { executionArn } = await starter.startExecution({ stateMachineArn, name, input });
    return { started: true, name, executionArn };
  } catch (err) {
    if (err instanceof ExecutionAlreadyExistsError)
      return { started: false, name, duplicate: true };
    throw err;
  }
}
