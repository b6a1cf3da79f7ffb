import { ec2Errors } from './ec2-errors';
import { prepareStateChange, type StateChange, stateChangesXml } from './ec2-state-change';
import type { ActionHandler } from './service-context';

/**
 * ec2:StopInstances with Hibernate and Force. All or nothing, like EC2: one instance that cannot
 * stop (or hibernate) fails the call. Stopped or stopping instances are a successful no-op.
 */
export const stopInstances: ActionHandler = async (context, request) => {
  const hibernate = request.params.bool('Hibernate');
  const force = request.params.bool('Force');
  const instances = await prepareStateChange(context, request, 'StopInstances');
  for (const instance of instances) {
    if (instance.state === 'pending') {
      throw ec2Errors.incorrectInstanceState(
        `Instance '${instance.instanceId}' cannot be stopped as it has never reached the 'running' state.`,
      );
    }
    if (instance.state === 'shutting-down' || instance.state === 'terminated') {
      throw ec2Errors.incorrectInstanceState(
        `This instance '${instance.instanceId}' is not in a state from which it can be stopped.`,
      );
    }
  }
  // Hibernate does not fall back to a plain stop: EC2 refuses the call (instance-scheduler #510).
  if (hibernate && instances.some((instance) => !instance.hibernationConfigured)) {
    throw ec2Errors.unsupportedHibernation();
  }
  const changes: StateChange[] = [];
  for (const instance of instances) {
    if (instance.state === 'running' || (instance.state === 'stopping' && force)) {
      context.world.beginStop(instance.instanceId, { hibernate, force });
    }
    const current = context.world.instance(instance.instanceId)?.state ?? instance.state;
    changes.push({ instanceId: instance.instanceId, previous: instance.state, current });
  }
  return stateChangesXml(changes);
};
