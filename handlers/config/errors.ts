import type { Problem } from '../formats/problems';
import { describeProblems } from '../formats/problems';
import { SchedulerError } from '../formats/scheduler-error';

/** A required environment variable is missing or empty: the function cannot start. */
export class MissingEnvironmentError extends SchedulerError {
  readonly variable: string;

  constructor(variable: string) {
    super(
      'MissingEnvironmentError',
      `environment variable ${variable} is not set; it is defined in serverless.yml (provider.environment) or by the Lambda runtime`,
    );
    this.variable = variable;
  }
}

/** The configuration the function received is unusable; `problems` names each field. */
export class InvalidConfigurationError extends SchedulerError {
  readonly problems: Problem[];

  constructor(source: string, problems: Problem[], options?: ErrorOptions) {
    super(
      'InvalidConfigurationError',
      `${source} is invalid:\n${describeProblems(problems)}`,
      options,
    );
    this.problems = problems;
  }
}
