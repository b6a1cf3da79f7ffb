/**
 * The EC2 task: start, stop and report EC2 instances, in batches (one call per target on the
 * happy path, bisected on instance-level errors, paced to EC2's instance bucket), with DryRun
 * and a waiter that catches starts falling back to stopped.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ResourceOutcome } from '../../core/results';
import type { Task } from '../../core/task';
import { actOnInstances, planAction } from './act';
import { ec2ClientFor } from './client';
import { diagnoseEc2Error } from './diagnose';
import { dryRunAction } from './dry-run';
import { ec2FactsOf, ec2Held } from './facts';
import type { InstanceResult } from './instance-result';
import { escapeFilterValue, MAX_FILTER_VALUE_LENGTH } from './limits';
import { EC2_POLICY } from './policy';
import { type SelectedInstance, selectInstances } from './select';
import { checkEc2Request, type Ec2Selector, ec2SelectorShape, readEc2Selector } from './selector';
import { EC2_TRANSITIONS, ec2StartFellBack } from './transitions';
import { USER_STOP, waitForFinalStates } from './wait';

const toOutcome = ({ instanceId, ...rest }: InstanceResult): ResourceOutcome => ({
  id: instanceId,
  ...rest,
});
const toInstanceResult = ({ id, ...rest }: ResourceOutcome): InstanceResult => ({
  instanceId: id,
  ...rest,
});

function statusReport(instances: readonly SelectedInstance[]): ResourceOutcome[] {
  return instances.map((i) => ({
    id: i.instanceId,
    ...(i.name !== undefined ? { name: i.name } : {}),
    currentState: i.state,
    outcome: 'unchanged',
    // An unusual stop reason explains itself (e.g. a start that fell back); a user stop does not.
    ...(i.state === 'stopped' && i.stateReason && i.stateReason.code !== USER_STOP
      ? { reason: `last state change: ${i.stateReason.message ?? i.stateReason.code}` }
      : {}),
  }));
}

const changeAction = (action: string): 'start' | 'stop' => (action === 'start' ? 'start' : 'stop');

export const ec2Task: Task<EC2Client, Ec2Selector, SelectedInstance> = {
  name: 'ec2',
  resourceType: 'ec2:instance',
  selectorShape: ec2SelectorShape,
  policy: EC2_POLICY,
  transitions: EC2_TRANSITIONS,
  readSelector: readEc2Selector,
  checkRequest: checkEc2Request,
  // The control tag value travels as one DescribeInstances filter value (select.ts).
  checkStage: ({ controlTag }) =>
    escapeFilterValue(controlTag.value).length <= MAX_FILTER_VALUE_LENGTH
      ? []
      : [
          {
            field: 'controlTagValue',
            message: `is at most ${MAX_FILTER_VALUE_LENGTH} characters in an EC2 filter, counting a backslash before each *, ? and \\`,
          },
        ],
  requestedIds: (selector) => selector.instanceIds ?? [],
  clientFor: ec2ClientFor,
  factsOf: ec2FactsOf,
  hold: ec2Held,

  async select(client, request, context) {
    const selection = await selectInstances(client, {
      action: request.action,
      ...(request.instanceIds ? { instanceIds: request.instanceIds } : {}),
      ...(request.tags ? { tags: request.tags } : {}),
      controlTag: context.controlTag,
    });
    return {
      selected: selection.instances,
      skipped: selection.skipped.map(toOutcome),
      foundIds: selection.foundIds,
    };
  },

  // Only the instances a Start/Stop call would carry: already running (or stopped) ones change nothing.
  changeCount: (selected, request) =>
    request.action === 'status'
      ? 0
      : planAction(selected, changeAction(request.action)).toSend.length,

  status: statusReport,
  startFellBack: ec2StartFellBack,
  diagnose: diagnoseEc2Error,

  async act(client, selected, request, context) {
    const results = await actOnInstances(client, selected, {
      action: changeAction(request.action),
      hibernate: request.hibernate,
      // Waiting for EC2's instance bucket may use the invocation's time, but not its reserve.
      timeLeftMillis: context.timeLeftMillis,
    });
    return results.map(toOutcome);
  },

  async dryRun(client, selected, request) {
    const dry = await dryRunAction(client, selected, {
      action: changeAction(request.action),
      hibernate: request.hibernate,
    });
    return { report: dry.report, resources: dry.instances.map(toOutcome) };
  },

  async wait(client, request, acted, selected, options) {
    const before = new Map(selected.map((i) => [i.instanceId, i]));
    const results = await waitForFinalStates(
      client,
      changeAction(request.action),
      acted.map(toInstanceResult),
      before,
      options,
    );
    return results.map(toOutcome);
  },
};
