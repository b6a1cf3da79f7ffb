import type { Problem } from '../formats/problems';
import { describeProblems } from '../formats/problems';

/** The event does not match the contract; thrown before any AWS call. */
export class InvalidRequestError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(`invalid request (${problems.length} problem(s)):\n${describeProblems(problems)}`);
    this.name = 'InvalidRequestError';
    this.problems = problems;
  }
}
