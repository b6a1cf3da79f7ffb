import type { QueryParams } from './query-params';
import { authorizeRdsDescribe } from './rds-authorize';
import { rdsErrors } from './rds-errors';
import { paginate } from './rds-pagination';
import { takeRdsToken } from './rds-throttle';
import { eventXml } from './rds-xml';
import type { ActionHandler } from './service-context';
import { node } from './xml';

/** DescribeEvents' SourceType values (RDS API reference, SourceType). */
const SOURCE_TYPES = new Set([
  'db-instance',
  'db-parameter-group',
  'db-security-group',
  'db-snapshot',
  'db-cluster',
  'db-cluster-snapshot',
  'custom-engine-version',
  'db-proxy',
  'blue-green-deployment',
  'db-shard-group',
]);

/** RDS keeps events for 14 days (RDS User Guide, working-with-events). */
const RETENTION_MS = 14 * 24 * 3600_000;
/** Without StartTime, DescribeEvents looks back Duration minutes, 60 by default. */
const DEFAULT_DURATION_MINUTES = 60;

/**
 * rds:DescribeEvents for the caller's account and region: the stop, start and automatic-start
 * events of DB instances and clusters (rds-events.ts), filtered by SourceType,
 * SourceIdentifier, EventCategories and the time window, oldest first, paged by Marker.
 * Filters is accepted and ignored: the API reference says it "isn't currently supported".
 */
export const describeEvents: ActionHandler = async (context, { caller, params }) => {
  takeRdsToken(context, caller);
  await authorizeRdsDescribe(context, caller, 'rds:DescribeEvents');
  const sourceType = params.get('SourceType');
  if (sourceType !== undefined && !SOURCE_TYPES.has(sourceType)) {
    throw rdsErrors.invalidParameterValue(`Invalid SourceType: ${sourceType}`);
  }
  const sourceId = params.get('SourceIdentifier');
  if (sourceId !== undefined && sourceType === undefined) {
    // Text *unverified*: a SourceIdentifier names nothing without its type.
    throw rdsErrors.invalidParameterCombination(
      'Cannot specify a SourceIdentifier without a SourceType.',
    );
  }
  const now = context.world.clock.now();
  const { start, end } = windowOf(params, now);
  const categories = params.list('EventCategories.EventCategory');
  const events = context.world.rds
    .eventsIn(caller.accountId, caller.region)
    .filter((event) => event.at >= Math.max(start, now - RETENTION_MS) && event.at <= end)
    .filter((event) => sourceType === undefined || event.sourceType === sourceType)
    .filter((event) => sourceId === undefined || event.sourceId === sourceId.toLowerCase())
    .filter(
      (event) => categories.length === 0 || event.categories.some((c) => categories.includes(c)),
    );
  const { page, markerXml } = paginate(
    params,
    // The window's parameters, not its instants: a default window moves on with the clock.
    [
      'DescribeEvents',
      caller.accountId,
      caller.region,
      sourceType,
      sourceId,
      params.get('StartTime'),
      params.get('EndTime'),
      params.get('Duration'),
      categories,
    ],
    events,
  );
  return markerXml + node('Events', ...page.map(eventXml));
};

function windowOf(params: QueryParams, now: number): { start: number; end: number } {
  const end = readTime(params, 'EndTime') ?? now;
  const explicitStart = readTime(params, 'StartTime');
  if (explicitStart !== undefined) return { start: explicitStart, end };
  const durationText = params.get('Duration');
  const minutes = durationText === undefined ? DEFAULT_DURATION_MINUTES : Number(durationText);
  if (!Number.isInteger(minutes) || minutes < 0) {
    throw rdsErrors.invalidParameterValue(`Invalid value ${durationText} for Duration.`);
  }
  return { start: end - minutes * 60_000, end };
}

function readTime(params: QueryParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw rdsErrors.invalidParameterValue(`Invalid value ${text} for ${name}.`);
  return ms;
}
