/**
 * `onlyRestartedByAws`: narrows a stop to the DB instances and clusters RDS itself started
 * because they had been stopped for 7 days (RDS User Guide, "Stopping an Amazon RDS DB instance
 * temporarily" and "Stopping and starting an Aurora DB cluster"). The Event shape of
 * DescribeEvents has no event ID, so events are recognised by the messages of the RDS User
 * Guide's event table (USER_Events.Messages):
 * - RDS-EVENT-0154 (db-instance): "DB instance is being started due to it exceeding the maximum
 *   allowed time being stopped."
 * - RDS-EVENT-0153 (db-cluster): "DB cluster is being started due to it exceeding the maximum
 *   allowed time being stopped."
 * - RDS-EVENT-0087 "DB instance stopped." and RDS-EVENT-0150 "DB cluster stopped."
 * All four are in the `notification` category, so only that category is asked for.
 */
import { type Event, paginateDescribeEvents, type RDSClient } from '@aws-sdk/client-rds';
import type { ResourceOutcome } from '../../core/results';
import type { Selection } from '../../core/task';
import { type RdsKind, type SelectedDatabase, TYPE_OF } from './resources';
import { DESCRIBE_PAGE_SIZE } from './select';

/**
 * How far back DescribeEvents looks (its `Duration`, in minutes): 48 hours. It must outlast one
 * period of the keep-stopped schedule (at most 24 hours) plus the maintenance RDS may apply after
 * its automatic start, during which the resource is not `available` and the firing skips it.
 */
export const RESTART_LOOKBACK_MINUTES = 48 * 60;

const AUTOMATIC_START =
  'is being started due to it exceeding the maximum allowed time being stopped';
const STOPPED = new Set(['DB instance stopped.', 'DB cluster stopped.']);

export const NOT_RESTARTED_BY_AWS =
  "not started by RDS's 7-day rule: onlyRestartedByAws stops only what RDS started by itself after 7 days stopped (RDS-EVENT-0154 or RDS-EVENT-0153, and no stop since)";

const SOURCE_TYPE: Readonly<Record<RdsKind, 'db-instance' | 'db-cluster'>> = {
  db: 'db-instance',
  cluster: 'db-cluster',
};

async function eventsOf(client: RDSClient, kind: RdsKind): Promise<Event[]> {
  const out: Event[] = [];
  const pages = paginateDescribeEvents(
    { client, pageSize: DESCRIBE_PAGE_SIZE },
    {
      SourceType: SOURCE_TYPE[kind],
      EventCategories: ['notification'],
      Duration: RESTART_LOOKBACK_MINUTES,
    },
  );
  for await (const page of pages) out.push(...(page.Events ?? []));
  return out;
}

/**
 * Identifiers whose last automatic start is followed by no stop. A start by a person or a start
 * schedule needs a stop before it (RDS starts only a stopped resource), so such a stop rules the
 * resource out until RDS starts it again by itself.
 */
export function restartedByAws(events: readonly Event[]): Set<string> {
  const ordered = [...events].sort((a, b) => (a.Date?.getTime() ?? 0) - (b.Date?.getTime() ?? 0));
  const restarted = new Set<string>();
  for (const event of ordered) {
    const id = event.SourceIdentifier?.toLowerCase();
    if (id === undefined || event.Message === undefined) continue;
    if (event.Message.includes(AUTOMATIC_START)) restarted.add(id);
    else if (STOPPED.has(event.Message)) restarted.delete(id);
  }
  return restarted;
}

/** Keeps selected only what RDS restarted by itself; every other selected resource is skipped. */
export async function narrowToRestartedByAws(
  client: RDSClient,
  selection: Selection<SelectedDatabase>,
): Promise<Selection<SelectedDatabase>> {
  const kinds = new Set(selection.selected.map((resource) => resource.kind));
  const restarted: Record<RdsKind, Set<string>> = { db: new Set(), cluster: new Set() };
  for (const kind of kinds) restarted[kind] = restartedByAws(await eventsOf(client, kind));
  const selected: SelectedDatabase[] = [];
  const skipped: ResourceOutcome[] = [...selection.skipped];
  for (const resource of selection.selected) {
    if (restarted[resource.kind].has(resource.id)) {
      selected.push(resource);
    } else {
      skipped.push({
        id: resource.id,
        type: TYPE_OF[resource.kind],
        currentState: resource.state,
        outcome: 'skipped',
        reason: NOT_RESTARTED_BY_AWS,
      });
    }
  }
  return { selected, skipped, foundIds: selection.foundIds };
}
