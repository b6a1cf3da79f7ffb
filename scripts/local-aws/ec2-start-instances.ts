import { mayUseKmsKey } from './ec2-authorize';
import { ec2Errors } from './ec2-errors';
import { prepareStateChange, type StateChange, stateChangesXml } from './ec2-state-change';
import type { ActionHandler } from './service-context';

/**
 * ec2:StartInstances. All or nothing: one instance in a state that cannot start fails the call.
 * Running or pending instances are a successful no-op (previous == current).
 */
export const startInstances: ActionHandler = async (context, request) => {
  const instances = await prepareStateChange(context, request, 'StartInstances');
  const blocked = instances.find((i) =>
    ['stopping', 'shutting-down', 'terminated'].includes(i.state),
  );
  if (blocked) {
    throw ec2Errors.incorrectInstanceState(
      `The instance '${blocked.instanceId}' is not in a state from which it can be started.`,
    );
  }
  const changes: StateChange[] = [];
  for (const instance of instances) {
    if (instance.state === 'stopped') {
      // EC2 accepts the start either way; a key the caller may not use shows up later as a fallback.
      const kmsDenied = instance.ebsKmsKeyArn
        ? !(await mayUseKmsKey(context, request.caller, instance.ebsKmsKeyArn))
        : false;
      context.world.beginStart(instance.instanceId, kmsDenied);
    }
    const current = context.world.instance(instance.instanceId)?.state ?? instance.state;
    changes.push({ instanceId: instance.instanceId, previous: instance.state, current });
  }
  return stateChangesXml(changes);
};
