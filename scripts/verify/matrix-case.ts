/** What a verify matrix case is, and the helpers the case lists share. */

import type { AssumeScope } from './assume-scope';
import type { HintId } from './hints';
import type { PolicyAuthorizer } from './policy-authorizer';
import type { PolicyDecision } from './simulate';

export type Expected = 'Allowed' | 'Denied';

/**
 * What an SCP case proves: the statement blocks a principal it does not except, spares one it
 * does, leaves another tag key alone, or leaves the product's own request allowed.
 */
export type ScpRole = 'blocks' | 'exception' | 'unaffected' | 'product';

/** The SCP or RCP statement a case was derived from (verify --scp, --rcp). */
export interface ScpSource {
  /** `rcp` for a case from an RCP (--rcp); absent for an SCP. */
  control?: 'rcp';
  /** The SCP's or RCP's name: its file name. */
  policy: string;
  /** The statement's Sid, or `#<n>`. */
  statement: string;
  role: ScpRole;
  /** The kind of stage resource the row acts on (scp-resources.ts), e.g. `function`. */
  resourceKind?: string;
}

export interface MatrixCase {
  /** Stable identifier, e.g. `assume/wrong-external-id` (tests select cases by it). */
  id: string;
  title: string;
  /** The target account the case is about. */
  target: string;
  principal: string;
  action: string;
  resource: string;
  expected: Expected;
  /** What to fix when the case is allowed but should not be. */
  ifAllowed?: HintId;
  /** Which side to look at when the case is denied but should not be. */
  ifDenied?: 'assume' | 'ec2' | 'rds' | 'kms';
  /** For an SCP or RCP case: the statement it comes from, named in the fix. */
  scp?: ScpSource;
  run(authorizer: PolicyAuthorizer): Promise<PolicyDecision>;
}

/** Who else exists in the world, to prove they are kept out. */
export interface Bystanders {
  otherHomeRoleArn: string;
  homeUserArn: string;
  outsiderRoleArn: string;
  /** Roles that trust the execution role but are not configured: it must not reach them. */
  unlistedRoles: { roleArn: string; externalId?: string }[];
  /** The organization the home account is in, when one is required. */
  organizationId?: string;
  /** Customer-managed key per target account (configured or example). */
  kmsKeyArns: Record<string, string>;
  /** Functions on roles of their own (the http function): they must reach no target role. */
  ownRoleFunctions?: { functionName: string; functionArn: string; roleArn: string; role: string }[];
  /** The form of the execution role's AssumeRole statement (exact ARNs or org-scoped). */
  assumeScope: AssumeScope;
}

export const INSTANCE_ID = 'i-0123456789abcdef0';
/** The DB instance and Aurora cluster the RDS cases act on. */
export const DB_INSTANCE_ID = 'orders-db';
export const DB_CLUSTER_ID = 'reporting';

/** The session ARN STS gives a role session. */
export function sessionArn(roleArn: string, sessionName: string): string {
  const [, partition, , , account, resource] = roleArn.split(':');
  const roleName = resource?.split('/').pop();
  return `arn:${partition}:sts::${account}:assumed-role/${roleName}/${sessionName}`;
}

/** `arn:aws:ec2:eu-west-1:222222222222:instance/i-1` -> `instance/i-1 (222222222222 eu-west-1)`. */
export function shortArn(arn: string): string {
  const parts = arn.split(':');
  if (parts.length < 6) return arn;
  const [, , , region, account, ...rest] = parts;
  const where = [account, region].filter(Boolean).join(' ');
  return where ? `${rest.join(':')} (${where})` : rest.join(':');
}

/** A tag value that is not `value`. */
export function otherValue(value: string): string {
  return value === 'false' ? 'true' : 'false';
}
