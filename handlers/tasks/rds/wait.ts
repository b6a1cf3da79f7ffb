/**
 * With `wait: true`, confirms the final state of what `act` changed. Starts use the SDK's own
 * waiters (waitUntilDBInstanceAvailable, waitUntilDBClusterAvailable); RDS has no "stopped"
 * waiter, so stops poll the same describes through the SDK's createWaiter. Every waiter is
 * bounded by the wait budget; one describe afterwards reads where each resource stands.
 *
 * A change still in transit when the budget runs out is not a failure: RDS accepted it and is
 * carrying it out (a start can take hours). It stays `changed`, with its state and a reason; the
 * Step Functions engine re-checks it later (RDS_TRANSITIONS).
 */
import {
  type RDSClient,
  waitUntilDBClusterAvailable,
  waitUntilDBInstanceAvailable,
} from '@aws-sdk/client-rds';
import { createWaiter, WaiterState } from '@smithy/core/client';
import { describeError } from '../../core/diagnose';
import type { ResourceOutcome } from '../../core/results';
import type { WaitOptions } from '../../core/task';
import type { ChangeAction } from './plan';
import { DB_CLUSTER_TYPE, DB_INSTANCE_TYPE } from './resources';
import { DESCRIBE_PAGE_SIZE, describeClusters, describeInstances, IDS_PER_FILTER } from './select';
import {
  isInTransit,
  RDS_TRANSITIONS,
  START_FAILURE_STATES,
  startFailureHint,
} from './transitions';

export const WAIT_TIMEOUT_CODE = 'WaitTimeout';

function canWait(options: WaitOptions): boolean {
  return options.maxWaitSeconds > options.minDelaySeconds;
}

function waiterConfig(client: RDSClient, options: WaitOptions) {
  return {
    client,
    minDelay: options.minDelaySeconds,
    maxDelay: Math.max(options.minDelaySeconds, options.maxDelaySeconds),
    maxWaitTime: options.maxWaitSeconds,
  };
}

function chunks(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_FILTER) out.push(ids.slice(i, i + IDS_PER_FILTER));
  return out;
}

/** Waits until every ID in the chunk is stopped, or the budget ends (no SDK waiter exists). */
async function waitStopped(
  client: RDSClient,
  ids: string[],
  read: (client: RDSClient, ids: string[]) => Promise<string[]>,
  options: WaitOptions,
): Promise<void> {
  await createWaiter(waiterConfig(client, options), ids, async (c: RDSClient, input: string[]) => {
    try {
      const states = await read(c, input);
      if (states.length === input.length && states.every((s) => s === 'stopped')) {
        return { state: WaiterState.SUCCESS };
      }
      // Anything else than stopping or stopped: the stop will not finish on its own.
      if (states.some((s) => s !== 'stopped' && s !== 'stopping' && s !== 'available')) {
        return { state: WaiterState.FAILURE };
      }
    } catch {
      // Like the SDK's own waiters: a failed poll is retried until the time is up.
    }
    return { state: WaiterState.RETRY };
  });
}

const instanceStates = async (c: RDSClient, ids: string[]) =>
  (await describeInstances(c, ids)).map((i) => i.DBInstanceStatus ?? 'unknown');
const clusterStates = async (c: RDSClient, ids: string[]) =>
  (await describeClusters(c, ids)).map((i) => i.Status ?? 'unknown');

async function waitAll(
  client: RDSClient,
  action: ChangeAction,
  instanceIds: string[],
  clusterIds: string[],
  options: WaitOptions,
): Promise<void> {
  const config = waiterConfig(client, options);
  const filter = (name: string, ids: string[]) => ({
    Filters: [{ Name: name, Values: ids }],
    MaxRecords: DESCRIBE_PAGE_SIZE,
  });
  const waits = [
    ...chunks(instanceIds).map((ids) =>
      action === 'start'
        ? waitUntilDBInstanceAvailable(config, filter('db-instance-id', ids))
        : waitStopped(client, ids, instanceStates, options),
    ),
    ...chunks(clusterIds).map((ids) =>
      action === 'start'
        ? waitUntilDBClusterAvailable(config, filter('db-cluster-id', ids))
        : waitStopped(client, ids, clusterStates, options),
    ),
  ];
  // A timeout or a failure state ends a waiter with an error: the describe after it tells which.
  await Promise.allSettled(waits);
}

