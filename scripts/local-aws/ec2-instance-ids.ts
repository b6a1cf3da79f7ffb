import type { Caller } from './authenticate';
import { ec2Errors } from './ec2-errors';
import type { InstanceView } from './instances';
import { INSTANCE_ID } from './seed-schema';
import type { World } from './world';

/** Checks the format of every ID first (Malformed), then that each exists for this caller (NotFound). */
export function resolveInstanceIds(
  world: World,
  caller: Caller,
  ids: readonly string[],
): InstanceView[] {
  const unique = [...new Set(ids)];
  const malformed = unique.find((id) => !INSTANCE_ID.test(id));
  if (malformed !== undefined) throw ec2Errors.instanceIdMalformed(malformed);
  const found: InstanceView[] = [];
  const missing: string[] = [];
  for (const id of unique) {
    // Only the caller's own account and region: credentials of another account see nothing here.
    const instance = world.findIn(caller.accountId, caller.region, id);
    if (instance) found.push(instance);
    else missing.push(id);
  }
  if (missing.length > 0) throw ec2Errors.instanceNotFound(missing);
  return found;
}
