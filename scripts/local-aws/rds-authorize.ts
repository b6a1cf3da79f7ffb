import type { Decision } from '../shared/authorization';
import type { Caller } from './authenticate';
import { type Tag, tagsAsRecord } from './instances';
import { rdsErrors } from './rds-errors';
import type { ServiceContext } from './service-context';

/** The resource an RDS action is decided on: a DB instance (`db`) or cluster (`cluster`). */
export interface RdsResourceRef {
  kind: 'db' | 'cluster';
  arn: string;
  /** Its tags; none when it does not exist (IAM then sees no aws:ResourceTag at all). */
  tags: readonly Tag[];
}

/**
 * Asks the Authorizer about an RDS action on one resource, with the context IAM gives RDS:
 * aws:ResourceTag/<key> and the service's own rds:db-tag/<key> or rds:cluster-tag/<key>
 * (Service Authorization Reference for Amazon RDS). Refused: AccessDenied (403), as RDS answers.
 */
export async function authorizeRdsResource(
  context: ServiceContext,
  caller: Caller,
  action: string,
  resource: RdsResourceRef,
): Promise<void> {
  const tags = tagsAsRecord(resource.tags);
  const serviceKey = resource.kind === 'db' ? 'rds:db-tag' : 'rds:cluster-tag';
  const tagContext = Object.fromEntries(
    Object.entries(tags).map(([key, value]) => [`${serviceKey}/${key}`, value]),
  );
  await decide(context, caller, action, resource.arn, tags, tagContext);
}

/** Describe* and DescribeEvents are decided on `*` (a policy must allow them on `*`: Service Authorization Reference for RDS). */
export async function authorizeRdsDescribe(
  context: ServiceContext,
  caller: Caller,
  action: string,
): Promise<void> {
  await decide(context, caller, action, '*', {}, {});
}

async function decide(
  context: ServiceContext,
  caller: Caller,
  action: string,
  resourceArn: string,
  resourceTags: Record<string, string>,
  tagContext: Record<string, string>,
): Promise<void> {
  const { authorizer } = context;
  const concrete = resourceArn !== '*';
  const decision: Decision = authorizer.authorizeRequest
    ? await authorizer.authorizeRequest({
        callerSessionArn: caller.session.sessionArn,
        callerRoleArn: caller.session.role.arn,
        action,
        resourceArn,
        resourceAccountId: caller.accountId,
        region: caller.region,
        ...(concrete ? { resourceTags, context: tagContext } : {}),
      })
    : await authorizer.authorizeEc2({
        callerSessionArn: caller.session.sessionArn,
        callerRoleArn: caller.session.role.arn,
        accountId: caller.accountId,
        region: caller.region,
        action,
        resourceArn,
        resourceTags,
      });
  if (decision.allowed) return;
  const onResource = concrete ? ` on resource: ${resourceArn}` : '';
  const why =
    decision.result === 'ExplicitlyDenied'
      ? 'with an explicit deny in an identity-based policy'
      : `because no identity-based policy allows the ${action} action`;
  throw rdsErrors.accessDenied(
    `User: ${caller.session.sessionArn} is not authorized to perform: ${action}${onResource} ${why}`,
  );
}
