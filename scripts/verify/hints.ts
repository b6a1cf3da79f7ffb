/**
 * What to fix when verify finds a problem, named by the document and statement to change.
 * The README troubleshooting table and the tests quote these strings, so they live here once.
 */

export interface Hint {
  /** What the user sees (a verify row that differs, or an AccessDenied in AWS). */
  symptom: string;
  /** The document and statement to change, and how. */
  fix: string;
}

export const HINTS = {
  executionRoleCannotAssume: {
    symptom: 'The execution role cannot assume a configured target role',
    fix: 'serverless.yml provider.iam.role, statement AssumeConfiguredTargetRoles: its Resource must list this target-role ARN (params targets[].accountId and targetRoleName) and its ArnEquals lambda:SourceFunctionArn must list the calling function',
  },
  trustRejectsExecutionRole: {
    symptom: 'The target role does not trust the execution role',
    fix: 'resources/target-account-role.yml, statement TrustOnlyTheExecutionRole: deploy the stack with HomeAccountId = the home account and ExecutionRoleName = <service>-<stage>-<region>-exec',
  },
  externalIdMismatch: {
    symptom: 'AssumeRole is denied although the configured ExternalId is sent',
    fix: 'resources/target-account-role.yml, statement RequireExternalId: the stack parameter ExternalId must equal params targets[].externalId in serverless.yml',
  },
  organizationMismatch: {
    symptom: 'AssumeRole is denied for a caller inside the Organization',
    fix: "resources/target-account-role.yml, statement RequireOrganization: the stack parameter OrganizationId must be the home account's Organization ID",
  },
  trustTooWide: {
    symptom: 'A principal other than the execution role can assume the target role',
    fix: 'resources/target-account-role.yml, statement TrustOnlyTheExecutionRole: keep Principal = the home account root together with the condition ArnEquals aws:PrincipalArn = the execution role ARN; never trust "*" or the account root alone',
  },
  externalIdNotEnforced: {
    symptom: 'AssumeRole succeeds with a wrong or missing ExternalId',
    fix: 'resources/target-account-role.yml, statement RequireExternalId: keep the Deny with StringNotEquals sts:ExternalId = the ExternalId parameter',
  },
  organizationNotEnforced: {
    symptom: 'AssumeRole succeeds for a caller outside the required Organization',
    fix: 'resources/target-account-role.yml, statement RequireOrganization: keep the Deny with StringNotEquals aws:PrincipalOrgID = the OrganizationId parameter',
  },
  sourceFunctionNotEnforced: {
    symptom: "The execution role's credentials can assume a target role outside the functions",
    fix: "serverless.yml provider.iam.role, statement AssumeConfiguredTargetRoles: keep the condition ArnEquals lambda:SourceFunctionArn listing only this service's functions",
  },
  assumeResourceTooWide: {
    symptom: 'The execution role can assume roles that are not configured targets',
    fix: 'serverless.yml provider.iam.role, statement AssumeConfiguredTargetRoles: Resource must be exactly the configured target-role ARNs (as resources/home-stack/stage-config.cjs assumeTargetRolesStatement derives them), never "*" or a pattern; a pattern is only allowed in the org-scoped form (params.assumeScope: organization), whose StringEquals aws:ResourceOrgID (and aws:ResourceOrgPaths) must stay',
  },
  policyTooLarge: {
    symptom: "The execution role's inline policies exceed IAM's 10,240 characters",
    fix: 'serverless.yml params: set assumeScope: organization with organizationId (and organizationalUnitPaths) so one statement covers the organization, or split the targets across stages',
  },
  executionRoleTooPowerful: {
    symptom:
      'The execution role allows more than sts:AssumeRole, writing its logs, putting events on its default bus and reading the pause switch',
    fix: "serverless.yml provider.iam.role.statements: keep only AssumeConfiguredTargetRoles, ReadStagePauseSwitch (states:ListTagsForResource on the stage's engine) and PutRunEventsOnDefaultBus (events:PutEvents on this account's default bus ARN); EC2 and KMS permissions belong to the target role",
  },
  engineRoleTooPowerful: {
    symptom:
      'An engine role allows more than its step needs (its logs; the summary step also run events on the default bus; the starter also StartExecution on the engine and the run events of a skipped run)',
    fix: "resources/home-stack/engine/state-machine.ts engineRoleResources: EngineLogsOnlyRole writes logs only, EngineSummariseRole adds PutRunEventsOnDefaultBus (events:PutEvents on this account's default bus ARN), EngineStartRole adds StartEngineRuns (states:StartExecution on EngineStateMachine), ReadStagePauseSwitch and PutRunEventsOnDefaultBus; nothing else",
  },
  stackRoleTooPowerful: {
    symptom:
      'A role of the stack allows an action, or a resource, beyond what its declared intent needs',
    fix: 'The file and statement named in the row: remove the action or narrow the resource to what the role may do (the row lists it; scripts/verify/role-intents.ts declares each role with its reason). A new permission is declared there first, with why',
  },
  roleWithoutIntent: {
    symptom: 'The stack (or a target template) creates an IAM role or user that no intent declares',
    fix: 'Declare the role in scripts/verify/role-intents.ts (what it may do, who may assume it, why), or remove it; the stack creates no IAM users',
  },
  roleCannotDoItsJob: {
    symptom: 'A role of the stack no longer allows what its declared intent needs',
    fix: 'The file named in the row: grant the action on the resource the row names (scripts/verify/role-intents.ts says why the role needs it), or remove it from the intent when the product stopped needing it',
  },
  trustBeyondIntent: {
    symptom: 'A role may be assumed by a principal, or for an action, beyond its declared trust',
    fix: 'The trust policy (AssumeRolePolicyDocument) named in the row: keep only the principals of the intent (scripts/verify/role-intents.ts): lambda.amazonaws.com for function roles, states.<region>.amazonaws.com for the state machine, scheduler.amazonaws.com for the schedules, the execution role (root plus ArnEquals aws:PrincipalArn) for the target role; no Allow with NotPrincipal or NotAction',
  },
  executionRoleTrustTooWide: {
    symptom: 'Something other than Lambda can assume the execution role',
    fix: 'serverless.yml: the execution role must trust only lambda.amazonaws.com (declare schedules through resources/home-stack/stage-config.cjs scheduleResources, not as osls schedule events)',
  },
  controlTagNotEnforced: {
    symptom:
      'An instance without the control tag, or with another value, can be started or stopped',
    fix: 'resources/target-account-role.yml policy start-stop-control-tagged-instances, statement StartStopControlTaggedInstances: keep the condition StringEquals aws:ResourceTag/<ControlTagKey> = <ControlTagValue>',
  },
  ec2AccessMissing: {
    symptom: 'The target role cannot describe, start or stop a control-tagged instance',
    fix: 'resources/target-account-role.yml policy start-stop-control-tagged-instances, statements DescribeInstances and StartStopControlTaggedInstances: deploy with ControlTagKey and ControlTagValue equal to params controlTagKey and controlTagValue',
  },
  rdsControlTagNotEnforced: {
    symptom:
      'A DB instance or Aurora cluster without the control tag, or with another value, can be started or stopped',
    fix: 'resources/target-account-role.yml policy start-stop-control-tagged-databases, statements StartStopControlTaggedDbInstances and StartStopControlTaggedDbClusters: keep the condition StringEquals aws:ResourceTag/<ControlTagKey> = <ControlTagValue>',
  },
  rdsAccessMissing: {
    symptom:
      'The target role cannot describe, start or stop a control-tagged DB instance or Aurora cluster',
    fix: 'resources/target-account-role.yml policy start-stop-control-tagged-databases: deploy template version 3 or later (the RDS task), with ControlTagKey and ControlTagValue equal to params controlTagKey and controlTagValue',
  },
  targetRoleTooPowerful: {
    symptom: 'The target role can do more than describe, start and stop instances and databases',
    fix: 'resources/target-account-role.yml: the role may only allow ec2:DescribeInstances, ec2:StartInstances, ec2:StopInstances, kms:CreateGrant, rds:DescribeDBInstances, rds:DescribeDBClusters and rds:Start/StopDBInstance and rds:Start/StopDBCluster; remove the statement that grants anything else (above all ec2:CreateTags/DeleteTags, rds:AddTagsToResource and iam:*)',
  },
  kmsGrantMissing: {
    symptom: 'An instance with encrypted volumes goes pending -> stopped (Client.InternalError)',
    fix: 'resources/target-account-role.yml policy create-grants-for-encrypted-volumes, statement CreateGrantForEc2Only: pass the customer-managed key ARNs in KmsKeyArns, and keep the key policy delegating to IAM',
  },
  kmsGrantTooWide: {
    symptom: 'kms:CreateGrant is allowed for a use other than EC2 starting an instance',
    fix: 'resources/target-account-role.yml, statement CreateGrantForEc2Only: keep Bool kms:GrantIsForAWSResource = true, StringEquals kms:ViaService = ec2.<region>.amazonaws.com for the Regions only, ForAllValues:StringEquals kms:GrantOperations = Decrypt and kms:EncryptionContextKeys = aws:ebs:id with their Null checks, and Resource = the KmsKeyArns only',
  },
  regionsNotEnforced: {
    symptom: "The target role can describe, start or stop instances outside the stage's regions",
    fix: 'resources/target-account-role.yml policy only-in-the-stage-regions, statement DenyOutsideTheStageRegions: keep the Deny on StringNotEquals aws:RequestedRegion = Regions, and deploy with Regions = params targets[].regions',
  },
  scpBlocks: {
    symptom: "An SCP of the home account denies the execution role's AssumeRole",
    fix: 'The SCP named in the row (--scp file) must allow sts:AssumeRole on the target-role ARNs for the execution role; add an exception for arn:<partition>:iam::<home>:role/<service>-<stage>-<region>-exec',
  },
  scpDoesNotBlock: {
    symptom: "An SCP statement does not block a request on the stage's resources that it names",
    fix: "The SCP file and statement named in the fix: its Resource must match every role, function, schedule or instance of the stage of the kind it protects (the row's resource), its Action must list the row's action, and a tag condition must name params controlTagKey; only the roles of its aws:PrincipalArn condition are spared",
  },
  scpBlocksException: {
    symptom: 'An SCP denies the role it is meant to spare (the deploy role, the tag admin)',
    fix: 'The SCP file and statement named in the fix: keep the role in the condition ArnNotLike aws:PrincipalArn (arn:<partition>:iam::*:role/<name>) of every statement that denies the action, in every SCP attached',
  },
  scpBlocksOtherTags: {
    symptom: 'An SCP statement blocks tags other than the control tag',
    fix: 'The SCP file and statement named in the fix: its aws:TagKeys condition must name the control tag key (params controlTagKey) only, with ForAnyValue:StringEqualsIgnoreCase (IAM matches tag keys in conditions in any case)',
  },
  scpBreaksTheProduct: {
    symptom:
      'An SCP denies a request the function needs (assume the target role, start or stop a control-tagged instance)',
    fix: 'The SCP file and statement named in the fix: leave sts:AssumeRole, ec2:StartInstances and ec2:StopInstances out of its Action, or spare the execution role and the target role in its aws:PrincipalArn condition',
  },
  guardrailWeakened: {
    symptom:
      'A shipped SCP or RCP statement is missing, no longer denies an action, spares more roles, or has no declared purpose',
    fix: 'The file in resources/ and the statement named in the row: restore it as scripts/verify/guardrail-intents.ts declares it (its Sid, Effect Deny, every declared action, only the declared aws:PrincipalArn exceptions), or change the declaration there with the reason',
  },
  guardrailUnproven: {
    symptom: 'A shipped SCP or RCP statement is not shown blocking what it is for',
    fix: "The file in resources/ and the statement named in the row: its Resource must match the stage's resources of each declared kind and its conditions must be ones verify can trigger (matrix-scp.ts); the row list says which action or kind no row shows denied",
  },
  rcpDoesNotBlock: {
    symptom:
      'An RCP statement lets a principal other than the execution role assume the target role (through a loosened trust)',
    fix: "The RCP file and statement named in the fix: its Resource must match the stage's target role (arn:<partition>:iam::*:role/<targetRoleName>, the row's resource), its Action must list the row's action, and its ArnNotLike aws:PrincipalArn must name only the execution role (arn:<partition>:iam::<home>:role/<service>-<stage>-<region>-exec); Principal stays \"*\"",
  },
  rcpBlocksExecutionRole: {
    symptom:
      'An RCP of a target account denies the execution role (or the role it spares) assuming the target role',
    fix: 'The RCP file and statement named in the fix: keep the condition ArnNotLike aws:PrincipalArn = arn:<partition>:iam::<home>:role/<service>-*-exec, with the real home account ID (verify --home-account), in every statement that denies sts:AssumeRole, sts:SetSourceIdentity or sts:TagSession',
  },
  rcpBlocksOtherTags: {
    symptom: 'An RCP statement blocks session tags other than the ones it names',
    fix: 'The RCP file and statement named in the fix: its aws:TagKeys condition must name only the tag keys it protects, with ForAnyValue:StringEquals',
  },
  boundaryBlocks: {
    symptom: "The execution role's permission boundary blocks AssumeRole",
    fix: 'The permission boundary (--boundary file) must allow sts:AssumeRole and sts:SetSourceIdentity on the target-role ARNs, and the logs actions the function writes with',
  },
  malformedPolicy: {
    symptom: 'A policy is not well-formed',
    fix: 'Correct the element named in the message; the path points into the rendered policy of the named document',
  },
  wildcardPrincipal: {
    symptom: 'A policy trusts "*"',
    fix: 'Name the principal: the home account root with an aws:PrincipalArn condition (target role) or lambda.amazonaws.com (execution role)',
  },
  schedulerTrustTooWide: {
    symptom:
      "Schedules other than this stage's could invoke the function through its scheduler role",
    fix: 'resources/home-stack/schedules/schedule-resources.ts schedulerTrustPolicy: keep StringEquals aws:SourceAccount = the home account and StringEquals aws:SourceArn = arn:<partition>:scheduler:<region>:<account>:schedule-group/<service>-<stage>, and every schedule in that group (GroupName)',
  },
  schedulerTrustNeverMatches: {
    symptom:
      'No schedule can invoke the function: its trust names schedules, not the schedule group',
    fix: 'resources/home-stack/schedules/schedule-resources.ts schedulerTrustPolicy: EventBridge Scheduler sends the schedule-group ARN as aws:SourceArn (Scheduler User Guide, cross-service confused deputy prevention): StringEquals aws:SourceArn = arn:<partition>:scheduler:<region>:<account>:schedule-group/<service>-<stage>, never schedule/<group>/*',
  },
  stagesShareTargetRole: {
    symptom: 'Two stages use the same target role in one account with different callers',
    fix: 'serverless.yml params: give each stage its own namespace (the default, the stage name) or targetRoleName, so each deploys its own target stack xacct-ec2-<namespace>-target; resources/README.md explains the move',
  },
  stagesShareControlTag: {
    symptom: 'Two stages act on the same control-tagged instances in one account',
    fix: 'serverless.yml params: give each stage its own controlTagValue (by default the namespace) or controlTagKey, and tag each instance for the one stage that owns it',
  },
  unverifiable: {
    symptom: 'A policy cannot be evaluated offline',
    fix: 'Write the statements inline (serverless.yml provider.iam.role.statements) instead of attaching managed policies or boundaries by ARN, or pass the documents with --boundary / --scp / --rcp',
  },
  evaluationError: {
    symptom: 'A request could not be evaluated',
    fix: 'Read the error: a context key the simulator dropped or a malformed policy means the result would not be trustworthy; fix the named policy or report the case',
  },
  routeWithoutIam: {
    symptom: 'An HTTP route can be called without SigV4 (its authorization type is not AWS_IAM)',
    fix: 'serverless.yml functions.http.events: every httpApi event needs authorizer.type: aws_iam, so API Gateway names the caller and params.callers can decide',
  },
  invokePermissionTooWide: {
    symptom: 'The function can be invoked through a Lambda permission not scoped to this HTTP API',
    fix: "The AWS::Lambda::Permission named in the row: keep Principal apigateway.amazonaws.com with a SourceArn on this stack's HttpApi (arn:<partition>:execute-api:<region>:<account>:<apiId>/*), the one osls writes; remove any other permission",
  },
  engineStarterUnexpected: {
    symptom:
      'A role of the stack may start the engine (states:StartExecution) but is not one of its starters',
    fix: 'Remove states:StartExecution (and states:* or *) from the role named in the row; only HttpEngineRunsRole, EngineStartRole and EngineStateMachineRole start runs (resources/home-stack/engine/state-machine.ts, scripts/verify/engine-starters.ts)',
  },
  callerRuleTooWide: {
    symptom:
      'A caller rule lets a broad set of people start or stop instances (every role or user of an account, every IAM Identity Center permission set)',
    fix: 'serverless.yml params.callers, the rule named in the row: name the roles (role/<name>, role/<prefix>* outside AWSReservedSSO_, sso/<PermissionSet>, role-id/AROA...) instead, keep only status for it, or say why it must be so in acknowledgeBroad (handlers/aws/CALLERS.md)',
  },
  callerRuleOtherAccount: {
    symptom: 'A caller rule names an account other than the home account',
    fix: "serverless.yml params.callers, the rule named in the row: an HTTP API has no resource policy, so only the home account's principals can call it; let the other account's callers assume a role in the home account and name that role (with the home account, verify --home-account)",
  },
} as const satisfies Record<string, Hint>;

export type HintId = keyof typeof HINTS;

/** `<symptom>. Fix: <fix>`, as verify prints it under a failing row. */
export function hintText(id: HintId): string {
  return `${HINTS[id].symptom}. Fix: ${HINTS[id].fix}`;
}

/** The README troubleshooting rows (Markdown), in this module's order. */
export function troubleshootingTable(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = Object.values(HINTS).map((h) => `| ${cell(h.symptom)} | ${cell(h.fix)} |`);
  return ['| Symptom | Fix |', '|---|---|', ...rows].join('\n');
}
