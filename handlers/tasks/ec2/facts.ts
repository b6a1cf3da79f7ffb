/**
 * What the resource rules (core/resource-rules.ts) read of an EC2 instance: its state, its tags
 * under the stage's prefix (select.ts keeps only those) and, while it runs, since when. EC2's `LaunchTime` is "the time that the instance was last
 * launched" (EC2 API reference, Instance; the first launch is the primary network interface's
 * attachment time): for an EBS-backed instance, a stop and start sets it again, so it is the start
 * of the current running period. It is only given as `runningSince` while the instance is
 * `running`.
 */
import type { ResourceFacts } from '../../core/task';
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

/** The instance without what only `ec2FactsOf` reads: act, dry run, status and wait never do. */
export function ec2Settled({ tags, launchTime, ...kept }: SelectedInstance): SelectedInstance {
  return kept;
}
