import type {
  DescribeInstancesCommandOutput,
  Instance,
  InstanceStateChange,
  InstanceStateName,
} from '@aws-sdk/client-ec2';
import type { SelectedInstance } from '../../handlers/tasks/ec2/select';
import { CONTROL_TAG } from './config';

export interface InstanceSpec {
  id: string;
  state?: InstanceStateName;
  name?: string;
  /** Extra tags; the control tag is added unless `controlTag: false`. */
  tags?: Record<string, string>;
  controlTag?: boolean;
  hibernation?: boolean;
  stateReason?: { code: string; message?: string };
}

/** An EC2 Instance as DescribeInstances returns it. */
export function anInstance(spec: InstanceSpec): Instance {
  const tags: Record<string, string> = {
    ...(spec.controlTag === false ? {} : { [CONTROL_TAG.key]: CONTROL_TAG.value }),
    ...(spec.name !== undefined ? { Name: spec.name } : {}),
    ...spec.tags,
  };
  return {
    InstanceId: spec.id,
    State: { Name: spec.state ?? 'running' },
    Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    HibernationOptions: { Configured: spec.hibernation ?? false },
    ...(spec.stateReason
      ? {
          StateReason: {
            Code: spec.stateReason.code,
            Message: spec.stateReason.message ?? spec.stateReason.code,
          },
        }
      : {}),
  };
}

/** A DescribeInstances page holding the given instances (one reservation each). */
export function describePage(
  instances: Instance[],
  nextToken?: string,
): DescribeInstancesCommandOutput {
  return {
    $metadata: {},
    Reservations: instances.map((instance) => ({ Instances: [instance] })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

/** A SelectedInstance, as select.ts produces it. */
export function aSelected(spec: InstanceSpec): SelectedInstance {
  return {
    instanceId: spec.id,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    state: spec.state ?? 'running',
    hibernationConfigured: spec.hibernation ?? false,
    ...(spec.stateReason ? { stateReason: { ...spec.stateReason } } : {}),
  };
}

export function stateChange(
  id: string,
  previous: InstanceStateName,
  current: InstanceStateName,
): InstanceStateChange {
  return { InstanceId: id, PreviousState: { Name: previous }, CurrentState: { Name: current } };
}

/** StopInstances as EC2 answers it for running instances: every ID it names, running to stopping. */
export function stoppingEach(input: { InstanceIds?: string[] }): {
  StoppingInstances: InstanceStateChange[];
} {
  return {
    StoppingInstances: (input.InstanceIds ?? []).map((id) =>
      stateChange(id, 'running', 'stopping'),
    ),
  };
}

/** IDs i-00000000000000001 ... as valid 17-hex-digit instance IDs. */
export function instanceIds(count: number, offset = 0): string[] {
  return Array.from(
    { length: count },
    (_, i) => `i-${(i + 1 + offset).toString(16).padStart(17, '0')}`,
  );
}
