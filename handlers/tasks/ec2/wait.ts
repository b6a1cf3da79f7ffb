/**
 * With `wait: true`, confirms the final state of every instance the action changed. A start is
 * only done when the instance is running: it can be accepted and then fall back to stopped
 * (missing KMS grant, no capacity), which must be reported as a failure, never as changed.
 *
 * An instance still in transit (`stopping`, `pending`) when the wait budget runs out is not a
 * failure: EC2 accepted the change and is carrying it out (a stop takes about a minute, a
 * hibernation longer). It stays `changed`, with that `currentState` and a reason saying so
 * (`isUnderWay`); the Step Functions engine re-checks such instances later.
 */
import {
  type DescribeInstancesCommandOutput,
  type EC2Client,
  type Instance,
  waitUntilInstanceStopped,
} from '@aws-sdk/client-ec2';
import { createWaiter, WaiterState } from '@smithy/core/client';
import { describeError } from '../../core/diagnose';
import type { WaiterDelays } from '../../core/types';
import { explainStartFallback } from './errors';
import type { InstanceResult } from './instance-result';
import { chunk, describeByIds, MAX_FILTER_VALUES, type SelectedInstance } from './select';

export interface WaitOptions extends WaiterDelays {
  /** Longest time to wait, already bounded by the invocation's remaining time. */
  maxWaitSeconds: number;
}

export const WAIT_TIMEOUT_CODE = 'WaitTimeout';
/** Transitional states that lead to the action's final state. */
export const UNDER_WAY_STATE = { start: 'pending', stop: 'stopping' } as const;
/** Final state of each action. */
export const FINAL_STATE = { start: 'running', stop: 'stopped' } as const;

/** The reason of an accepted change still in transit when the wait ended. */
export function underWayReason(action: 'start' | 'stop', seconds: number): string {
  const state = UNDER_WAY_STATE[action];
  const typical =
    action === 'start'
      ? 'a start usually takes under a minute'
      : 'a stop usually takes about a minute, a hibernation longer';
  return `${action} under way: still ${state} after waiting ${seconds}s (${typical}); check again with action "status"`;
}

/** True for a `changed` result whose instance has not reached the action's final state yet. */
export function isUnderWay(
  action: 'start' | 'stop',
  result: { outcome: string; currentState?: string },
): boolean {
  return result.outcome === 'changed' && result.currentState === UNDER_WAY_STATE[action];
}
/** A normal stop leaves this reason behind; seeing it right after a start says nothing new. */
export const USER_STOP = 'Client.UserInitiatedShutdown';

type StartVerdict =
  | { kind: 'running' }
  | { kind: 'waiting' }
  | { kind: 'failed'; code: string; reason: string };

/**
 * Classifies one instance after StartInstances. `sawPending` tells whether this wait has seen it
 * leave `stopped`; until then a `stopped` view may just be EC2's eventual consistency, unless its
 * state reason is new (a launch failure recorded after the start).
 */
export function classifyStart(
  instance: Instance | undefined,
  before: SelectedInstance | undefined,
  sawPending: boolean,
): StartVerdict {
  const state = instance?.State?.Name;
  if (state === 'running') return { kind: 'running' };
  if (state === 'terminated' || state === 'shutting-down') {
    const code = instance?.StateReason?.Code ?? 'InstanceTerminated';
    return {
      kind: 'failed',
      code,
      reason: `start accepted, then the instance went ${state} (${code}): it cannot be started again`,
    };
  }
  if (state === 'stopped') {
    const code = instance?.StateReason?.Code;
    const isNew = code !== undefined && code !== USER_STOP && code !== before?.stateReason?.code;
    if (sawPending || isNew) {
      return {
        kind: 'failed',
        code: code ?? 'StartFellBack',
        reason: explainStartFallback(code, instance?.StateReason?.Message),
      };
    }
  }
  return { kind: 'waiting' };
}

interface View {
  instances: Map<string, Instance>;
  sawPending: Set<string>;
  lastError?: unknown;
}

function canWait(options: WaitOptions): boolean {
  return options.maxWaitSeconds > options.minDelaySeconds;
}

function waiterConfig(client: EC2Client, options: WaitOptions) {
  return {
    client,
    minDelay: options.minDelaySeconds,
    maxDelay: Math.max(options.minDelaySeconds, options.maxDelaySeconds),
    maxWaitTime: options.maxWaitSeconds,
  };
}

async function observeStart(
  client: EC2Client,
  ids: string[],
  before: ReadonlyMap<string, SelectedInstance>,
  options: WaitOptions,
): Promise<View> {
  const view: View = { instances: new Map(), sawPending: new Set() };
  const check = async (c: EC2Client, input: string[]) => {
    try {
      const found = await describeByIds(c, input);
      for (const instance of found) {
        const id = instance.InstanceId ?? '';
        view.instances.set(id, instance);
        const state = instance.State?.Name;
        if (state === 'pending' || state === 'running') view.sawPending.add(id);
      }
    } catch (err) {
      // Like the SDK's own waiters: a failed poll is retried until the time is up.
      view.lastError = err;
      return { state: WaiterState.RETRY };
    }
    const verdicts = input.map((id) =>
      classifyStart(view.instances.get(id), before.get(id), view.sawPending.has(id)),
    );
    if (verdicts.every((v) => v.kind === 'running')) return { state: WaiterState.SUCCESS };
    // FAILURE only once every instance has settled, so the others still get their final state.
    if (verdicts.some((v) => v.kind === 'waiting')) return { state: WaiterState.RETRY };
    return { state: WaiterState.FAILURE };
  };
  if (canWait(options)) await createWaiter(waiterConfig(client, options), ids, check);
  else await check(client, ids);
  return view;
}

