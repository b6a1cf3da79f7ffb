/**
 * Property 2: for every accepted request, the DescribeInstances calls the real selection code
 * makes each stay within EC2's limits, and what they select (by EC2's own filter semantics, as
 * the local endpoint implements them) is a subset of what the request named.
 */
import type { DescribeInstancesCommandInput, Filter, InstanceStateName } from '@aws-sdk/client-ec2';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import fc from 'fast-check';
import { parseRequest } from '../../handlers/contract/request';
import type { Ec2Request } from '../../handlers/tasks';
import {
  MAX_FILTER_VALUE_LENGTH,
  MAX_FILTER_VALUES_PER_CALL,
} from '../../handlers/tasks/ec2/limits';
import { SELECTABLE_STATES, selectInstances } from '../../handlers/tasks/ec2/select';
import { CONTROL_TAG, TEST_CONFIG } from '../helpers/config';
import { instanceIds } from '../helpers/instances';
import { CONTROL_KEY, plausibleRequest, requestLike } from './arbitraries';
import { type FakeInstance, fakeEc2 } from './fake-ec2';
import { NUM_RUNS, PROPERTY_TIMEOUT_MS, SEED } from './settings';

const TAG_KEYS = ['Name', 'team', CONTROL_KEY, 'env', 'web-*', 'constructor'];
/** Literal values, and what a wildcard or a dropped escape would also have matched. */
const TAG_VALUES = [
  'web',
  'web-*',
  'web-1',
  'webx',
  'db?',
  'dbX',
  'a\\b',
  'ab',
  '*',
  '',
  'true',
  'false',
  'web-0',
  'web-194',
];
const STATES: InstanceStateName[] = [
  'pending',
  'running',
  'stopping',
  'stopped',
  'terminated',
  'shutting-down',
];
const WORLD_IDS = instanceIds(12);

const fakeInstance: fc.Arbitrary<FakeInstance> = fc.record({
  id: fc.constantFrom(...WORLD_IDS),
  state: fc.constantFrom(...STATES),
  tags: fc
    .uniqueArray(fc.tuple(fc.constantFrom(...TAG_KEYS), fc.constantFrom(...TAG_VALUES)), {
      selector: ([key]) => key,
      maxLength: 4,
    })
    .map((pairs) => pairs.map(([key, value]) => ({ key, value }))),
});

const world: fc.Arbitrary<FakeInstance[]> = fc.uniqueArray(fakeInstance, {
  selector: (i) => i.id,
  maxLength: 12,
});

function tagOf(instance: FakeInstance, key: string): string | undefined {
  return instance.tags.find((t) => t.key === key)?.value;
}

/** What the request names, read literally (no wildcards), plus the control tag without IDs. */
function named(request: Ec2Request, instance: FakeInstance): boolean {
  if (!(SELECTABLE_STATES as readonly string[]).includes(instance.state)) return false;
  if (request.instanceIds && !request.instanceIds.includes(instance.id)) return false;
  for (const [key, values] of Object.entries(request.tags ?? {})) {
    const value = tagOf(instance, key);
    if (value === undefined || !values.includes(value)) return false;
  }
  if (!request.instanceIds && tagOf(instance, CONTROL_TAG.key) !== CONTROL_TAG.value) return false;
  return true;
}

function filterNames(request: Ec2Request): Set<string> {
  return new Set([
    'instance-id',
    'instance-state-name',
    `tag:${CONTROL_TAG.key}`,
    ...Object.keys(request.tags ?? {}).map((key) => `tag:${key}`),
  ]);
}

function withinLimits(filters: readonly Filter[], request: Ec2Request): boolean {
  const values = filters.flatMap((f) => f.Values ?? []);
  const allowed = filterNames(request);
  return (
    values.length <= MAX_FILTER_VALUES_PER_CALL &&
    values.every((v) => v.length <= MAX_FILTER_VALUE_LENGTH) &&
    filters.every((f) => allowed.has(f.Name ?? '') && (f.Values?.length ?? 0) > 0) &&
    filters.filter((f) => f.Name === 'instance-state-name').length === 1
  );
}

describe('Property: selection', () => {
  let current: FakeInstance[] = [];
  const ec2 = fakeEc2(() => current);
  const client = new EC2Client({ region: 'eu-west-1' });
  let accepted = 0;

  afterAll(() => {
    ec2.restore();
  });

  it(
    'makes only calls within EC2 limits, selecting a subset of what an accepted request named',
    async () => {
      // Prepare
      const property = fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: plausibleRequest }, { weight: 1, arbitrary: requestLike }),
        world,
        async (event, instances) => {
          const parsed = parseRequest(event, TEST_CONFIG);
          if (!parsed.ok) return true;
          accepted += 1;
          // The arbitraries name no task, so every accepted request is an EC2 one.
          const request = parsed.value as Ec2Request;
          current = instances;
          ec2.resetHistory();

          // Act
          const selection = await selectInstances(client, { ...request, controlTag: CONTROL_TAG });

          // Assess
          const calls = ec2
            .commandCalls(DescribeInstancesCommand)
            .map((c) => c.args[0].input as DescribeInstancesCommandInput);
          const idChunks = calls.map(
            (c) => c.Filters?.find((f) => f.Name === 'instance-id')?.Values ?? [],
          );
          const chunksCoverIds = request.instanceIds
            ? idChunks.flat().sort().join() === [...request.instanceIds].sort().join() &&
              idChunks.every((chunk) => chunk.length > 0)
            : calls.length === 1;
          const foundNamed = selection.foundIds.every((id) =>
            named(request, instances.find((i) => i.id === id) as FakeInstance),
          );
          const actedOnControlled =
            request.action === 'status' ||
            selection.instances.every((s) => {
              const instance = instances.find((i) => i.id === s.instanceId) as FakeInstance;
              return tagOf(instance, CONTROL_TAG.key) === CONTROL_TAG.value;
            });
          return (
            calls.every((c) => withinLimits(c.Filters ?? [], request)) &&
            chunksCoverIds &&
            foundNamed &&
            actedOnControlled
          );
        },
      );

      // Act
      await fc.assert(property, { numRuns: NUM_RUNS, seed: SEED });

      // Assess: the property is not vacuous
      expect(accepted).toBeGreaterThan(NUM_RUNS / 4);
    },
    PROPERTY_TIMEOUT_MS,
  );
});
