/**
 * The DescribeInstances calls a selection makes, as data: which filters each call carries. The
 * request parser counts with it before any AWS call and the selection sends exactly these calls,
 * so "the request was accepted" and "every call fits EC2's limits" are one fact, not two.
 */
import type { Filter } from '@aws-sdk/client-ec2';
import { FilterLimitError } from './errors';
import { escapeFilterValue, MAX_FILTER_VALUES_PER_CALL } from './limits';

/** Instances in these states can be started, stopped or reported; others are gone or going. */
export const SELECTABLE_STATES = ['pending', 'running', 'stopping', 'stopped'] as const;

export interface DescribeSelector {
  instanceIds?: readonly string[];
  /** Tag filters: key to the literal values accepted (any of them). */
  tags?: Readonly<Record<string, readonly string[]>>;
  controlTag: { key: string; value: string };
}

/** Splits into consecutive slices of `size`; refuses a size that would never advance. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`chunk size must be a whole number of at least 1, not ${size}`);
  }
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function countFilterValues(filters: readonly Filter[]): number {
  return filters.reduce((n, f) => n + (f.Values?.length ?? 0), 0);
}

/**
 * The tag values that select, key by key. Without instance IDs the control tag always narrows
 * the selection: added as one more filter, or, when the request names the control tag's key,
 * intersected with what it lists (which may leave nothing to select).
 */
export function tagSelection(selector: DescribeSelector): Map<string, readonly string[]> {
  const tags = new Map<string, readonly string[]>(Object.entries(selector.tags ?? {}));
  if (selector.instanceIds) return tags;
  const { key, value } = selector.controlTag;
  const named = tags.get(key);
  tags.set(key, named === undefined || named.includes(value) ? [value] : []);
  return tags;
}

/** The filters every call of the selection carries: tags and states (all but the ID chunk). */
export function sharedFilters(selector: DescribeSelector): Filter[] {
  const tagFilters = [...tagSelection(selector)].map(([key, values]) => ({
    Name: `tag:${key}`,
    Values: values.map(escapeFilterValue),
  }));
  return [...tagFilters, { Name: 'instance-state-name', Values: [...SELECTABLE_STATES] }];
}

/** How many instance IDs fit in one call beside the shared filters (below 1: none fit). */
export function idsPerCall(shared: readonly Filter[]): number {
  return MAX_FILTER_VALUES_PER_CALL - countFilterValues(shared);
}

/**
 * The Filters of each DescribeInstances call, in order. IDs go through the `instance-id` filter in
 * chunks of `idsPerCall`, at least 1, so the list is finite and each call holds at most 200 values.
 * A selection that cannot fit throws FilterLimitError instead of calling EC2.
 */
export function describeCalls(selector: DescribeSelector): Filter[][] {
  const shared = sharedFilters(selector);
  // An empty value list means nothing can match (the control tag intersected away): no call.
  if (shared.some((f) => f.Values?.length === 0)) return [];
  const perCall = idsPerCall(shared);
  const needed = selector.instanceIds ? 1 : 0;
  if (perCall < needed) throw new FilterLimitError(countFilterValues(shared) + needed);
  if (!selector.instanceIds) return [shared];
  return chunk(selector.instanceIds, perCall).map((ids) => [
    { Name: 'instance-id', Values: ids },
    ...shared,
  ]);
}
