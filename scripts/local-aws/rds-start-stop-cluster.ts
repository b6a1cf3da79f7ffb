import { authorizeRdsResource } from './rds-authorize';
import { rdsErrors } from './rds-errors';
import { findCluster, requiredIdentifier } from './rds-identifiers';
import { clusterRefusal } from './rds-stop-rules';
import { takeRdsToken } from './rds-throttle';
import { dbClusterXml } from './rds-xml';
import type { ActionHandler } from './service-context';

/**
 * rds:StartDBCluster / rds:StopDBCluster: the cluster and its member instances change together
 * (Aurora User Guide, aurora-cluster-stop-start). Same order as the instance actions.
 */
export function changeDbCluster(change: 'start' | 'stop'): ActionHandler {
  const action = change === 'start' ? 'StartDBCluster' : 'StopDBCluster';
  return async (context, { caller, params }) => {
    takeRdsToken(context, caller);
    const identifier = requiredIdentifier(params, 'DBClusterIdentifier');
    const { name, arn, found } = findCluster(context.world, caller, identifier);
    await authorizeRdsResource(context, caller, `rds:${action}`, {
      kind: 'cluster',
      arn,
      tags: found?.tags ?? [],
    });
    if (!found) throw rdsErrors.dbClusterNotFound(identifier);
    const refusal = clusterRefusal(found, change);
    if (refusal) throw refusal;
    if (change === 'start')
      context.world.rds.beginClusterStart(caller.accountId, caller.region, name);
    else context.world.rds.beginClusterStop(caller.accountId, caller.region, name);
    const now = context.world.rds.findCluster(caller.accountId, caller.region, name) ?? found;
    return dbClusterXml(now);
  };
}
