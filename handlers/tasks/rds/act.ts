/**
 * Starts or stops the selected DB instances and clusters of one target. RDS has no batch call, so
 * each resource gets its own StartDBInstance, StopDBInstance, StartDBCluster or StopDBCluster,
 * a few at a time. An error that concerns one resource fails only it; any other (throttling after
 * the SDK's retries, network, credentials) fails the rest without more calls.
 */
import {
  type RDSClient,
  StartDBClusterCommand,
  StartDBInstanceCommand,
  StopDBClusterCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import type { ResourceOutcome } from '../../core/results';
import { explainResourceError, isResourceSpecific } from './errors';
import { type ChangeAction, planChange } from './plan';
import { type SelectedDatabase, TYPE_OF } from './resources';

/** Calls in flight per target: RDS's control plane is throttled per account and region. */
export const ACT_CONCURRENCY = 4;

export const NOT_SENT_REASON =
  'not sent: the invocation had too little time left; run again to finish';

/** Sends the change for one resource; returns the state RDS reports in its answer. */
export async function sendChange(
  client: RDSClient,
  resource: SelectedDatabase,
  action: ChangeAction,
): Promise<string | undefined> {
  // Never a DBSnapshotIdentifier on stop: a schedule would pile up snapshots.
  if (resource.kind === 'db') {
    const input = { DBInstanceIdentifier: resource.id };
    const out =
      action === 'start'
        ? await client.send(new StartDBInstanceCommand(input))
        : await client.send(new StopDBInstanceCommand(input));
    return out.DBInstance?.DBInstanceStatus;
  }
  const input = { DBClusterIdentifier: resource.id };
  const out =
    action === 'start'
      ? await client.send(new StartDBClusterCommand(input))
      : await client.send(new StopDBClusterCommand(input));
  return out.DBCluster?.Status;
}

export interface RdsActOptions {
  action: ChangeAction;
  controlTag: { key: string; value: string };
  /** Milliseconds the target may still use (default: no limit). */
  timeLeftMillis?: () => number;
}

export async function actOnDatabases(
  client: RDSClient,
  resources: readonly SelectedDatabase[],
  options: RdsActOptions,
): Promise<ResourceOutcome[]> {
  const plan = planChange(resources, options.action);
  const timeLeft = options.timeLeftMillis ?? (() => Number.POSITIVE_INFINITY);
  const results = new Map<SelectedDatabase, ResourceOutcome>();
  let fatal: { error: unknown } | undefined;
  let next = 0;

  const one = async (resource: SelectedDatabase): Promise<ResourceOutcome> => {
    const base = { id: resource.id, type: TYPE_OF[resource.kind], previousState: resource.state };
    if (fatal === undefined && timeLeft() <= 0) {
      return {
        ...base,
        currentState: resource.state,
        outcome: 'not-processed',
        reason: NOT_SENT_REASON,
      };
    }
    const error = fatal?.error;
    try {
      if (fatal !== undefined) throw error;
      const state = await sendChange(client, resource, options.action);
      return {
        ...base,
        ...(state !== undefined ? { currentState: state } : {}),
        outcome: 'changed',
      };
    } catch (err) {
      if (fatal === undefined && !isResourceSpecific(err)) fatal = { error: err };
      const { code, reason } = explainResourceError(err, options.controlTag);
      return { ...base, currentState: resource.state, outcome: 'failed', code, reason };
    }
  };
  const worker = async () => {
    while (next < plan.toSend.length) {
      const resource = plan.toSend[next++] as SelectedDatabase;
      results.set(resource, await one(resource));
    }
  };
  await Promise.all(Array.from({ length: Math.min(ACT_CONCURRENCY, plan.toSend.length) }, worker));
  return [...plan.settled, ...plan.toSend.map((r) => results.get(r) as ResourceOutcome)];
}
