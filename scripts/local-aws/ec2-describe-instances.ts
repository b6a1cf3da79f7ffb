import { authorizeDescribe } from './ec2-authorize';
import { ec2Errors } from './ec2-errors';
import { compileFilters } from './ec2-filters';
import { resolveInstanceIds } from './ec2-instance-ids';
import { reservationsXml } from './ec2-instance-xml';
import { decodeCursor, encodeCursor, fingerprintOf } from './ec2-pagination';
import { takeEc2Tokens } from './ec2-throttle';
import type { ActionHandler } from './service-context';
import { leaf } from './xml';

const MIN_PAGE = 5;
const MAX_PAGE = 1000;

/**
 * ec2:DescribeInstances with InstanceIds, Filters and MaxResults/NextToken pagination. It reads the
 * caller's own account and region only: that is what decides which instances a caller sees.
 */
export const describeInstances: ActionHandler = async (context, { caller, params }) => {
  const ids = params.list('InstanceId');
  const filters = params.filters();
  const maxResultsText = params.get('MaxResults');
  const nextToken = params.get('NextToken');

  // Filtered or paginated calls draw from the Describe* bucket; bare ones from a smaller one.
  const unfiltered =
    ids.length === 0 &&
    filters.length === 0 &&
    maxResultsText === undefined &&
    nextToken === undefined;
  takeEc2Tokens(context, caller, [
    { bucket: unfiltered ? 'DescribeInstances:unfiltered' : 'DescribeInstances', count: 1 },
  ]);

  const maxResults = maxResultsText === undefined ? undefined : readMaxResults(maxResultsText);
  if (maxResults !== undefined && ids.length > 0) {
    throw ec2Errors.invalidParameterCombination(
      'The parameter instancesSet cannot be used with the parameter maxResults',
    );
  }
  await authorizeDescribe(context, caller, 'ec2:DescribeInstances');
  if (params.bool('DryRun')) throw ec2Errors.dryRunOperation();

  const matches = compileFilters(filters);
  const wanted =
    ids.length > 0
      ? new Set(resolveInstanceIds(context.world, caller, ids).map((i) => i.instanceId))
      : undefined;
  const selected = context.world
    .instancesIn(caller.accountId, caller.region)
    .filter((instance) => (wanted ? wanted.has(instance.instanceId) : true))
    .filter(matches);

  const fingerprint = fingerprintOf([caller.accountId, caller.region, ids, filters]);
  const cursor = nextToken === undefined ? undefined : decodeCursor(nextToken, fingerprint);
  const pageSize = maxResults ?? cursor?.pageSize ?? selected.length;
  const offset = cursor?.offset ?? 0;
  const page = selected.slice(offset, offset + pageSize);
  const more = offset + pageSize < selected.length;
  return (
    reservationsXml(page) +
    (more
      ? leaf('nextToken', encodeCursor({ offset: offset + pageSize, pageSize, fingerprint }))
      : '')
  );
};

function readMaxResults(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < MIN_PAGE) {
    throw ec2Errors.invalidParameterValue(
      `Value ( ${text} ) for parameter maxResults is invalid. Expecting a value greater than ${MIN_PAGE}.`,
    );
  }
  if (value > MAX_PAGE) {
    throw ec2Errors.invalidParameterValue(
      `Value ( ${text} ) for parameter maxResults is invalid. Expecting a value less than or equal to ${MAX_PAGE}.`,
    );
  }
  return value;
}
