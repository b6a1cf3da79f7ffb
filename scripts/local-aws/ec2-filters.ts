import { ec2Errors } from './ec2-errors';
import { STATE_CODES } from './instance-lifecycle';
import type { InstanceView } from './instances';

export type InstancePredicate = (instance: InstanceView) => boolean;

/** Filter names DescribeInstances understands here, and the values each reads from an instance. */
const FIELDS: Readonly<Record<string, (instance: InstanceView) => string[]>> = {
  'instance-id': (i) => [i.instanceId],
  'instance-state-name': (i) => [i.state],
  'instance-state-code': (i) => [String(STATE_CODES[i.state])],
  'instance-type': (i) => [i.instanceType],
  'availability-zone': (i) => [i.availabilityZone],
  'image-id': (i) => [i.imageId],
  'reservation-id': (i) => [i.reservationId],
  'owner-id': (i) => [i.accountId],
  'hibernation-options.configured': (i) => [String(i.hibernationConfigured)],
  'tag-key': (i) => i.tags.map((tag) => tag.key),
  'tag-value': (i) => i.tags.map((tag) => tag.value),
};

/** EC2 counts filter values across the whole call, not per filter. */
const MAX_FILTER_VALUES_PER_CALL = 200;
const MAX_FILTER_VALUE_LENGTH = 255;

/**
 * EC2 filter semantics: values of one filter are ORed, filters are ANDed, and values may use the
 * wildcards `*` and `?`, escaped with a backslash to match literally. `tag:<key>` matches the
 * value of that tag.
 */
export function compileFilters(
  filters: ReadonlyArray<{ name: string; values: string[] }>,
): InstancePredicate {
  const values = filters.flatMap((filter) => filter.values);
  if (values.length > MAX_FILTER_VALUES_PER_CALL) {
    throw ec2Errors.filterLimitExceeded(
      `The maximum number of filter values specified on a single call is ${MAX_FILTER_VALUES_PER_CALL}`,
    );
  }
  if (values.some((value) => value.length > MAX_FILTER_VALUE_LENGTH)) {
    throw ec2Errors.filterLimitExceeded(
      `The maximum length for a filter value is ${MAX_FILTER_VALUE_LENGTH} characters`,
    );
  }
  const predicates = filters.map(({ name, values }) => {
    const read = name.startsWith('tag:') ? tagValues(name.slice(4)) : FIELDS[name];
    if (!read) throw ec2Errors.invalidParameterValue(`The filter '${name}' is invalid`);
    const patterns = values.map(wildcard);
    return (instance: InstanceView) =>
      read(instance).some((actual) => patterns.some((pattern) => pattern.test(actual)));
  });
  return (instance) => predicates.every((predicate) => predicate(instance));
}

function tagValues(key: string): (instance: InstanceView) => string[] {
  return (instance) => instance.tags.filter((tag) => tag.key === key).map((tag) => tag.value);
}

/** `*` and `?` are wildcards; a backslash before any character (these two, or itself) makes it literal. */
function wildcard(value: string): RegExp {
  let body = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    if (char === '\\' && i + 1 < value.length) body += literal(value[++i] as string);
    else if (char === '*') body += '.*';
    else if (char === '?') body += '.';
    else body += literal(char);
  }
  return new RegExp(`^${body}$`, 'su');
}

function literal(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
