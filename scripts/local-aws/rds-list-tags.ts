import { authorizeRdsResource } from './rds-authorize';
import { rdsErrors } from './rds-errors';
import { takeRdsToken } from './rds-throttle';
import { tagListXml } from './rds-xml';
import type { ActionHandler } from './service-context';

const RDS_ARN = /^arn:aws:rds:([a-z0-9-]+):(\d{12}):(db|cluster):(.+)$/;

/**
 * rds:ListTagsForResource on a DB instance or cluster ARN. Describe* already carry TagList, so
 * a start/stop task rarely needs it; it is here for clients that read tags this way. Other
 * resource types (snapshots, parameter groups) are not held here.
 */
export const listTagsForResource: ActionHandler = async (context, { caller, params }) => {
  takeRdsToken(context, caller);
  const resourceName = params.get('ResourceName');
  if (resourceName === undefined || resourceName === '') {
    throw rdsErrors.missingParameter('ResourceName');
  }
  const match = RDS_ARN.exec(resourceName);
  if (!match) {
    // Text *unverified*.
    throw rdsErrors.invalidParameterValue(
      `The specified resource name does not match an RDS resource in this Region: ${resourceName}`,
    );
  }
  const [, region, accountId, kind, name = ''] = match;
  const local = region === caller.region && accountId === caller.accountId;
  const rds = context.world.rds;
  const found = !local
    ? undefined
    : kind === 'db'
      ? rds.findInstance(caller.accountId, caller.region, name)
      : rds.findCluster(caller.accountId, caller.region, name);
  await authorizeRdsResource(context, caller, 'rds:ListTagsForResource', {
    kind: kind === 'db' ? 'db' : 'cluster',
    arn: resourceName,
    tags: found?.tags ?? [],
  });
  if (!found) {
    throw kind === 'db' ? rdsErrors.dbInstanceNotFound(name) : rdsErrors.dbClusterNotFound(name);
  }
  return tagListXml(found.tags);
};
