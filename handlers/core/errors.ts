import { describeProblems, type Problem } from '../formats/problems';
import { SchedulerError } from '../formats/scheduler-error';
import type { BlastRadius } from './results';

/** An (account, region) pair that is not in the stage's configured targets. */
export class UnknownTargetError extends SchedulerError {
  constructor(accountId: string, region: string) {
    super(
      'UnknownTargetError',
      `account ${accountId} in ${region} is not a configured target of this stage`,
    );
  }
}

/** The blast-radius guard refused the request after selection, before any target was changed. */
export class ResourceLimitError extends SchedulerError {
  readonly blastRadius: BlastRadius;
  readonly problems: Problem[];

  constructor(blastRadius: BlastRadius) {
    const problems = [{ field: 'confirmCount', message: blastRadius.reason ?? 'refused' }];
    super(
      'ResourceLimitError',
      `request refused by the blast-radius guard:\n${describeProblems(problems)}`,
    );
    this.blastRadius = blastRadius;
    this.problems = problems;
  }
}