async function observeStop(client: EC2Client, ids: string[], options: WaitOptions): Promise<View> {
  const view: View = { instances: new Map(), sawPending: new Set() };
  let found: Instance[] | undefined;
  if (canWait(options)) {
    try {
      const result = await waitUntilInstanceStopped(waiterConfig(client, options), {
        Filters: [{ Name: 'instance-id', Values: ids }],
      });
      const output: DescribeInstancesCommandOutput | undefined = result.reason;
      found = (output?.Reservations ?? []).flatMap((r) => r.Instances ?? []);
    } catch {
      // Timeout or a failure state: the describe below reports where each instance stands.
    }
  }
  if (!found) {
    try {
      found = await describeByIds(client, ids);
    } catch (err) {
      view.lastError = err;
      found = [];
    }
  }
  for (const instance of found) view.instances.set(instance.InstanceId ?? '', instance);
  return view;
}

function unconfirmed(result: InstanceResult, view: View, seconds: number): InstanceResult {
  if (view.lastError !== undefined) {
    const { code, message } = describeError(view.lastError);
    return {
      ...result,
      outcome: 'failed',
      code,
      reason: `the action was accepted, but its final state could not be read (${code}: ${message})`,
    };
  }
  return {
    ...result,
    outcome: 'failed',
    code: 'InstanceNotFound',
    reason: `the action was accepted, but the instance was not visible within ${seconds}s`,
  };
}

function finalStart(
  result: InstanceResult,
  view: View,
  before: ReadonlyMap<string, SelectedInstance>,
  seconds: number,
): InstanceResult {
  const instance = view.instances.get(result.instanceId);
  if (!instance) return unconfirmed(result, view, seconds);
  const state = instance.State?.Name;
  const withState = { ...result, ...(state ? { currentState: state } : {}) };
  const verdict = classifyStart(
    instance,
    before.get(result.instanceId),
    view.sawPending.has(result.instanceId),
  );
  if (verdict.kind === 'running') return { ...withState, outcome: 'changed' };
  if (verdict.kind === 'failed') {
    return { ...withState, outcome: 'failed', code: verdict.code, reason: verdict.reason };
  }
  // Still stopped with a launch-failure reason after the whole wait: most likely the same failure again.
  const code = instance.StateReason?.Code;
  if (state === 'stopped' && code !== undefined && code !== USER_STOP) {
    return {
      ...withState,
      outcome: 'failed',
      code,
      reason: explainStartFallback(code, instance.StateReason?.Message),
    };
  }
  if (state === 'pending') {
    return { ...withState, outcome: 'changed', reason: underWayReason('start', seconds) };
  }
  return {
    ...withState,
    outcome: 'failed',
    code: WAIT_TIMEOUT_CODE,
    reason: `start accepted, but the instance was still ${state ?? 'unknown'} after waiting ${seconds}s; check again with action "status"`,
  };
}

function finalStop(result: InstanceResult, view: View, seconds: number): InstanceResult {
  const instance = view.instances.get(result.instanceId);
  if (!instance) return unconfirmed(result, view, seconds);
  const state = instance.State?.Name ?? 'unknown';
  const withState = { ...result, currentState: state };
  if (state === 'stopped') return { ...withState, outcome: 'changed' };
  if (state === 'stopping') {
    // Keep a hibernation's note: the caller still needs to know which stops were hibernations.
    const note = result.reason ? `; ${result.reason}` : '';
    return {
      ...withState,
      outcome: 'changed',
      reason: `${underWayReason('stop', seconds)}${note}`,
    };
  }
  return {
    ...withState,
    outcome: 'failed',
    code:
      state === 'terminated' || state === 'shutting-down' ? 'InstanceTerminated' : 'StartedAgain',
    reason: `stop accepted, but the instance is now ${state}: something else changed it meanwhile`,
  };
}

/**
 * Waits for the instances the action changed and returns their final results, in input order.
 * Results that were not `changed` are returned as they are.
 */
export async function waitForFinalStates(
  client: EC2Client,
  action: 'start' | 'stop',
  results: readonly InstanceResult[],
  before: ReadonlyMap<string, SelectedInstance>,
  options: WaitOptions,
): Promise<InstanceResult[]> {
  const ids = results.filter((r) => r.outcome === 'changed').map((r) => r.instanceId);
  if (ids.length === 0) return [...results];
  const views = await Promise.all(
    chunk(ids, MAX_FILTER_VALUES).map(async (batch) => {
      const view =
        action === 'start'
          ? await observeStart(client, batch, before, options)
          : await observeStop(client, batch, options);
      return new Map(batch.map((id) => [id, view] as const));
    }),
  );
  const viewOf = new Map(views.flatMap((m) => [...m]));
  const seconds = Math.max(0, Math.round(options.maxWaitSeconds));
  return results.map((result) => {
    const view = viewOf.get(result.instanceId);
    if (result.outcome !== 'changed' || !view) return result;
    return action === 'start'
      ? finalStart(result, view, before, seconds)
      : finalStop(result, view, seconds);
  });
}
