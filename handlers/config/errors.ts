import type { Problem } from '../formats/problems';
import { describeProblems } from '../formats/problems';

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
