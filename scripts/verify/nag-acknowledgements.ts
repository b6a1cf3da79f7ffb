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
      'alarm (resources/home-stack/signals/alarms.ts), and it keeps messages 14 days, the SQS maximum.',
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
    resource: /^(Instances|Http|Engine\w+)LambdaVersion\w+$/,
    reason:
      'osls keeps every published Lambda version (DeletionPolicy: Retain) and names each one by ' +
      'a hash of the code and the function properties (package/compile/functions.js, ' +
      'versionHash): any change creates a new logical ID, so a version is never replaced in place ' +
      'and UpdateReplacePolicy has nothing to protect.',
  },
  {
    kind: 'service',
    rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/{service}-{stage}-target]',
    resource: 'IamRoleLambdaExecution',
    reason:
      'Only in a stage that chose params.assumeScope: organization (a fleet too large for the ' +
      'exact ARNs within IAM\'s policy size): the account part is "*", and the statement\'s ' +
      'StringEquals aws:ResourceOrgID (with aws:ResourceOrgPaths when OUs are named) and ' +
      "lambda:SourceFunctionArn bound it to this role name in the stage's organization, from " +
      'inside its functions. verify proves a role of the same name outside the organization is ' +
      'unreachable (scripts/targets/README.md states the trade-off).',
  },
  // The Step Functions engine (handlers/engine, resources/home-stack/engine.cjs, serverless-step-functions).
  ...(
    [
      ['enginePlan', 'EngineLogsOnlyRole'],
      ['engineSummarise', 'EngineSummariseRole'],
      ['engineStart', 'EngineStartRole'],
      ['http', 'HttpEngineRunsRole'],
    ] as const
  ).map(
    ([fn, role]): Acknowledgement => ({
      kind: 'service',
      rule: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/lambda/{service}-{stage}-${fn}:*]`,
      resource: role,
      reason:
        `Log writing of ${fn}, on its own log group only: Lambda names the log streams at run ` +
        'time (<date>/[<version>]<instance id>), so the stream part cannot be named.',
    }),
  ),
  {
    kind: 'service',
    rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{service}-{stage}-engine:*]',
    resource: 'EngineStateMachineRole',
    reason:
      'Statement ReadAndStopChildExecutions: the Distributed Map describes and stops its child ' +
      "executions, whose names Step Functions generates at run time; only this stage's own state " +
      'machine can be named.',
  },
  {
    kind: 'service',
    rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{service}-{stage}-engine/*:*]',
    resource: 'EngineStateMachineRole',
    reason:
      'Statement RedriveMapRuns: redriving a run redrives its map runs (execution:<machine>/<map ' +
      'run>:<id>, labels and IDs made at run time), as the Step Functions Developer Guide, "IAM ' +
      'policies for using Distributed Map states", writes it; only this stage\'s own state machine.',
  },
  {
    kind: 'service',
    rule: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{service}-{stage}-engine:*]',
    resource: 'HttpEngineRunsRole',
    reason:
      'Statement ReadEngineRuns: states:DescribeExecution for GET /runs/{id}. Each on-demand run ' +
      'is an execution named per request at run time (its run ID, http-<time>-<API request ID>), ' +
      'so the execution part cannot be named in advance; the resource is limited to executions ' +
      "of this stage's own state machine, and the action only reads. The function builds the " +
      'ARN from ENGINE_STATE_MACHINE_ARN and a run ID of letters, digits, - and _ only ' +
      '(handlers/engine/run-id.ts, unit-tested against ids that name another machine or account).',
  },
  {
    kind: 'service',
    rule: 'AwsSolutions-SF1',
    resource: 'EngineStateMachine',
    reason:
      'The parent is a Standard state machine: Step Functions records every event of every ' +
      'execution in its execution history (90 days) at no cost. The children are Lambda workers ' +
      'whose own logs carry one line per target (handlers/aws/run-log.ts), and failures reach ' +
      'metrics, events and alarms (handlers/signals). Logging ALL events to CloudWatch Logs ' +
      'would need logs:CreateLogDelivery and related actions on "*" and duplicate both.',
  },
  {
    kind: 'service',
    rule: 'AwsSolutions-SF2',
    resource: 'EngineStateMachine',
    reason:
      'X-Ray tracing is left off: it needs xray:PutTraceSegments on "*" for the state machine ' +
      'role, and the X-Ray SDKs are in maintenance (end of support 2027-02-25; new work should ' +
      'use OpenTelemetry). Execution history, the EMF metrics and the run events show where a run ' +
      'spent its time and what failed.',
  },
  {
    kind: 'target-role',
    rule: 'AwsSolutions-IAM5[Resource::*]',
    resource: 'TargetRole',
    statements: ['DescribeInstances', 'DescribeDatabases'],
    reason:
      'Statement DescribeInstances: ec2:DescribeInstances supports no resource-level permissions ' +
      '(the Service Authorization Reference lists no resource type for it), so IAM only accepts ' +
      'Resource "*". Statement DescribeDatabases: rds:DescribeDBInstances and rds:DescribeDBClusters ' +
      'have only an optional resource type (db, cluster) in that reference, and the RDS task lists ' +
      'every database of a region (a call without an identifier names no resource). Both read ' +
      'metadata only; verify proves no other action is allowed on "*".',
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
    kind: 'target-role',
    rule: 'AwsSolutions-IAM5[Resource::arn:aws:rds:*:{account}:db:*]',
    resource: 'TargetRole',
    statements: ['StartStopControlTaggedDbInstances'],
    reason:
      'Statement StartStopControlTaggedDbInstances: the DB instances are chosen at run time, in ' +
      'every region the stage configures for this account. What limits it is the condition ' +
      'aws:ResourceTag/<ControlTagKey> = <ControlTagValue> (the db resource type accepts it, ' +
      'Service Authorization Reference for Amazon RDS); verify proves an untagged DB instance ' +
      'cannot be started or stopped.',
  },
  {
    kind: 'target-role',
    rule: 'AwsSolutions-IAM5[Resource::arn:aws:rds:*:{account}:cluster:*]',
    resource: 'TargetRole',
    statements: ['StartStopControlTaggedDbClusters'],
    reason:
      'Statement StartStopControlTaggedDbClusters: as for DB instances, the Aurora clusters are ' +
      'chosen at run time and the condition aws:ResourceTag/<ControlTagKey> = <ControlTagValue> ' +
      'limits it (the cluster resource type accepts it); verify proves an untagged cluster cannot ' +
      'be started or stopped.',
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
