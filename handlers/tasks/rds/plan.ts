/**
 * Decides per resource, from its described state, whether a start or stop is needed and possible.
 * RDS starts only a stopped DB instance or cluster and stops only an available one; any other
 * state (`modifying`, `backing-up`, `upgrading`...) answers InvalidDBInstanceState or
 * InvalidDBClusterStateFault (RDS API reference, StopDBInstance, StopDBCluster).
 */
import type { ResourceOutcome } from '../../core/results';
import { type SelectedDatabase, TYPE_OF } from './resources';

export type ChangeAction = 'start' | 'stop';

export interface Plan {
  toSend: SelectedDatabase[];
  settled: ResourceOutcome[];
}

const NOUN = { db: 'DB instance', cluster: 'DB cluster' } as const;

export function planChange(resources: readonly SelectedDatabase[], action: ChangeAction): Plan {
  const plan: Plan = { toSend: [], settled: [] };
  for (const resource of resources) {
    const { state } = resource;
    const settle = (outcome: 'unchanged' | 'skipped', reason: string) =>
      plan.settled.push({
        id: resource.id,
        type: TYPE_OF[resource.kind],
        previousState: state,
        currentState: state,
        outcome,
        reason,
      });
    const noun = NOUN[resource.kind];
    if (action === 'start') {
      if (state === 'available' || state === 'starting') settle('unchanged', `already ${state}`);
      else if (state === 'stopped') plan.toSend.push(resource);
      else
        settle(
          'skipped',
          `is ${state}: RDS starts only a stopped ${noun}; retry once it is stopped`,
        );
    } else if (state === 'stopped' || state === 'stopping') {
      settle('unchanged', `already ${state}`);
    } else if (state === 'available') {
      plan.toSend.push(resource);
    } else {
      settle(
        'skipped',
        `is ${state}: RDS stops only an available ${noun}; retry once it is available`,
      );
    }
  }
  return plan;
}
