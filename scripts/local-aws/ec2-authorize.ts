import type { Decision, Ec2Check } from '../shared/authorization';
import { instanceArn } from './arns';
import type { Caller } from './authenticate';
import { ec2Errors } from './ec2-errors';
import { type InstanceView, tagsAsRecord } from './instances';
import type { ServiceContext } from './service-context';

/**
 * Asks the Authorizer about every instance; one refusal fails the whole call, as EC2 does.
 * The first refused instance (in request order) is the one named in the message.
 * `requestContext` (e.g. the tag actions' aws:RequestTag/* and aws:TagKeys) reaches only an
 * Authorizer with authorizeRequest; a plain one decides without it.
 */
export async function authorizeEachInstance(
  context: ServiceContext,
  caller: Caller,
  action: string,
  instances: readonly InstanceView[],
  requestContext?: Record<string, string | string[]>,
): Promise<void> {
  const checks = instances.map((instance) =>
    checkFor(
      caller,
      action,
      instanceArn(instance.region, instance.accountId, instance.instanceId),
      tagsAsRecord(instance.tags),
    ),
  );
  const { authorizer } = context;
  const decide = (check: Ec2Check): Promise<Decision> =>
    requestContext && authorizer.authorizeRequest
      ? authorizer.authorizeRequest({
          callerSessionArn: check.callerSessionArn,
          callerRoleArn: check.callerRoleArn,
          action: check.action,
          resourceArn: check.resourceArn,
          resourceAccountId: check.accountId,
          region: check.region,
          resourceTags: check.resourceTags,
          context: requestContext,
        })
      : authorizer.authorizeEc2(check);
  const decisions = await Promise.all(checks.map(decide));
  const refused = decisions.findIndex((decision) => !decision.allowed);
  const check = checks[refused];
  const decision = decisions[refused];
  if (check && decision) throw unauthorized(check, decision);
}

/** Describe* has no resource-level permissions: the resource is `*`. */
export async function authorizeDescribe(
  context: ServiceContext,
  caller: Caller,
  action: string,
): Promise<void> {
  const check = checkFor(caller, action, '*', {});
  const decision = await context.authorizer.authorizeEc2(check);
  if (!decision.allowed) throw unauthorized(check, decision);
}

/**
 * Whether the caller may have EC2 create a grant on the customer-managed key of an instance's
 * volumes (kms:CreateGrant). Without it a start is accepted, then falls back to stopped.
 * EC2 makes that call on the caller's behalf and for itself, so the request carries
 * kms:ViaService=ec2.<region>.amazonaws.com, kms:GrantIsForAWSResource=true, and the grant's
 * operations (Decrypt) and encryption-context keys (aws:ebs:id, the volume): the keys that
 * least-privilege key permissions test. Only an Authorizer with authorizeRequest can take them.
 */
export async function mayUseKmsKey(
  context: ServiceContext,
  caller: Caller,
  keyArn: string,
): Promise<boolean> {
  const { authorizer } = context;
  if (authorizer.authorizeRequest) {
    const decision = await authorizer.authorizeRequest({
      callerSessionArn: caller.session.sessionArn,
      callerRoleArn: caller.session.role.arn,
      action: 'kms:CreateGrant',
      resourceArn: keyArn,
      resourceAccountId: keyArn.split(':')[4] ?? caller.accountId,
      region: caller.region,
      context: {
        'kms:ViaService': `ec2.${caller.region}.amazonaws.com`,
        'kms:GrantIsForAWSResource': 'true',
        'kms:GrantOperations': ['Decrypt'],
        'kms:EncryptionContextKeys': ['aws:ebs:id'],
      },
    });
    return decision.allowed;
  }
  const decision = await context.authorizer.authorizeEc2(
    checkFor(caller, 'kms:CreateGrant', keyArn, {}),
  );
  return decision.allowed;
}

function checkFor(
  caller: Caller,
  action: string,
  resourceArn: string,
  resourceTags: Record<string, string>,
): Ec2Check {
  return {
    callerSessionArn: caller.session.sessionArn,
    callerRoleArn: caller.session.role.arn,
    accountId: caller.accountId,
    region: caller.region,
    action,
    resourceArn,
    resourceTags,
  };
}

function unauthorized(check: Ec2Check, decision: Decision) {
  const onResource = check.resourceArn === '*' ? '' : ` on resource: ${check.resourceArn}`;
  const why =
    decision.result === 'ExplicitlyDenied'
      ? 'with an explicit deny in a policy'
      : `because no identity-based policy allows the ${check.action} action`;
  // Real EC2 encrypts this blob (sts:DecodeAuthorizationMessage); here it is readable base64 JSON.
  const encoded = Buffer.from(
    JSON.stringify({
      allowed: false,
      explicitDeny: decision.result === 'ExplicitlyDenied',
      explanation: decision.explanation,
      context: {
        principal: check.callerSessionArn,
        action: check.action,
        resource: check.resourceArn,
      },
    }),
  ).toString('base64');
  return ec2Errors.unauthorizedOperation(
    `User: ${check.callerSessionArn} is not authorized to perform: ${check.action}${onResource} ${why}. Encoded authorization failure message: ${encoded}`,
  );
}
