/**
 * What the resource rules (core/resource-rules.ts) read of an EC2 instance: its state, its tags
 * under the stage's prefix (select.ts keeps only those) and, while it runs, since when. EC2's `LaunchTime` is "the time that the instance was last
 * launched" (EC2 API reference, Instance; the first launch is the primary network interface's
 * attachment time): for an EBS-backed instance, a stop and start sets it again, so it is the start
 * of the current running period. It is only given as `runningSince` while the instance is
 * `running`.
 */
import type { HeldResource, HeldRow, ResourceFacts } from '../../core/task';
import type { SelectedInstance } from './select';

export function ec2FactsOf(instance: SelectedInstance): ResourceFacts {
  return {
    id: instance.instanceId,
    state: instance.state,
    tags: instance.tags ?? {},
    ...(instance.state === 'running' && instance.launchTime !== undefined
      ? { runningSince: new Date(instance.launchTime) }
      : {}),
  };
}

/** A row's trailing nulls: absent fields cost nothing. */
function trimmed(row: Array<string | number | null>): HeldRow {
  let end = row.length;
  while (end > 0 && row[end - 1] === null) end -= 1;
  return row.slice(0, end);
}

const text = (value: HeldRow[number] | undefined) =>
  typeof value === 'string' ? value : undefined;

/**
 * The instance as a run holds it until its act (core/held-selection.ts), without what only
 * `ec2FactsOf` reads (tags, launch time): act, dry run, status and wait never do. Row:
 * `[instanceId, name, state, hibernationConfigured (1 or 0), stateReason.code, stateReason.message]`.
 */
export const ec2Held: HeldResource<SelectedInstance> = {
  pack: (instance) =>
    trimmed([
      instance.instanceId,
      instance.name ?? null,
      instance.state,
      instance.hibernationConfigured ? 1 : 0,
      instance.stateReason?.code ?? null,
      instance.stateReason?.message ?? null,
    ]),
  unpack: (row) => {
    const [instanceId, name, state, hibernation] = row;
    const code = text(row[4]);
    const message = text(row[5]);
    return {
      instanceId: text(instanceId) ?? '',
      ...(text(name) !== undefined ? { name: text(name) as string } : {}),
      state: text(state) ?? '',
      hibernationConfigured: hibernation === 1,
      ...(code !== undefined || message !== undefined
        ? {
            stateReason: {
              ...(code !== undefined ? { code } : {}),
              ...(message !== undefined ? { message } : {}),
            },
          }
        : {}),
    };
  },
};
