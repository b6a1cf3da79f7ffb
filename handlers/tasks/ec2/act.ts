/**
 * Starts or stops the selected instances of one target: one batch call on the happy path,
 * bisection when a batch fails because of some of its instances, and batches paced to EC2's
 * instance bucket when there are more instances than its burst.
 */
import {
  type EC2Client,
  type InstanceStateChange,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { explainInstanceError, isInstanceSpecificError } from './errors';
import { INSTANCE_BUCKETS, InstanceBucket, type PaceClock } from './instance-rate';
import type { InstanceResult } from './instance-result';
import type { SelectedInstance } from './select';

export type ChangeAction = 'start' | 'stop';

export const HIBERNATION_NOT_CONFIGURED = 'hibernation not configured at launch; stopped normally';
/** Said of the instances that were hibernated, so a caller can tell them from normal stops. */
export const HIBERNATED = 'hibernated: memory saved to the root volume';
/** Upper bound per Start/Stop call, so one huge tag selection never builds an oversized request. */
export const MAX_BATCH = 1000;

export interface Plan {
  /** Instances the action must be sent for. */
  toSend: SelectedInstance[];
  /** Instances already settled by their state (unchanged or skipped), with the reason. */
  settled: InstanceResult[];
}

function base(instance: SelectedInstance): Pick<InstanceResult, 'instanceId' | 'name'> {
  return {
    instanceId: instance.instanceId,
    ...(instance.name !== undefined ? { name: instance.name } : {}),
  };
}

/** Decides per instance, from its described state, whether the action is needed or possible. */
export function planAction(instances: readonly SelectedInstance[], action: ChangeAction): Plan {
  const plan: Plan = { toSend: [], settled: [] };
  for (const instance of instances) {
    const state = instance.state;
    const settled = (outcome: 'unchanged' | 'skipped', reason: string) =>
      plan.settled.push({
        ...base(instance),
        previousState: state,
        currentState: state,
        outcome,
        reason,
      });
    if (action === 'start') {
      if (state === 'running' || state === 'pending') settled('unchanged', `already ${state}`);
      else if (state === 'stopping')
        settled('skipped', 'is stopping; EC2 cannot start it until it has stopped, so retry then');
      else plan.toSend.push(instance);
    } else if (state === 'stopped' || state === 'stopping') {
      settled('unchanged', `already ${state}`);
    } else if (state === 'pending') {
      settled(
        'skipped',
        'is still pending; EC2 cannot stop an instance that has not reached running, so retry then',
      );
    } else plan.toSend.push(instance);
  }
  return plan;
}

export type BatchOutcome<T> = { ok: true; value: T | undefined } | { ok: false; error: unknown };

/**
 * Calls `call` with all IDs; if it fails with an error that may concern single instances, splits
 * the batch in halves and retries each, so one bad instance never blocks the others. An error
 * that cannot be instance-specific (credentials, throttling after retries, network) fails every
 * ID not yet done, without more calls.
 */
export async function bisectBatch<T>(
  ids: readonly string[],
  call: (ids: string[]) => Promise<ReadonlyMap<string, T>>,
  isolatable: (err: unknown) => boolean = isInstanceSpecificError,
): Promise<Map<string, BatchOutcome<T>>> {
  const out = new Map<string, BatchOutcome<T>>();
  let fatal: { error: unknown } | undefined;
  const fail = (batch: readonly string[], error: unknown) => {
    for (const id of batch) out.set(id, { ok: false, error });
  };
  const attempt = async (batch: string[]): Promise<void> => {
    if (fatal) return fail(batch, fatal.error);
    try {
      const values = await call(batch);
      for (const id of batch) out.set(id, { ok: true, value: values.get(id) });
    } catch (error) {
      if (!isolatable(error)) {
        fatal = { error };
        return fail(batch, error);
      }
      if (batch.length === 1) return fail(batch, error);
      const middle = Math.ceil(batch.length / 2);
      // Sequential halves: a burst of parallel calls would only invite throttling.
      await attempt(batch.slice(0, middle));
      await attempt(batch.slice(middle));
    }
  };
  for (let i = 0; i < ids.length; i += MAX_BATCH) await attempt(ids.slice(i, i + MAX_BATCH));
  return out;
}

function byInstanceId(
  changes: InstanceStateChange[] | undefined,
): Map<string, InstanceStateChange> {
  return new Map((changes ?? []).flatMap((c) => (c.InstanceId ? [[c.InstanceId, c]] : [])));
}

async function send(
  client: EC2Client,
  action: ChangeAction,
  ids: string[],
  hibernate: boolean,
): Promise<Map<string, InstanceStateChange>> {
  if (action === 'start') {
    const out = await client.send(new StartInstancesCommand({ InstanceIds: ids }));
    return byInstanceId(out.StartingInstances);
  }
  // Never Force or SkipOsShutdown: both risk data loss on the instance.
  const out = await client.send(
    new StopInstancesCommand({ InstanceIds: ids, ...(hibernate ? { Hibernate: true } : {}) }),
  );
  return byInstanceId(out.StoppingInstances);
}

export interface ActOptions {
  action: ChangeAction;
  hibernate: boolean;
  /** Milliseconds the target may still spend waiting for EC2's instance bucket (default: no limit). */
  timeLeftMillis?: () => number;
  clock?: PaceClock;
}

export interface PacedOutcomes<T> {
  outcomes: Map<string, BatchOutcome<T>>;
  /** IDs never sent: waiting for the bucket would have outlasted the time left. */
  notSent: string[];
}

/**
 * Sends the IDs in batches the target's instance bucket covers, waiting for it to refill between
 * batches. Each batch is bisected on instance-specific errors; an error that cannot be
 * instance-specific fails every ID not yet done, without more calls.
 */
export async function sendPaced<T>(
  ids: readonly string[],
  call: (ids: string[]) => Promise<ReadonlyMap<string, T>>,
  bucket: InstanceBucket,
  timeLeftMillis: () => number,
): Promise<PacedOutcomes<T>> {
  const outcomes = new Map<string, BatchOutcome<T>>();
  let next = 0;
  while (next < ids.length) {
    const size = bucket.nextBatchSize(ids.length - next, MAX_BATCH);
    if (!(await bucket.take(size, timeLeftMillis()))) break;
    const batch = ids.slice(next, next + size);
    next += size;
    const sent = await bisectBatch(batch, call);
    bucket.answered();
    for (const [id, outcome] of sent) outcomes.set(id, outcome);
    const fatal = [...sent.values()].find((o) => !o.ok && !isInstanceSpecificError(o.error));
    if (fatal) {
      for (const id of ids.slice(next)) outcomes.set(id, fatal);
      next = ids.length;
    }
  }
  return { outcomes, notSent: ids.slice(next) };
}

function notSentReason(action: ChangeAction): string {
  const { capacity, refillPerSecond } = INSTANCE_BUCKETS[action];
  return `not sent: EC2 lets an account ${action} ${refillPerSecond} instances per second in a Region once a burst of ${capacity} is spent, and the invocation had too little time left to wait; run again to finish`;
}

/** Applies start/stop to one target's selected instances and reports each one. */
export async function actOnInstances(
  client: EC2Client,
  instances: readonly SelectedInstance[],
  options: ActOptions,
): Promise<InstanceResult[]> {
  const plan = planAction(instances, options.action);
  const results = [...plan.settled];
  // One bucket for the target: both groups below draw from it.
  const bucket = new InstanceBucket(INSTANCE_BUCKETS[options.action], options.clock);
  const timeLeft = options.timeLeftMillis ?? (() => Number.POSITIVE_INFINITY);
  // Hibernate only where it was configured at launch; EC2 rejects it for the others.
  const groups: Array<{ members: SelectedInstance[]; hibernate: boolean; note?: string }> =
    options.action === 'stop' && options.hibernate
      ? [
          {
            members: plan.toSend.filter((i) => i.hibernationConfigured),
            hibernate: true,
            note: HIBERNATED,
          },
          {
            members: plan.toSend.filter((i) => !i.hibernationConfigured),
            hibernate: false,
            note: HIBERNATION_NOT_CONFIGURED,
          },
        ]
      : [{ members: plan.toSend, hibernate: false }];

  for (const group of groups) {
    if (group.members.length === 0) continue;
    const { outcomes, notSent } = await sendPaced(
      group.members.map((i) => i.instanceId),
      (ids) => send(client, options.action, ids, group.hibernate),
      bucket,
      timeLeft,
    );
    const unsent = new Set(notSent);
    for (const instance of group.members) {
      if (unsent.has(instance.instanceId)) {
        results.push({
          ...base(instance),
          currentState: instance.state,
          outcome: 'not-processed',
          reason: notSentReason(options.action),
        });
        continue;
      }
      const outcome = outcomes.get(instance.instanceId);
      if (!outcome?.ok) {
        const { code, reason } = explainInstanceError(outcome?.error);
        results.push({
          ...base(instance),
          currentState: instance.state,
          outcome: 'failed',
          code,
          reason,
        });
        continue;
      }
      const previous = outcome.value?.PreviousState?.Name ?? instance.state;
      const current = outcome.value?.CurrentState?.Name;
      // A state that did not move means someone else got there first (e.g. started meanwhile).
      const moved = current === undefined || current !== previous;
      const reason = moved ? group.note : `already ${current} when the request arrived`;
      results.push({
        ...base(instance),
        previousState: previous,
        ...(current !== undefined ? { currentState: current } : {}),
        outcome: moved ? 'changed' : 'unchanged',
        ...(reason !== undefined ? { reason } : {}),
      });
    }
  }
  return results;
}
