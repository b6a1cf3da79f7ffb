import { authorizeRdsResource } from './rds-authorize';
import { rdsErrors } from './rds-errors';
import { findInstance, requiredIdentifier } from './rds-identifiers';
import { instanceRefusal } from './rds-stop-rules';
import { takeRdsToken } from './rds-throttle';
import { dbInstanceXml } from './rds-xml';
import type { ActionHandler } from './service-context';

/**
 * rds:StartDBInstance / rds:StopDBInstance, in RDS's order: the identifier, the caller's
 * permission on the instance's ARN (a missing instance has no tags, so a tag-scoped policy
 * refuses it before anyone learns whether it exists), DBInstanceNotFound, what RDS refuses
 * to stop or start, then the change. The answer shows the instance as it is right after.
 */
export function changeDbInstance(change: 'start' | 'stop'): ActionHandler {
  const action = change === 'start' ? 'StartDBInstance' : 'StopDBInstance';
  return async (context, { caller, params }) => {
    takeRdsToken(context, caller);
    const identifier = requiredIdentifier(params, 'DBInstanceIdentifier');
    const { name, arn, found } = findInstance(context.world, caller, identifier);
    await authorizeRdsResource(context, caller, `rds:${action}`, {
      kind: 'db',
      arn,
      tags: found?.tags ?? [],
    });
    if (!found) throw rdsErrors.dbInstanceNotFound(identifier);
    const refusal = instanceRefusal(found, change);
    if (refusal) throw refusal;
    if (params.has('DBSnapshotIdentifier')) {
      throw rdsErrors.snapshotsNotCarriedOut();
    }
    if (change === 'start')
      context.world.rds.beginInstanceStart(caller.accountId, caller.region, name);
    else context.world.rds.beginInstanceStop(caller.accountId, caller.region, name);
    const now = context.world.rds.findInstance(caller.accountId, caller.region, name) ?? found;
    return dbInstanceXml(now);
  };
}
