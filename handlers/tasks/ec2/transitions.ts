/**
 * How EC2 instances move between states (EC2 User Guide, "Amazon EC2 instance state changes"):
 * a start goes through `pending` to `running`, a stop through `stopping` to `stopped`. A start
 * or stop usually takes under a minute, a hibernation longer; ten minutes in transit is stuck
 * (the engine's 20 re-checks 30 s apart, as before the task port said so).
 */
import type { ResourceOutcome } from '../../core/results';
import type { Transitions } from '../../core/task';
import { FINAL_STATE, UNDER_WAY_STATE } from './wait';

export const EC2_TRANSITIONS: Transitions = {
  inTransit: { start: [UNDER_WAY_STATE.start], stop: [UNDER_WAY_STATE.stop] },
  final: FINAL_STATE,
  typicalSeconds: { start: 60, stop: 60 },
  maxSeconds: { start: 600, stop: 600 },
};

/**
 * A status entry of a start that fell back: stopped, with the reason the status report gives only
 * to a stop that was not a user's (a launch failure: Client.InternalError, capacity, KMS).
 */
export function ec2StartFellBack(status: ResourceOutcome): boolean {
  return (
    status.outcome === 'unchanged' &&
    status.currentState === FINAL_STATE.stop &&
    status.reason !== undefined
  );
}