interface FinalView {
  states: Map<string, string>;
  error?: unknown;
}

async function readStates(client: RDSClient, type: string, ids: string[]): Promise<FinalView> {
  if (ids.length === 0) return { states: new Map() };
  try {
    const found =
      type === DB_INSTANCE_TYPE
        ? (await describeInstances(client, ids)).map(
            (i) => [i.DBInstanceIdentifier ?? '', i.DBInstanceStatus ?? 'unknown'] as const,
          )
        : (await describeClusters(client, ids)).map(
            (c) => [c.DBClusterIdentifier ?? '', c.Status ?? 'unknown'] as const,
          );
    return { states: new Map(found) };
  } catch (error) {
    return { states: new Map(), error };
  }
}

export function underWayReason(action: ChangeAction, state: string, seconds: number): string {
  const typical =
    action === 'start'
      ? 'an RDS start takes minutes, sometimes hours'
      : 'an RDS stop takes several minutes';
  return `${action} under way: still ${state} after waiting ${seconds}s (${typical}); check again with action "status"`;
}

/** The final outcome of one accepted change, from the state read after the wait. */
export function finalOutcome(
  result: ResourceOutcome,
  action: ChangeAction,
  view: FinalView,
  seconds: number,
): ResourceOutcome {
  const state = view.states.get(result.id);
  if (state === undefined) {
    if (view.error !== undefined) {
      const { code, message } = describeError(view.error);
      return {
        ...result,
        outcome: 'failed',
        code,
        reason: `the ${action} was accepted, but its final state could not be read (${code}: ${message})`,
      };
    }
    return {
      ...result,
      outcome: 'failed',
      code: 'ResourceNotFound',
      reason: `the ${action} was accepted, but the resource was not visible within ${seconds}s`,
    };
  }
  const withState = { ...result, currentState: state };
  if (state === RDS_TRANSITIONS.final[action]) {
    const { reason: _reason, ...rest } = withState;
    return { ...rest, outcome: 'changed' };
  }
  if (isInTransit(action, state)) {
    return { ...withState, outcome: 'changed', reason: underWayReason(action, state, seconds) };
  }
  if (action === 'start' && START_FAILURE_STATES.has(state)) {
    return {
      ...withState,
      outcome: 'failed',
      code: 'StartFailed',
      reason: `start accepted, then RDS reported ${state}: ${startFailureHint(state)}`,
    };
  }
  if (action === 'start' && state === 'stopped') {
    return {
      ...withState,
      outcome: 'failed',
      code: 'StartFellBack',
      reason: `start accepted, but it is stopped again after ${seconds}s; see its recent events in the RDS console`,
    };
  }
  return {
    ...withState,
    outcome: 'failed',
    code: action === 'stop' && state === 'available' ? 'StartedAgain' : WAIT_TIMEOUT_CODE,
    reason: `${action} accepted, but it is now ${state} after ${seconds}s: something else changed it meanwhile, or it is still busy; check again with action "status"`,
  };
}

/** Waits for the changed resources and returns every result, final where known, in input order. */
export async function waitForFinalStates(
  client: RDSClient,
  action: ChangeAction,
  results: readonly ResourceOutcome[],
  options: WaitOptions,
): Promise<ResourceOutcome[]> {
  const changed = results.filter((r) => r.outcome === 'changed');
  if (changed.length === 0 || !canWait(options)) return [...results];
  const idsOf = (type: string) => changed.filter((r) => r.type === type).map((r) => r.id);
  const instanceIds = idsOf(DB_INSTANCE_TYPE);
  const clusterIds = idsOf(DB_CLUSTER_TYPE);
  await waitAll(client, action, instanceIds, clusterIds, options);
  const [instances, clusters] = await Promise.all([
    readStates(client, DB_INSTANCE_TYPE, instanceIds),
    readStates(client, DB_CLUSTER_TYPE, clusterIds),
  ]);
  const seconds = Math.max(0, Math.round(options.maxWaitSeconds));
  return results.map((r) => {
    if (r.outcome !== 'changed') return r;
    return finalOutcome(r, action, r.type === DB_CLUSTER_TYPE ? clusters : instances, seconds);
  });
}
