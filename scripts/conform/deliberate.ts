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

const TOPIC = 'arn:<partition>:sns:<region>:<account>:<name>';

export const DELIBERATE: DeliberateDifference[] = [
  {
    integration: 'scheduler-to-lambda',
    side: 'aws-cdk-lib',
    line: 'permission: Allow lambda:InvokeFunction on arn:<partition>:lambda:<region>:<account>:function:<name>:*',
    reason:
      'Narrower: each schedule targets the unqualified function ARN (resources/home-stack/schedules/), so the ' +
      "role needs no version or alias; aws-cdk-lib's grantInvoke adds them for any target.",
  },
  {
    integration: 'encrypted-topic',
    side: 'aws-cdk-lib',
    line: `topic policy: Allow Service:events.amazonaws.com sns:Publish on ${TOPIC}`,
    reason:
      'Narrower: EventBridge may publish only for the failed-runs rule (next entry), not for every ' +
      'rule of every account.',
  },
  {
    integration: 'encrypted-topic',
    side: 'stack',
    line: `topic policy: Allow Service:events.amazonaws.com sns:Publish on ${TOPIC} if ArnEquals aws:SourceArn=arn:<partition>:events:<region>:<account>:rule/<name>`,
    reason:
      "The rule's own ARN as aws:SourceArn: confused-deputy protection (SNS Developer Guide, " +
      '"sns-access-policy-use-cases", EventBridge to SNS).',
  },
  {
    integration: 'encrypted-topic',
    side: 'stack',
    line: `topic policy: Allow Service:cloudwatch.amazonaws.com sns:Publish on ${TOPIC} if StringEquals aws:SourceAccount=<account>`,
    reason:
      "CloudWatch alarms publish to the topic; aws-cdk-lib's SnsAction writes no policy for them. " +
      'Scoped to alarms of this account (aws:SourceAccount).',
  },
  ...['kms:Decrypt', 'kms:GenerateDataKey*'].map(
    (action): DeliberateDifference => ({
      integration: 'encrypted-topic',
      side: 'stack',
      line: `key policy: Allow Service:cloudwatch.amazonaws.com ${action} on *`,
      reason:
        'An alarm cannot publish to a topic encrypted with a customer-managed key unless the key ' +
        'policy lets cloudwatch.amazonaws.com use it (SNS Developer Guide, "sns-key-management", ' +
        "compatibility with event sources); aws-cdk-lib's SnsAction does not add it.",
    }),
  ),
];
