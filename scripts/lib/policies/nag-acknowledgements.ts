/**
 * The findings of `npm run lint:cfn` that are right as they are, each with the evidence why.
 * An acknowledgement names one rule on one resource of one kind of document; any other finding
 * fails the lint, and so does an acknowledgement that no longer matches a finding (it would
 * hide the next one). The deep doc (README.md, "Outside linter") repeats these in prose.
 */
import type { DocumentKind } from './nag-documents';

export interface Acknowledgement {
  kind: DocumentKind;
  /** The rule exactly as the pack reports it; `{service}`, `{stage}`, `{account}` are filled in. */
  rule: string;
  /** The logical ID, or a pattern for IDs the framework derives (Lambda versions carry a hash). */
  resource: string | RegExp;
  /**
   * For a wildcard finding (IAM5), the statements (Sid) allowed to carry the wildcard: the
   * acknowledgement no longer covers it once another statement has it too.
   */
  statements?: readonly string[];
  reason: string;
}

/** osls's log-writing statements (lib/plugins/aws/package/lib/merge-iam-templates.js). */
const LOG_GROUP_ARN =
  'arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/{service}-{stage}*';

const LOG_STREAMS_ARE_RUNTIME_NAMES =
  'Log writing of the functions, as osls generates it for functions named <service>-<stage>-<function> ' +
  '(merge-iam-templates.js): logs:CreateLogStream/CreateLogGroup/TagResource on the log groups and ' +
  'logs:PutLogEvents on their streams. Lambda names each log stream at run time ' +
  '(<date>/[<version>]<instance id>), so the stream part cannot be named. osls names exact log groups ' +
  'only for functions whose name does not start with <service>-<stage>; this service keeps the ' +
  'canonical names because the target roles and the AssumeConfiguredTargetRoles condition name them. ' +
  'The prefix also covers /aws/lambda/<service>-<stage><more> groups of the same account and region ' +
  '(e.g. a stage "prod2" beside "prod"): log writing only, no reads, no other service. ' +
  'verify proves the role allows nothing but sts:AssumeRole and these log actions.';

export const ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  {
    kind: 'service',
    rule: 'AwsSolutions-SQS3',
    resource: 'ScheduleDeadLetterQueue',
    reason:
      'The queue is itself the dead-letter queue of the schedules (their Target.DeadLetterConfig ' +
      'names it): it receives the runs EventBridge Scheduler could not deliver, and a dead-letter ' +
      'queue of a dead-letter queue would only move the same messages once more. Its depth has an ' +
      'alarm (scripts/lib/signals/alarms.ts), and it keeps messages 14 days, the SQS maximum.',
  },
  {
    kind: 'service',
    rule: 'AwsSolutions-S1',
    resource: 'ServerlessDeploymentBucket',
    reason:
      'The deployment bucket osls creates holds only the artifacts of `sls deploy` (the function ' +
      'zips and the template), written by the deployer and read by CloudFormation; the functions ' +
      'have no S3 permission at all (verify proves the execution role allows only sts:AssumeRole ' +
      'and log writing). osls encrypts it (AES256) and its ServerlessDeploymentBucketPolicy denies ' +
      'every request without TLS. Server access logs need a second bucket as their target (a ' +
      'bucket must not log into itself), which would raise the same finding again. Where access ' +
      'logs are required, set provider.deploymentBucket.name to an existing bucket that has them: ' +
      'osls then creates no bucket and this acknowledgement must go (the lint says so).',
  },
  {
    kind: 'service',
    rule: `AwsSolutions-IAM5[Resource::${LOG_GROUP_ARN}:*]`,
    resource: 'IamRoleLambdaExecution',
    reason: LOG_STREAMS_ARE_RUNTIME_NAMES,
  },
  {
    kind: 'service',
    rule: `AwsSolutions-IAM5[Resource::${LOG_GROUP_ARN}:*:*]`,
    resource: 'IamRoleLambdaExecution',
    reason: LOG_STREAMS_ARE_RUNTIME_NAMES,
  },
  {
    kind: 'service',
    rule: 'W3011',
    resource: /^(Instances|Http)LambdaVersion\w+$/,
    reason:
      'osls keeps every published Lambda version (DeletionPolicy: Retain) and names each one by ' +
      'a hash of the code and the function properties (package/compile/functions.js, ' +
      'versionHash): any change creates a new logical ID, so a version is never replaced in place ' +
      'and UpdateReplacePolicy has nothing to protect.',
  },
  {
    kind: 'target-role',
    rule: 'AwsSolutions-IAM5[Resource::*]',
    resource: 'TargetRole',
    statements: ['DescribeInstances'],
    reason:
      'Statement DescribeInstances: ec2:DescribeInstances supports no resource-level permissions ' +
      '(the Service Authorization Reference lists no resource type for it), so IAM only accepts ' +
      'Resource "*". It reads instance metadata only; verify proves no other action is allowed on "*".',
  },
  {
    kind: 'target-role',
    rule: 'AwsSolutions-IAM5[Resource::arn:aws:ec2:*:{account}:instance/*]',
    resource: 'TargetRole',
    statements: ['StartStopControlTaggedInstances'],
    reason:
      'Statement StartStopControlTaggedInstances: the instances are chosen at run time, in every ' +
      'region the stage configures for this account, and the role is global (one template per ' +
      'account). What limits it is the condition aws:ResourceTag/<ControlTagKey> = ' +
      '<ControlTagValue>; verify proves an instance without the tag, or with another value, ' +
      'cannot be started or stopped.',
  },
  {
    kind: 'target-role-template',
    rule: 'E3510',
    resource: 'TargetRole',
    reason:
      'Policy start-stop-control-tagged-instances is a JSON string (a !Sub of JSON text), because ' +
      'its condition key aws:ResourceTag/<ControlTagKey> takes the tag key from a parameter and a ' +
      'YAML key cannot be substituted. The template reference types PolicyDocument as Json and lets ' +
      'a YAML template give the policy "in JSON or YAML format" (AWS::IAM::Role Policy); this check ' +
      'only accepts an object, where cfn-lint (1.51) accepts the string. The rendered role (every target of every stage, in object form) is ' +
      'linted in full, and verify evaluates the same rendering.',
  },
  {
    kind: 'target-role-template',
    rule: 'AwsSolutions-IAM5',
    resource: 'TargetRole',
    reason:
      'The rule cannot read a policy that is a string with intrinsics; it runs on the rendered ' +
      'role of every configured target instead (documents "<stage>: target role rendered for …").',
  },
];
