import type { Caller } from './authenticate';
import type { QueryParams } from './query-params';
import { rdsErrors } from './rds-errors';
import {
  type DbClusterView,
  type DbInstanceView,
  dbClusterArn,
  dbInstanceArn,
} from './rds-resources';
import type { World } from './world';

/**
 * Reads DBInstanceIdentifier / DBClusterIdentifier, a name or an ARN (RDS API reference), and
 * resolves it in the caller's own account and region only.
 */
export function requiredIdentifier(params: QueryParams, name: string): string {
  const value = params.get(name);
  if (value === undefined || value === '') throw rdsErrors.missingParameter(name);
  return value;
}

/** The name an identifier or ARN stands for (`arn:aws:rds:<region>:<account>:db:<name>`). */
export function nameOf(identifier: string, kind: 'db' | 'cluster'): string {
  const match = new RegExp(`^arn:aws:rds:[a-z0-9-]+:\\d{12}:${kind}:(.+)$`).exec(identifier);
  return (match?.[1] ?? identifier).toLowerCase();
}

export function findInstance(
  world: World,
  caller: Caller,
  identifier: string,
): { name: string; arn: string; found?: DbInstanceView } {
  const name = nameOf(identifier, 'db');
  const found = world.rds.findInstance(caller.accountId, caller.region, name);
  return {
    name,
    arn: dbInstanceArn(caller.region, caller.accountId, name),
    ...(found ? { found } : {}),
  };
}

export function findCluster(
  world: World,
  caller: Caller,
  identifier: string,
): { name: string; arn: string; found?: DbClusterView } {
  const name = nameOf(identifier, 'cluster');
  const found = world.rds.findCluster(caller.accountId, caller.region, name);
  return {
    name,
    arn: dbClusterArn(caller.region, caller.accountId, name),
    ...(found ? { found } : {}),
  };
}
