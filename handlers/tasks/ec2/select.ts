/**
 * Finds the instances a request is about, with server-side filters, and sets aside those that
 * must not be touched.
 */
import {
  type EC2Client,
  type Filter,
  type Instance,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import { stageTagPrefix } from '../../core/resource-rules';
import type { Action } from '../../core/types';
import { chunk, describeCalls, idsPerCall, SELECTABLE_STATES } from './describe-plan';
import type { InstanceResult } from './instance-result';
import { MAX_FILTER_VALUES_PER_CALL } from './limits';

export { chunk, SELECTABLE_STATES } from './describe-plan';
/** EC2 accepts at most 200 filter values in one call, counted across all its filters. */
export const MAX_FILTER_VALUES = MAX_FILTER_VALUES_PER_CALL;
/** Largest page DescribeInstances returns. */
export const DESCRIBE_PAGE_SIZE = 1000;
const ASG_TAG = 'aws:autoscaling:groupName';

export interface SelectedInstance {
  instanceId: string;
  name?: string;
  state: string;
  hibernationConfigured: boolean;
  stateReason?: { code?: string; message?: string };
  /**
   * Its tags under the stage's prefix (copies), for the resource rules (facts.ts); only those, so
   * a run that holds every target's selection does not hold every tag of the fleet.
   */
  tags?: Record<string, string>;
  /** LaunchTime, epoch ms: the last start of an EBS-backed instance (facts.ts). */
  launchTime?: number;
}

export interface SelectCriteria {
  action: Action;
  instanceIds?: readonly string[];
  /** Tag filters (key to accepted literal values); without IDs the control tag is always added. */
  tags?: Readonly<Record<string, readonly string[]>>;
  controlTag: { key: string; value: string };
}

export interface Selection {
  /** Instances the action may be applied to. */
  instances: SelectedInstance[];
  /** Instances found but deliberately left alone, with the reason. */
  skipped: InstanceResult[];
  /** Every instance ID the describe returned (selected or skipped). */
  foundIds: string[];
}

function tagValue(instance: Instance, key: string): string | undefined {
  return instance.Tags?.find((t) => t.Key === key)?.Value;
}

/**
 * A copy of a string that shares no memory with the response it was parsed from. The SDK's XML
 * parser hands out substrings of the whole response body, and V8 keeps a substring of 13
 * characters or more (an instance ID has 19) as a view on its parent: a run that kept the IDs it
 * found kept every target's whole DescribeInstances response, about 30 KB per target of 10
 * instances, until it ended. A JSON round trip builds a flat string of its own: 40 bytes for an
 * instance ID, where a slice of a concatenated copy kept a view and its parent (72 bytes).
 */
export function detached(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * An instance state as one shared string: the selection of every target is held until the guard
 * has counted them all, and each instance held its own copy of `running`.
 */
function sharedState(name: string | undefined): string {
  return SELECTABLE_STATES.find((known) => known === name) ?? detached(name ?? 'unknown');
}

const detachedOrUndefined = (text: string | undefined) =>
  text === undefined ? undefined : detached(text);

export function toSelectedInstance(instance: Instance, tagPrefix = ''): SelectedInstance {
  const name = detachedOrUndefined(tagValue(instance, 'Name'));
  const code = detachedOrUndefined(instance.StateReason?.Code);
  const message = detachedOrUndefined(instance.StateReason?.Message);
  return {
    instanceId: detached(instance.InstanceId ?? ''),
    ...(name !== undefined ? { name } : {}),
    state: sharedState(instance.State?.Name),
    hibernationConfigured: instance.HibernationOptions?.Configured === true,
    tags: Object.fromEntries(
      (instance.Tags ?? []).flatMap((tag) =>
        tag.Key === undefined || !tag.Key.startsWith(tagPrefix)
          ? []
          : [[detached(tag.Key), detached(tag.Value ?? '')]],
      ),
    ),
    ...(instance.LaunchTime ? { launchTime: instance.LaunchTime.getTime() } : {}),
    ...(code || message
      ? { stateReason: { ...(code ? { code } : {}), ...(message ? { message } : {}) } }
      : {}),
  };
}

/** Runs a paginated DescribeInstances and returns every instance of every reservation. */
export async function describeAll(client: EC2Client, filters: Filter[]): Promise<Instance[]> {
  const out: Instance[] = [];
  const pages = paginateDescribeInstances(
    { client, pageSize: DESCRIBE_PAGE_SIZE },
    { Filters: filters },
  );
  for await (const page of pages) {
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        if (instance.InstanceId) out.push(instance);
      }
    }
  }
  return out;
}

/**
 * Describes instances by ID through the `instance-id` filter, in chunks. The InstanceIds parameter
 * is avoided because one unknown ID fails the whole call; a filter simply does not match it.
 */
export async function describeByIds(
  client: EC2Client,
  instanceIds: readonly string[],
  extraFilters: Filter[] = [],
): Promise<Instance[]> {
  const out: Instance[] = [];
  // The other filters' values count against the same per-call limit; chunk() refuses a size
  // below 1, so too many of them fail here instead of looping without end.
  for (const ids of chunk(instanceIds, idsPerCall(extraFilters))) {
    out.push(
      ...(await describeAll(client, [{ Name: 'instance-id', Values: ids }, ...extraFilters])),
    );
  }
  return out;
}

function skipReason(instance: Instance, criteria: SelectCriteria): string | undefined {
  const group = tagValue(instance, ASG_TAG);
  if (group !== undefined) {
    return `member of Auto Scaling group "${group}": stopping it would make the group replace it, so it is left alone; change the group's desired capacity instead`;
  }
  const { key, value } = criteria.controlTag;
  if (tagValue(instance, key) !== value) {
    return `not tagged ${key}=${value}: the target role may only act on instances tagged ${key}=${value}; add the tag to manage this instance`;
  }
  return undefined;
}

export async function selectInstances(
  client: EC2Client,
  criteria: SelectCriteria,
): Promise<Selection> {
  // With explicit IDs the control tag is checked per instance, so an untagged ID is reported
  // (skipped, with the reason) instead of silently vanishing from the result; without IDs it
  // is always one of the filters (describe-plan.ts).
  const found: Instance[] = [];
  for (const filters of describeCalls(criteria))
    found.push(...(await describeAll(client, filters)));

  const selection: Selection = { instances: [], skipped: [], foundIds: [] };
  const seen = new Set<string>();
  const tagPrefix = stageTagPrefix(criteria.controlTag.key);
  for (const instance of found) {
    const selected = toSelectedInstance(instance, tagPrefix);
    if (seen.has(selected.instanceId)) continue;
    seen.add(selected.instanceId);
    selection.foundIds.push(selected.instanceId);
    // A status report touches nothing, so nothing needs to be set aside.
    const reason = criteria.action === 'status' ? undefined : skipReason(instance, criteria);
    if (reason === undefined) {
      selection.instances.push(selected);
    } else {
      selection.skipped.push({
        instanceId: selected.instanceId,
        ...(selected.name !== undefined ? { name: selected.name } : {}),
        currentState: selected.state,
        outcome: 'skipped',
        reason,
      });
    }
  }
  return selection;
}
