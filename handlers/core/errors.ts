import { describeProblems, type Problem } from '../formats/problems';
import type { BlastRadius } from './results';

/** An (account, region) pair that is not in the stage's configured targets. */
export class UnknownTargetError extends Error {
  constructor(accountId: string, region: string) {
    super(`account ${accountId} in ${region} is not a configured target of this stage`);
    this.name = 'UnknownTargetError';
  }
}

/** The blast-radius guard refused the request after selection, before any target was changed. */
export class InstanceLimitError extends Error {
  readonly blastRadius: BlastRadius;
  readonly problems: Problem[];

  constructor(blastRadius: BlastRadius) {
    const problems = [{ field: 'confirmCount', message: blastRadius.reason ?? 'refused' }];
    super(`request refused by the blast-radius guard:\n${describeProblems(problems)}`);
    this.name = 'InstanceLimitError';
    this.blastRadius = blastRadius;
    this.problems = problems;
  }
}
