import type { RdsPhaseEvent } from './rds-lifecycle';

export type RdsSourceType = 'db-instance' | 'db-cluster';

/** One event as DescribeEvents reports it, plus the RDS event ID (not part of the API's Event shape). */
export interface RdsEvent {
  at: number;
  sourceType: RdsSourceType;
  sourceId: string;
  sourceArn: string;
  eventId: string;
  message: string;
  categories: string[];
}

/**
 * The notification events a stop, a start and AWS's automatic start raise, with the messages of
 * the RDS User Guide's event table (USER_Events.Messages): RDS-EVENT-0154 for a DB instance and
 * RDS-EVENT-0153 for a DB cluster announce the start after 7 days stopped. The texts of 0087,
 * 0088, 0150 and 0151 follow that table's wording (*unverified* against a live answer).
 */
export const RDS_EVENT_CATALOG: Record<
  RdsSourceType,
  Record<RdsPhaseEvent, { eventId: string; message: string }>
> = {
  'db-instance': {
    stopped: { eventId: 'RDS-EVENT-0087', message: 'DB instance stopped.' },
    started: { eventId: 'RDS-EVENT-0088', message: 'DB instance started.' },
    'automatic-start': {
      eventId: 'RDS-EVENT-0154',
      message:
        'DB instance is being started due to it exceeding the maximum allowed time being stopped.',
    },
  },
  'db-cluster': {
    stopped: { eventId: 'RDS-EVENT-0150', message: 'DB cluster stopped.' },
    started: { eventId: 'RDS-EVENT-0151', message: 'DB cluster started.' },
    'automatic-start': {
      eventId: 'RDS-EVENT-0153',
      message:
        'DB cluster is being started due to it exceeding the maximum allowed time being stopped.',
    },
  },
};

export function rdsEvent(
  kind: RdsPhaseEvent,
  at: number,
  source: { sourceType: RdsSourceType; sourceId: string; sourceArn: string },
): RdsEvent {
  const { eventId, message } = RDS_EVENT_CATALOG[source.sourceType][kind];
  return { at, ...source, eventId, message, categories: ['notification'] };
}
