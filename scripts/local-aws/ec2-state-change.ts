import { authorizeEachInstance } from './ec2-authorize';
import { ec2Errors } from './ec2-errors';
import { resolveInstanceIds } from './ec2-instance-ids';
import { stateXml } from './ec2-instance-xml';
import { takeEc2Tokens } from './ec2-throttle';
import type { InstanceView } from './instances';
import type { InstanceStateName } from './seed-schema';
import type { ActionRequest, ServiceContext } from './service-context';
import { itemList, leaf } from './xml';

export interface StateChange {
  instanceId: string;
  previous: InstanceStateName;
  current: InstanceStateName;
}

/**
 * What StartInstances and StopInstances share, in EC2's order: request token, IDs (Malformed,
 * NotFound), permission on every instance, DryRun, then the per-instance resource tokens.
 */
export async function prepareStateChange(
  context: ServiceContext,
  { caller, params }: ActionRequest,
  action: 'StartInstances' | 'StopInstances',
): Promise<InstanceView[]> {
  takeEc2Tokens(context, caller, [{ bucket: action, count: 1 }]);
  const ids = params.list('InstanceId');
  if (ids.length === 0) throw ec2Errors.missingParameter('InstanceId');
  const instances = resolveInstanceIds(context.world, caller, ids);
  await authorizeEachInstance(context, caller, `ec2:${action}`, instances);
  if (params.bool('DryRun')) throw ec2Errors.dryRunOperation();
  takeEc2Tokens(context, caller, [{ bucket: `${action}:instances`, count: instances.length }]);
  return instances;
}

/** <instancesSet> of StartInstances / StopInstances. */
export function stateChangesXml(changes: readonly StateChange[]): string {
  return itemList(
    'instancesSet',
    changes.map(
      (change) =>
        leaf('instanceId', change.instanceId) +
        stateXml('currentState', change.current) +
        stateXml('previousState', change.previous),
    ),
  );
}
