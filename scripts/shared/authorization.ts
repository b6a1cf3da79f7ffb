/**
 * The seam between the local AWS endpoint (which knows who is calling and on what) and the
 * policy evaluation (which knows the deployed documents). The endpoint never holds a policy;
 * it asks an Authorizer, which evaluates the very documents that deploy.
 */

export interface Decision {
  allowed: boolean;
  /** `Allowed`, `ImplicitlyDenied` or `ExplicitlyDenied`, as the evaluator reports it. */
  result: 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';
  /** Which policy decided, in words (e.g. "trust policy of arn:aws:iam::222222222222:role/x"). */
  explanation: string;
}

export interface AssumeRoleCheck {
  /** ARN of the calling session, e.g. arn:aws:sts::111111111111:assumed-role/exec/fn. */
  callerSessionArn: string;
  /** ARN of the caller's role (the value of aws:PrincipalArn), e.g. arn:aws:iam::111111111111:role/exec. */
  callerRoleArn: string;
  callerAccountId: string;
  /** The caller's Organization ID, when the world puts its account in one. */
  callerOrgId?: string;
  /** Set when the caller runs inside a Lambda function (lambda:SourceFunctionArn). */
  sourceFunctionArn?: string;
  targetRoleArn: string;
  externalId?: string;
  /** The target role's organization and entity paths (aws:ResourceOrgID, aws:ResourceOrgPaths). */
  targetOrgId?: string;
  targetOrgPaths?: string[];
  /**
   * Set when the caller sends SourceIdentity: then sts:SetSourceIdentity must be allowed too, by
   * the caller's policies and the role's trust (as STS decides it).
   */
  sourceIdentity?: string;
}

/**
 * An AWS service assuming a role on a customer's behalf (EventBridge Scheduler assuming a
 * schedule's execution role): decided by the role's trust policy alone, with the context the
 * service sends. Scheduler sends aws:SourceArn = the schedule GROUP's ARN and aws:SourceAccount
 * (Scheduler User Guide, "Cross-service confused deputy prevention").
 */
export interface ServiceAssumeRoleCheck {
  /** e.g. `scheduler.amazonaws.com`. */
  servicePrincipal: string;
  targetRoleArn: string;
  sourceArn: string;
  sourceAccount: string;
}

/** A call to AWS Organizations (read-only: the targets generator's calls). */
export interface OrganizationsCheck {
  callerSessionArn: string;
  callerRoleArn: string;
  callerAccountId: string;
  /** e.g. `organizations:ListAccountsForParent`. */
  action: string;
  /** The root or OU a ForParent call lists (its ARN), `*` for the others. */
  resourceArn: string;
}

export interface Ec2Check {
  /** ARN of the calling session (assumed role). */
  callerSessionArn: string;
  callerRoleArn: string;
  accountId: string;
  region: string;
  /** e.g. `ec2:StopInstances`. */
  action: string;
  /** e.g. arn:aws:ec2:eu-west-1:222222222222:instance/i-0123..., or `*` for Describe. */
  resourceArn: string;
  /** The instance's tags (aws:ResourceTag/<key>). */
  resourceTags: Record<string, string>;
}

/**
 * Any other call, with the request context IAM would see: events:PutEvents on a bus ARN, the
 * KMS grant EC2 asks for, the tag actions' aws:RequestTag/*, verify's KMS and IAM checks, and
 * EventBridge Scheduler's (scripts/local-aws/scheduler-service.ts): scheduler:ListSchedules on
 * `*` (it has no resource type), scheduler:GetSchedule and scheduler:UpdateSchedule on the
 * schedule's ARN, and for UpdateSchedule iam:PassRole on the target's role with
 * iam:PassedToService = scheduler.amazonaws.com.
 */
export interface ActionCheck {
  /** The calling session, user or root ARN. */
  callerSessionArn: string;
  /** The role, user or root behind it: whose identity policies apply (aws:PrincipalArn). */
  callerRoleArn: string;
  action: string;
  resourceArn: string;
  resourceAccountId: string;
  /** aws:RequestedRegion (and ec2:Region for EC2 actions). */
  region?: string;
  /** aws:ResourceTag/<k> and ec2:ResourceTag/<k>, for a concrete EC2 resource. */
  resourceTags?: Record<string, string>;
  /** Further context keys, e.g. kms:ViaService. */
  context?: Record<string, string | string[]>;
}

export interface Authorizer {
  authorizeAssumeRole(check: AssumeRoleCheck): Promise<Decision>;
  /** Optional: an authorizer without it refuses every service's AssumeRole. */
  authorizeServiceAssumeRole?(check: ServiceAssumeRoleCheck): Promise<Decision>;
  authorizeEc2(check: Ec2Check): Promise<Decision>;
  /** Optional: an authorizer without it refuses every other action. */
  authorizeRequest?(check: ActionCheck): Promise<Decision>;
  /** Optional: an authorizer without it refuses every Organizations call. */
  authorizeOrganizations?(check: OrganizationsCheck): Promise<Decision>;
}
