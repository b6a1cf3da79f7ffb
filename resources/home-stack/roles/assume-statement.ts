/**
 * The execution role's sts:AssumeRole statement, in one of two forms:
 *
 * - exact: one target-role ARN per account. Used whenever it fits IAM's size limit.
 * - organization: `arn:<partition>:iam::*:role/<target role name>`, allowed only where the role
 *   belongs to the stage's organization (`aws:ResourceOrgID`) or to its OUs
 *   (`aws:ResourceOrgPaths`). Used only when the stage sets `assumeScope: organization`: a
 *   policy must never widen by itself because a stage grew.
 *
 * Both keep `lambda:SourceFunctionArn`, so leaked credentials cannot assume from outside the
 * functions. Values that CloudFormation resolves (partition, region, account) are left as
 * intrinsics; the size check fills in the region osls packages for, its partition, and a
 * 12-digit account ID.
 */
import { isAwsRegion } from '../../../handlers/formats/regions';

/** IAM: all inline policies of a role together, whitespace not counted. */
export const IAM_ROLE_INLINE_POLICIES_LIMIT = 10_240;

/**
 * Room kept for everything else in the role's inline policies: osls's CloudWatch Logs
 * statements (about 450 characters for a two-function service), the policy's name and
 * envelope, and headroom for a statement added later.
 */
export const OTHER_INLINE_POLICY_RESERVE = 1_536;

/** The most the assume statement may take. */
export const ASSUME_STATEMENT_BUDGET = IAM_ROLE_INLINE_POLICIES_LIMIT - OTHER_INLINE_POLICY_RESERVE;

/** What the intrinsics resolve to when the stack deploys in `region`. */
function deployedValues(region: string): Record<string, string> {
  return {
    'AWS::Partition': isAwsRegion(region) ? 'aws' : 'aws-us-gov', // unknown: the longest
    'AWS::Region': region,
    'AWS::AccountId': '123456789012',
  };
}

export interface AssumeStatementInput {
  service: string;
  stage: string;
  targetRoleName: string;
  /** The region osls packages for (provider.region). */
  region: string;
  accountIds: readonly string[];
  /** The functions that may assume (their names; the ARN is built from the deploying account). */
  functionNames: readonly string[];
  assumeScope: 'exact' | 'organization';
  organizationId?: string;
  organizationalUnitPaths?: readonly string[];
}

export interface AssumeStatement {
  form: 'exact' | 'organization';
  /** The statement as CloudFormation gets it (intrinsics for partition, region and account). */
  statement: Record<string, unknown>;
  /** Its size as IAM counts it, once CloudFormation has resolved it. */
  characters: number;
}

/** The problem when the exact form does not fit and the stage did not choose the other. */
export class AssumeStatementTooLargeError extends Error {
  readonly characters: number;
  readonly targets: number;

  constructor(characters: number, targets: number) {
    super(
      `the execution role would list ${targets} target-role ARNs in ${characters} characters, more than the ${ASSUME_STATEMENT_BUDGET} that fit in IAM's ${IAM_ROLE_INLINE_POLICIES_LIMIT}-character limit for a role's inline policies (whitespace not counted, ${OTHER_INLINE_POLICY_RESERVE} kept for its other statements). Set params.assumeScope: organization with params.organizationId (and optionally params.organizationalUnitPaths) to allow the role name in every account of the organization instead (scripts/targets/README.md explains the trade-off), or split the targets across stages`,
    );
    this.name = 'AssumeStatementTooLargeError';
    this.characters = characters;
    this.targets = targets;
  }
}

/** Characters as IAM counts them for the size quotas: whitespace is not counted. */
export function iamPolicyCharacters(document: unknown): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

const partitionRef = { Ref: 'AWS::Partition' };

/** Fn::Join rather than Fn::Sub: osls would read `${AWS::Partition}` in a returned string as a variable. */
function join(parts: unknown[]): Record<string, unknown> {
  return { 'Fn::Join': ['', parts] };
}

function sourceFunctionArns(input: AssumeStatementInput): unknown[] {
  return input.functionNames.map((name) =>
    join([
      'arn:',
      partitionRef,
      ':lambda:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:function:${name}`,
    ]),
  );
}

/** Replaces the intrinsics with the values they resolve to, for counting. */
function resolved(value: unknown, values: Record<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => resolved(item, values));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string' && values[record.Ref] !== undefined) return values[record.Ref];
  const joined = record['Fn::Join'];
  if (Array.isArray(joined) && Array.isArray(joined[1])) {
    return (joined[1] as unknown[]).map((part) => String(resolved(part, values))).join('');
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, resolved(v, values)]));
}

/**
 * The functions (serverless.yml keys) whose code may assume the target roles: the direct entry
 * point and the engine's workers. Others run with roles of their own (the HTTP function only
 * starts and reads engine runs).
 */
export const ASSUMING_FUNCTIONS = ['instances', 'engineWork', 'engineRecheck'] as const;

function exactStatement(input: AssumeStatementInput): Record<string, unknown> {
  return {
    Sid: 'AssumeConfiguredTargetRoles',
    Effect: 'Allow',
    // The run's caller travels to the targets as SourceIdentity (params.sourceIdentity).
    Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
    Resource: input.accountIds.map((accountId) =>
      join(['arn:', partitionRef, `:iam::${accountId}:role/${input.targetRoleName}`]),
    ),
    Condition: { ArnEquals: { 'lambda:SourceFunctionArn': sourceFunctionArns(input) } },
  };
}

function organizationStatement(input: AssumeStatementInput): Record<string, unknown> {
  if (!input.organizationId) throw new Error('assumeScope organization needs organizationId');
  const paths = input.organizationalUnitPaths ?? [];
  return {
    Sid: 'AssumeTargetRolesInOrganization',
    Effect: 'Allow',
    // The run's caller travels to the targets as SourceIdentity (params.sourceIdentity).
    Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
    Resource: join(['arn:', partitionRef, `:iam::*:role/${input.targetRoleName}`]),
    Condition: {
      StringEquals: { 'aws:ResourceOrgID': input.organizationId },
      // The role's account lies in (or below) one of these OUs.
      ...(paths.length > 0
        ? { 'ForAnyValue:StringLike': { 'aws:ResourceOrgPaths': paths.map((p) => `${p}*`) } }
        : {}),
      ArnEquals: { 'lambda:SourceFunctionArn': sourceFunctionArns(input) },
    },
  };
}

/**
 * The statement for a stage. Throws AssumeStatementTooLargeError when the exact form does not
 * fit and the stage did not choose the organization form.
 */
export function assumeStatement(input: AssumeStatementInput): AssumeStatement {
  const statement =
    input.assumeScope === 'organization' ? organizationStatement(input) : exactStatement(input);
  const characters = iamPolicyCharacters(resolved(statement, deployedValues(input.region)));
  if (input.assumeScope === 'exact' && characters > ASSUME_STATEMENT_BUDGET) {
    throw new AssumeStatementTooLargeError(characters, input.accountIds.length);
  }
  return { form: input.assumeScope, statement, characters };
}
