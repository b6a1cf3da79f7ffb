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
import type { InstanceResult } from '../../core/results';
import type { Action } from '../../core/types';

/** Instances in these states can be started, stopped or reported; others are gone or going. */
export const SELECTABLE_STATES = ['pending', 'running', 'stopping', 'stopped'] as const;
/** EC2 accepts at most 200 filter values in one call, counted across all its filters. */
export const MAX_FILTER_VALUES = 200;
/** Largest page DescribeInstances returns. */
export const DESCRIBE_PAGE_SIZE = 1000;
const ASG_TAG = 'aws:autoscaling:groupName';

export interface SelectedInstance {
  instanceId: string;
  name?: string;
  state: string;
  hibernationConfigured: boolean;
  stateReason?: { code?: string; message?: string };
}

export interface SelectCriteria {
  action: Action;
  instanceIds?: readonly string[];
  /** Tag filters (key to accepted values); absent means the control tag. */
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

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function tagValue(instance: Instance, key: string): string | undefined {
  return instance.Tags?.find((t) => t.Key === key)?.Value;
}

export function toSelectedInstance(instance: Instance): SelectedInstance {
  const name = tagValue(instance, 'Name');
  const code = instance.StateReason?.Code;
  const message = instance.StateReason?.Message;
  return {
    instanceId: instance.InstanceId ?? '',
    ...(name !== undefined ? { name } : {}),
    state: instance.State?.Name ?? 'unknown',
    hibernationConfigured: instance.HibernationOptions?.Configured === true,
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
  // The other filters' values count against the same per-call limit.
  const otherValues = extraFilters.reduce((n, f) => n + (f.Values?.length ?? 0), 0);
  for (const ids of chunk(instanceIds, MAX_FILTER_VALUES - otherValues)) {
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
  const stateFilter: Filter = { Name: 'instance-state-name', Values: [...SELECTABLE_STATES] };
  // With explicit IDs the control tag is checked per instance, so an untagged ID is reported
  // (skipped, with the reason) instead of silently vanishing from the result.
  const tags =
    criteria.tags ??
    (criteria.instanceIds ? {} : { [criteria.controlTag.key]: [criteria.controlTag.value] });
  const tagFilters: Filter[] = Object.entries(tags).map(([key, values]) => ({
    Name: `tag:${key}`,
    Values: [...values],
  }));

  const found = criteria.instanceIds
    ? await describeByIds(client, criteria.instanceIds, [...tagFilters, stateFilter])
    : await describeAll(client, [...tagFilters, stateFilter]);

  const selection: Selection = { instances: [], skipped: [], foundIds: [] };
  const seen = new Set<string>();
  for (const instance of found) {
    const selected = toSelectedInstance(instance);
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
