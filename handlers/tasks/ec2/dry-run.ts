/**
 * `dryRun: true`: the instances are described for real, then EC2 is asked whether the target role
 * may start/stop them (DryRun). EC2 answers by throwing: DryRunOperation means "would succeed",
 * UnauthorizedOperation means "not authorised". DryRun checks IAM and request shape only; it
 * cannot promise that a KMS grant or capacity will let a start complete.
 */
import { type EC2Client, StartInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { errorCode } from '../../core/aws-error';
import { describeError } from '../../core/diagnose';
import type { DryRunReport } from '../../core/results';
import { bisectBatch, type ChangeAction, planAction } from './act';
import type { InstanceResult } from './instance-result';
import type { SelectedInstance } from './select';

export const WOULD_SUCCEED = 'dry run: would succeed';

export interface DryRunOutcome {
  report: DryRunReport;
  instances: InstanceResult[];
}

async function askEc2(
  client: EC2Client,
  action: ChangeAction,
  ids: string[],
  hibernate: boolean,
): Promise<ReadonlyMap<string, true>> {
  try {
    if (action === 'start') {
      await client.send(new StartInstancesCommand({ InstanceIds: ids, DryRun: true }));
    } else {
      await client.send(
        new StopInstancesCommand({
          InstanceIds: ids,
          DryRun: true,
          ...(hibernate ? { Hibernate: true } : {}),
        }),
      );
    }
  } catch (err) {
    if (errorCode(err) === 'DryRunOperation') return new Map(ids.map((id) => [id, true]));
    throw err;
  }
  // A DryRun call never succeeds outright; treat a plain success (a non-conforming endpoint) as "would succeed".
  return new Map(ids.map((id) => [id, true]));
}

export async function dryRunAction(
  client: EC2Client,
  instances: readonly SelectedInstance[],
  options: { action: ChangeAction; hibernate: boolean },
): Promise<DryRunOutcome> {
  const plan = planAction(instances, options.action);
  const results: InstanceResult[] = [...plan.settled];
  if (plan.toSend.length === 0) {
    return { report: { verdict: 'nothing-to-do' }, instances: results };
  }
  const groups =
    options.action === 'stop' && options.hibernate
      ? [
          { members: plan.toSend.filter((i) => i.hibernationConfigured), hibernate: true },
          { members: plan.toSend.filter((i) => !i.hibernationConfigured), hibernate: false },
        ]
      : [{ members: plan.toSend, hibernate: false }];

  let authorised = 0;
  const failureCodes = new Set<string>();
  for (const group of groups) {
    if (group.members.length === 0) continue;
    // Bisect on UnauthorizedOperation to name exactly which instances the role may not touch.
    const outcomes = await bisectBatch(
      group.members.map((i) => i.instanceId),
      (ids) => askEc2(client, options.action, ids, group.hibernate),
    );
    for (const instance of group.members) {
      const outcome = outcomes.get(instance.instanceId);
      const common = {
        instanceId: instance.instanceId,
        ...(instance.name !== undefined ? { name: instance.name } : {}),
        previousState: instance.state,
        currentState: instance.state,
      };
      if (outcome?.ok) {
        authorised += 1;
        results.push({ ...common, outcome: 'unchanged', reason: WOULD_SUCCEED });
        continue;
      }
      const { code, message } = describeError(outcome?.error);
      failureCodes.add(code);
      results.push({
        ...common,
        outcome: 'failed',
        code,
        reason:
          code === 'UnauthorizedOperation'
            ? `dry run: not authorised: the target role may not ${options.action} this instance; check its control tag and the role's tag-scoped policy (${message})`
            : `dry run: could not check (${code}: ${message})`,
      });
    }
  }
  const total = plan.toSend.length;
  const verdict: DryRunReport['verdict'] =
    authorised === total
      ? 'would-succeed'
      : authorised === 0
        ? 'not-authorised'
        : 'partly-authorised';
  const detail =
    authorised === total
      ? `${total} of ${total} instance(s) would be ${options.action === 'start' ? 'started' : 'stopped'}`
      : `${authorised} of ${total} instance(s) authorised; failures: ${[...failureCodes].join(', ')}`;
  return { report: { verdict, detail }, instances: results };
}
