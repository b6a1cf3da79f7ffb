/**
 * How RDS DB instances and Aurora clusters move between states. Stopping "can take several
 * minutes" and starting "from minutes to hours" (RDS User Guide, USER_StopInstance and
 * USER_StartInstance; Aurora User Guide, aurora-cluster-stop-start). A start passes `starting`
 * and may then pass the configuring states of the status table (RDS User Guide,
 * Overview.DBInstance.Status) before `available`.
 */
import type { Transitions } from '../../core/task';

/** States RDS may report while a start is under way, before `available`. */
export const STARTING_STATES = [
  'starting',
  'configuring-enhanced-monitoring',
  'configuring-iam-database-auth',
  'configuring-log-exports',
] as const;

/**
 * States a start can end in instead of `available` (the status table's "inaccessible" and
 * "incompatible" states, `insufficient-capacity`, `failed`): the start did not take, and RDS says
 * why in the state's name.
 */
export const START_FAILURE_STATES: ReadonlySet<string> = new Set([
  'failed',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'incompatible-network',
  'incompatible-parameters',
  'insufficient-capacity',
]);

export const RDS_TRANSITIONS: Transitions = {
  inTransit: { start: STARTING_STATES, stop: ['stopping'] },
  final: { start: 'available', stop: 'stopped' },
  // Typical: a few minutes to stop, about ten to start; at most half an hour to stop and four
  // hours to start before a change still under way counts as stuck.
  typicalSeconds: { start: 600, stop: 300 },
  maxSeconds: { start: 4 * 3600, stop: 1800 },
};

/** True for a change whose resource is still on its way to the action's final state. */
export function isInTransit(action: 'start' | 'stop', state: string): boolean {
  return RDS_TRANSITIONS.inTransit[action].includes(state);
}

/** What to do about a start that ended in one of START_FAILURE_STATES. */
export function startFailureHint(state: string): string {
  if (state.startsWith('inaccessible-encryption-credentials')) {
    return 'RDS cannot use the KMS key that encrypts it: check that the key is enabled, not scheduled for deletion, and that its account is active, then start it again';
  }
  if (state === 'insufficient-capacity') {
    return 'AWS had no capacity for its instance class in its Availability Zone; retry later';
  }
  if (state === 'incompatible-network') {
    return 'its network settings no longer work (subnet, security group or IP addresses); check its DB subnet group';
  }
  if (state === 'incompatible-parameters') {
    return 'its DB parameter group holds values the engine rejects; fix the parameter group and start it again';
  }
  return 'RDS reports it failed; see its recent events in the RDS console';
}
