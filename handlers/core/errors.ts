import type { Problem } from '../contract/problems';
import { describeProblems } from '../contract/problems';
import type { BlastRadius } from './results';

/** A required environment variable is missing or empty: the function cannot start. */
export class MissingEnvironmentError extends Error {
  readonly variable: string;

  constructor(variable: string) {
    super(
      `environment variable ${variable} is not set; it is defined in serverless.yml (provider.environment) or by the Lambda runtime`,
    );
    this.name = 'MissingEnvironmentError';
    this.variable = variable;
  }
}

/** The configuration the function received is unusable; `problems` names each field. */
export class InvalidConfigurationError extends Error {
  readonly problems: Problem[];

  constructor(source: string, problems: Problem[]) {
    super(`${source} is invalid:\n${describeProblems(problems)}`);
    this.name = 'InvalidConfigurationError';
    this.problems = problems;
  }
}

/** The event does not match the contract; thrown before any AWS call. */
export class InvalidRequestError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(`invalid request (${problems.length} problem(s)):\n${describeProblems(problems)}`);
    this.name = 'InvalidRequestError';
    this.problems = problems;
  }
}

/** An (account, region) pair that is not in the stage's configured targets. */
export class UnknownTargetError extends Error {
  constructor(accountId: string, region: string) {
    super(`account ${accountId} in ${region} is not a configured target of this stage`);
    this.name = 'UnknownTargetError';
  }
}

/** A selection that would need more filter values in one DescribeInstances call than EC2 accepts. */
export class FilterLimitError extends Error {
  constructor(values: number) {
    super(
      `the selection needs at least ${values} filter values in one DescribeInstances call, more than the 200 EC2 accepts; name fewer tag values`,
    );
    this.name = 'FilterLimitError';
  }
}

/** The blast-radius guard refused the request after selection, before any Start/Stop call. */
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
