/**
 * Where the stack's IAM differs from what aws-cdk-lib writes for the same integration on
 * purpose, each with its reason. The only place such a difference may be accepted
 * (integrations.ts reads it); any other difference is a finding.
 */
export type Integration =
  | 'scheduler-to-lambda'
  | 'scheduler-to-state-machine'
  | 'distributed-map-parent'
  | 'encrypted-topic'
  | 'lambda-to-eventbridge';

export interface DeliberateDifference {
  integration: Integration;
  /** `stack`: only the stack has the line; `aws-cdk-lib`: only the reference has it. */
  side: 'stack' | 'aws-cdk-lib';
  /** The line as iam-shape.ts writes it. */
  line: string;
  reason: string;
}

export const DELIBERATE: DeliberateDifference[] = [];
