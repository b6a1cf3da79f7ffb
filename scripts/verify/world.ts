/**
 * The "world" a policy authorizer evaluates in: who exists, in which accounts, with which
 * policies. Only what the documents cannot say is described here; the execution role comes
 * from the packaged stage and each target role from resources/target-account-role.yml.
 */

import type { PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import type { TargetRoleParameters } from './target-role';

export interface WorldPolicy {
  name: string;
  policy: PolicyDocument;
}

/** One deployed copy of resources/target-account-role.yml. */
export interface WorldTarget {
  accountId: string;
  /** The stack parameters; ExternalId from params, ExecutionRoleName = the packaged role name. */
  roleParameters: TargetRoleParameters;
}

/** A principal other than the execution role, the target roles and account roots. */
export interface WorldPrincipal {
  /** Role or user ARN, e.g. arn:aws:iam::111111111111:role/ci or …:user/alice. */
  arn: string;
  /** Its identity policies; none when omitted. */
  identityPolicies?: WorldPolicy[];
}

export interface PolicyWorld {
  /** The stage to package: its execution role and function ARNs come from the generated template. */
  stage: string;
  /** The account the function runs in (AWS::AccountId of the service stack). */
  homeAccountId: string;
  /** `aws` unless told otherwise. */
  partition?: string;
  /** The home region to package for; serverless.yml's default when omitted. */
  region?: string;
  /** Every deployed target role (several per account are allowed, with different RoleNames). */
  targets: WorldTarget[];
  /** Organization per account ID: its principals carry this aws:PrincipalOrgID. */
  organizations?: Record<string, string>;
  principals?: WorldPrincipal[];
  /**
   * SCPs that apply to principals of an account (key: account ID). AWS's default FullAWSAccess
   * is attached beside them, as in an Organization that uses deny-list SCPs.
   */
  serviceControlPolicies?: Record<string, WorldPolicy[]>;
  /**
   * RCPs that apply to resources of an account (key: account ID), beside AWS's default
   * RCPFullAWSAccess. They bind whoever calls, from any account.
   */
  resourceControlPolicies?: Record<string, WorldPolicy[]>;
  /** Permission boundary per role or user ARN, e.g. the execution role's. */
  permissionBoundaries?: Record<string, WorldPolicy>;
  /** Key policy per KMS key ARN; AWS's default key policy (IAM delegation) when omitted. */
  kmsKeyPolicies?: Record<string, PolicyDocument>;
}
