/**
 * Finds the DB instances and DB clusters a request is about and sets aside those that must not be
 * touched. RDS has no tag filter (aws/aws-sdk#177), so tags are read from each answer's `TagList`;
 * identifiers go through the `db-instance-id` and `db-cluster-id` filters, which, unlike the
 * `DBInstanceIdentifier` parameter, do not fail the call for an unknown identifier (RDS API
 * reference, DescribeDBInstances and DescribeDBClusters, `Filters`).
 */
import {
  type DBCluster,
  type DBInstance,
  type Filter,
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { ResourceOutcome } from '../../core/results';
import type { Selection } from '../../core/task';
import type { Action } from '../../core/types';
import { clusterIneligibility, instanceIneligibility } from './eligibility';
import { foreignEngineReason } from './engines';
import { fromCluster, fromInstance, type SelectedDatabase, TYPE_OF } from './resources';
import { matchesTags } from './tag-selector';

/** Largest page both describes return (`MaxRecords`: 20 to 100). */
export const DESCRIBE_PAGE_SIZE = 100;
/** Identifiers per filter; AWS's Instance Scheduler sends 50 per `Filters` value list too. */
export const IDS_PER_FILTER = 50;

export interface RdsSelectCriteria {
  action: Action;
  dbInstanceIdentifiers?: readonly string[];
  dbClusterIdentifiers?: readonly string[];
  tags?: Readonly<Record<string, readonly string[]>>;
  controlTag: { key: string; value: string };
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IDS_PER_FILTER)
    out.push(items.slice(i, i + IDS_PER_FILTER));
  return out;
}

/** Every DB instance of the given filter calls (one call with no filter when `ids` is absent). */
export async function describeInstances(
  client: RDSClient,
  ids?: readonly string[],
): Promise<DBInstance[]> {
  const calls: Array<Filter[] | undefined> = ids
    ? chunks(ids).map((values) => [{ Name: 'db-instance-id', Values: values }])
    : [undefined];
  const out: DBInstance[] = [];
  for (const filters of calls) {
    const pages = paginateDescribeDBInstances(
      { client, pageSize: DESCRIBE_PAGE_SIZE },
      filters ? { Filters: filters } : {},
    );
    for await (const page of pages) out.push(...(page.DBInstances ?? []));
  }
  return out;
}

/** Every DB cluster of the given filter calls (one call with no filter when `ids` is absent). */
export async function describeClusters(
  client: RDSClient,
  ids?: readonly string[],
): Promise<DBCluster[]> {
  const calls: Array<Filter[] | undefined> = ids
    ? chunks(ids).map((values) => [{ Name: 'db-cluster-id', Values: values }])
    : [undefined];
  const out: DBCluster[] = [];
  for (const filters of calls) {
    const pages = paginateDescribeDBClusters(
      { client, pageSize: DESCRIBE_PAGE_SIZE },
      filters ? { Filters: filters } : {},
    );
    for await (const page of pages) out.push(...(page.DBClusters ?? []));
  }
  return out;
}

/**
 * The tags that select, key by key. Without identifiers the control tag always narrows the
 * selection (intersected with the request's values for its key), as in EC2's selection.
 */
export function tagSelection(
  criteria: RdsSelectCriteria,
  byIdentifier: boolean,
): Record<string, readonly string[]> {
  const tags: Record<string, readonly string[]> = Object.create(null);
  Object.assign(tags, criteria.tags ?? {});
  if (byIdentifier) return tags;
  const { key, value } = criteria.controlTag;
  const named = Object.hasOwn(tags, key) ? tags[key] : undefined;
  tags[key] = named === undefined || named.includes(value) ? [value] : [];
  return tags;
}

interface Described {
  resource: SelectedDatabase;
  /** Why RDS cannot start or stop it, whatever its tags. */
  ineligible: string | undefined;
}

function skipReason(
  { resource, ineligible }: Described,
  criteria: RdsSelectCriteria,
): string | undefined {
  const foreign = foreignEngineReason(resource.engine);
  if (foreign !== undefined) return foreign;
  // A status report touches nothing, so only other services' resources are set aside.
  if (criteria.action === 'status') return undefined;
  const { key, value } = criteria.controlTag;
  const tagged = Object.hasOwn(resource.tags, key) && resource.tags[key] === value;
  const noun = resource.kind === 'db' ? 'DB instances' : 'DB clusters';
  if (!tagged) {
    return `not tagged ${key}=${value}: the target role may only start and stop ${noun} tagged ${key}=${value}; add the tag to manage this one`;
  }
  return ineligible;
}

/** Describes, filters by tags, and sorts what was found into selected and skipped. */
export async function selectDatabases(
  client: RDSClient,
  criteria: RdsSelectCriteria,
): Promise<Selection<SelectedDatabase>> {
  const byIdentifier =
    criteria.dbInstanceIdentifiers !== undefined || criteria.dbClusterIdentifiers !== undefined;
  const wantInstances = !byIdentifier || criteria.dbInstanceIdentifiers !== undefined;
  const wantClusters = !byIdentifier || criteria.dbClusterIdentifiers !== undefined;
  const tags = tagSelection(criteria, byIdentifier);
  // The control tag intersected away: nothing can match, so nothing is asked.
  if (Object.values(tags).some((values) => values.length === 0)) {
    return { selected: [], skipped: [], foundIds: [] };
  }
  const described: Described[] = [];
  if (wantInstances) {
    for (const instance of await describeInstances(client, criteria.dbInstanceIdentifiers)) {
      if (!instance.DBInstanceIdentifier) continue;
      described.push({
        resource: fromInstance(instance),
        ineligible: instanceIneligibility(instance),
      });
    }
  }
  if (wantClusters) {
    for (const cluster of await describeClusters(client, criteria.dbClusterIdentifiers)) {
      if (!cluster.DBClusterIdentifier) continue;
      described.push({ resource: fromCluster(cluster), ineligible: clusterIneligibility(cluster) });
    }
  }

  const selection: Selection<SelectedDatabase> = { selected: [], skipped: [], foundIds: [] };
  const seen = new Set<string>();
  for (const entry of described) {
    const { resource } = entry;
    const key = `${resource.kind}/${resource.id}`;
    if (seen.has(key) || !matchesTags(resource.tags, tags)) continue;
    seen.add(key);
    selection.foundIds.push(resource.id);
    const reason = skipReason(entry, criteria);
    if (reason === undefined) {
      selection.selected.push(resource);
    } else {
      const skipped: ResourceOutcome = {
        id: resource.id,
        type: TYPE_OF[resource.kind],
        currentState: resource.state,
        outcome: 'skipped',
        reason,
      };
      selection.skipped.push(skipped);
    }
  }
  return selection;
}
