import { describeProblems, type Problem } from '../../../handlers/formats/problems';

/** A plain error without a stack: osls prints the message, and the stack would only add noise. */
export class StageConfigError extends Error {
  constructor(stage: string, problems: readonly Problem[]) {
    super(
      `Invalid configuration for stage "${stage}" in serverless.yml:\n${describeProblems(problems)}`,
    );
    this.name = 'StageConfigError';
    this.stack = this.message;
  }
}
