import type { AssumeRoleCheck } from '../shared/authorization';
import { AwsError } from './aws-error';
import { organizationPlaceOf } from './organizations-service';
import type { ActionHandler } from './service-context';
import { credentialsOf } from './sessions';
import { stsErrors } from './sts-errors';
import { readAssumeRoleInput } from './sts-validation';
import { leaf, node } from './xml';

/** Lambda execution-role credentials are a role session, so every AssumeRole here is role chaining. */
const ROLE_CHAINING_LIMIT_SECONDS = 3600;

/**
 * sts:AssumeRole. The decision (identity policy of the caller, trust policy of the role, and so on)
 * belongs to the Authorizer; this models what STS itself enforces.
 */
export const assumeRole: ActionHandler = async (context, { caller, params }) => {
  const input = readAssumeRoleInput(params);
  if (input instanceof AwsError) throw input;
  if (input.durationSeconds > ROLE_CHAINING_LIMIT_SECONDS) {
    throw stsErrors.validation(
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  const { world, authorizer } = context;
  const session = caller.session;
  const denied = stsErrors.accessDenied(session.sessionArn, input.roleArn);
  // A session's SourceIdentity is fixed: a chained AssumeRole may only repeat it.
  if (
    session.sourceIdentity !== undefined &&
    input.sourceIdentity !== undefined &&
    input.sourceIdentity !== session.sourceIdentity
  ) {
    throw denied;
  }
  const sourceIdentity = input.sourceIdentity ?? session.sourceIdentity;
  // A role that does not exist is answered exactly like a refusal: STS does not reveal which.
  const role = world.roleByArn(input.roleArn);
  if (!role) throw denied;

  const organizationId = world.account(session.role.accountId)?.organizationId;
  // The role's place in the organization: resource context for org-scoped identity policies.
  const targetOrg = organizationPlaceOf(world, role.accountId);
  const check: AssumeRoleCheck = {
    callerSessionArn: session.sessionArn,
    callerRoleArn: session.role.arn,
    callerAccountId: session.role.accountId,
    ...(organizationId ? { callerOrgId: organizationId } : {}),
    ...(session.sourceFunctionArn ? { sourceFunctionArn: session.sourceFunctionArn } : {}),
    targetRoleArn: role.arn,
    ...(input.externalId !== undefined ? { externalId: input.externalId } : {}),
    ...(targetOrg
      ? { targetOrgId: targetOrg.organizationId, targetOrgPaths: [targetOrg.place.path] }
      : {}),
    ...(input.sourceIdentity !== undefined ? { sourceIdentity: input.sourceIdentity } : {}),
  };
  const decision = await authorizer.authorizeAssumeRole(check);
  if (!decision.allowed) throw denied;
  if (input.durationSeconds > role.maxSessionDurationSeconds) {
    throw stsErrors.validation(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }

  const lifetimeSeconds = world.settings.sessionLifetimeOverrideSeconds ?? input.durationSeconds;
  const issued = world.sessions.issue({
    role,
    sessionName: input.roleSessionName,
    lifetimeSeconds,
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
  });
  const credentials = credentialsOf(issued);
  return (
    node(
      'Credentials',
      leaf('AccessKeyId', credentials.accessKeyId),
      leaf('SecretAccessKey', credentials.secretAccessKey),
      leaf('SessionToken', credentials.sessionToken),
      leaf('Expiration', isoSeconds(issued.expiresAt)),
    ) +
    node('AssumedRoleUser', leaf('AssumedRoleId', issued.userId), leaf('Arn', issued.sessionArn)) +
    (issued.sourceIdentity !== undefined ? leaf('SourceIdentity', issued.sourceIdentity) : '')
  );
};

/** STS writes timestamps to the second: 2026-01-05T09:00:00Z. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
