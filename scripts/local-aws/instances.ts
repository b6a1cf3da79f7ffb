import type { StateReason } from './instance-lifecycle';
import type { InstanceStateName } from './seed-schema';

export interface Tag {
  key: string;
  value: string;
}

/** What DescribeInstances reports about an instance at one moment. */
export interface InstanceView {
  instanceId: string;
  accountId: string;
  region: string;
  reservationId: string;
  instanceType: string;
  availabilityZone: string;
  imageId: string;
  launchTime: number;
  hibernationConfigured: boolean;
  ebsKmsKeyArn?: string;
  tags: Tag[];
  state: InstanceStateName;
  stateReason?: StateReason;
  transitionReason: string;
}

export function tagsAsRecord(tags: readonly Tag[]): Record<string, string> {
  return Object.fromEntries(tags.map((tag) => [tag.key, tag.value]));
}
