import type { Problem } from '../formats/problems';
import { describeProblems } from '../formats/problems';
import { SchedulerError } from '../formats/scheduler-error';

/** The event does not match the contract; thrown before any AWS call. */
export class InvalidRequestError extends SchedulerError {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(
      'InvalidRequestError',
      `invalid request (${problems.length} problem(s)):\n${describeProblems(problems)}`,
    );
    this.problems = problems;
  }
}
