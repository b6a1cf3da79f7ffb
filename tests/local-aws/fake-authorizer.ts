import type { Seed, TargetRoleParameters } from '../../scripts/local-aws';
import type {
  AssumeRoleCheck,
  Authorizer,
  Decision,
  Ec2Check,
} from '../../scripts/shared/authorization';
import type { RequestCheck } from '../../scripts/verify';

/**
 * A tiny stand-in for the policy evaluation, for the endpoint's own tests. It reads each target
 * role's parameters from the seed and mirrors, roughly, what the deployed policies say:
 * trust = exact execution role (+ ExternalId, + Organization), the execution role may assume only
 * from inside the function, Start/Stop need the control tag and are the only instance actions,
 * kms:CreateGrant only on listed keys.
 * Describe is allowed to anyone, so a caller with the wrong credentials visibly sees the wrong account.
 * Every check is recorded for assertions.
 */
export interface FakeAuthorizer extends Authorizer {
  readonly assumeRoleChecks: AssumeRoleCheck[];
  readonly ec2Checks: Ec2Check[];
  readonly requestChecks: RequestCheck[];
  /** Present only when a `request` rule is given, as the policy authorizer's is. */
  authorizeRequest?: (check: RequestCheck) => Promise<Decision>;
}

export interface FakeRules {
  assumeRole?: (check: AssumeRoleCheck) => boolean;
  ec2?: (check: Ec2Check) => boolean;
  /** Checks with request context (kms:CreateGrant, the tag actions' aws:RequestTag/*). */
  request?: (check: RequestCheck) => boolean;
}

export function createFakeAuthorizer(seed: Seed, rules: FakeRules = {}): FakeAuthorizer {
  const parametersByRoleArn = new Map<string, TargetRoleParameters>();
  for (const account of seed.accounts) {
    for (const role of account.roles) {
      if (role.parameters) {
        parametersByRoleArn.set(
          `arn:aws:iam::${account.accountId}:role/${role.name}`,
          role.parameters,
        );
      }
    }
  }

  const assumeRole =
    rules.assumeRole ??
    ((check: AssumeRoleCheck) => {
      const target = parametersByRoleArn.get(check.targetRoleArn);
      if (!target) return false;
      const trusted = `arn:aws:iam::${target.HomeAccountId}:role/${target.ExecutionRoleName}`;
      return (
        check.callerRoleArn === trusted &&
        check.sourceFunctionArn === seed.home.functionArn &&
        (target.ExternalId === '' || check.externalId === target.ExternalId) &&
        (target.OrganizationId === '' || check.callerOrgId === target.OrganizationId)
      );
    });

  const ec2 =
    rules.ec2 ??
    ((check: Ec2Check) => {
      if (check.action === 'ec2:DescribeInstances') return true;
      const target = parametersByRoleArn.get(check.callerRoleArn);
      if (!target) return false;
      if (check.action === 'kms:CreateGrant') return target.KmsKeyArns.includes(check.resourceArn);
      // Like the target role: start and stop on tagged instances, and nothing else (no terminate, no tags).
      if (!TAG_SCOPED_ACTIONS.has(check.action)) return false;
      return check.resourceTags[target.ControlTagKey] === target.ControlTagValue;
    });

  const requestRule = rules.request;
  const authorizer: FakeAuthorizer = {
    assumeRoleChecks: [],
    ec2Checks: [],
    requestChecks: [],
    ...(requestRule
      ? {
          async authorizeRequest(check: RequestCheck) {
            authorizer.requestChecks.push(check);
            return decision(requestRule(check));
          },
        }
      : {}),
    async authorizeAssumeRole(check) {
      authorizer.assumeRoleChecks.push(check);
      return decision(assumeRole(check));
    },
    async authorizeEc2(check) {
      authorizer.ec2Checks.push(check);
      return decision(ec2(check));
    },
  };
  return authorizer;
}

const TAG_SCOPED_ACTIONS = new Set(['ec2:StartInstances', 'ec2:StopInstances']);

function decision(allowed: boolean): Decision {
  return allowed
    ? { allowed, result: 'Allowed', explanation: 'fake authorizer: allowed' }
    : { allowed, result: 'ImplicitlyDenied', explanation: 'fake authorizer: no rule allows it' };
}
