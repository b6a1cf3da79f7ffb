import { STATE_CODES } from './instance-lifecycle';
import type { InstanceView } from './instances';
import type { InstanceStateName } from './seed-schema';
import { itemList, leaf, node } from './xml';

/** <instanceState> / <currentState> / <previousState>: code and name. */
export function stateXml(element: string, state: InstanceStateName): string {
  return node(element, leaf('code', STATE_CODES[state]), leaf('name', state));
}

/** One <item> of an instancesSet, with the fields the handlers read (element names per the EC2 model). */
export function instanceXml(instance: InstanceView): string {
  return [
    leaf('instanceId', instance.instanceId),
    leaf('imageId', instance.imageId),
    stateXml('instanceState', instance.state),
    leaf('reason', instance.transitionReason),
    leaf('instanceType', instance.instanceType),
    leaf('launchTime', new Date(instance.launchTime).toISOString()),
    node(
      'placement',
      leaf('availabilityZone', instance.availabilityZone),
      leaf('tenancy', 'default'),
    ),
    leaf('architecture', 'x86_64'),
    leaf('rootDeviceType', 'ebs'),
    leaf('rootDeviceName', '/dev/xvda'),
    instance.stateReason
      ? node(
          'stateReason',
          leaf('code', instance.stateReason.code),
          leaf('message', instance.stateReason.message),
        )
      : '',
    // EC2 leaves out tagSet entirely when an instance has no tags.
    instance.tags.length > 0
      ? itemList(
          'tagSet',
          instance.tags.map((tag) => leaf('key', tag.key) + leaf('value', tag.value)),
        )
      : '',
    node('hibernationOptions', leaf('configured', instance.hibernationConfigured)),
  ].join('');
}

/** Consecutive instances of one reservation share a reservationSet <item>. */
export function reservationsXml(instances: readonly InstanceView[]): string {
  const groups: InstanceView[][] = [];
  for (const instance of instances) {
    const last = groups.at(-1);
    if (last?.[0]?.reservationId === instance.reservationId) last.push(instance);
    else groups.push([instance]);
  }
  return itemList(
    'reservationSet',
    groups.map((group) => {
      const first = group[0];
      return (
        leaf('reservationId', first?.reservationId) +
        leaf('ownerId', first?.accountId) +
        node('groupSet') +
        itemList('instancesSet', group.map(instanceXml))
      );
    }),
  );
}
