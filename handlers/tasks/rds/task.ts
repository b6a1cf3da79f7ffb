/**
 * The RDS task: start, stop and report RDS DB instances and Aurora DB clusters, one call per
 * resource. Two resource types (`rds:db`, `rds:cluster`); no dry run (RDS has no DryRun
 * parameter, so the port refuses `dryRun: true` for this task); waits with the SDK's waiters.
 */
import type { RDSClient } from '@aws-sdk/client-rds';
import type { ResourceOutcome } from '../../core/results';
import type { Task } from '../../core/task';
import { actOnDatabases } from './act';
import { rdsClientFor } from './client';
import { diagnoseRdsError } from './errors';
import { planChange } from './plan';
import { RDS_POLICY } from './policy';
import {
  DB_CLUSTER_TYPE,
  DB_INSTANCE_TYPE,
  rdsHeld,
  type SelectedDatabase,
  TYPE_OF,
} from './resources';
import { narrowToRestartedByAws } from './restarted-by-aws';
import { selectDatabases } from './select';
import { checkRdsRequest, type RdsSelector, rdsSelectorShape, readRdsSelector } from './selector';
import { RDS_TRANSITIONS, START_FAILURE_STATES } from './transitions';
import { waitForFinalStates } from './wait';

const changeAction = (action: string): 'start' | 'stop' => (action === 'start' ? 'start' : 'stop');

function statusReport(resources: readonly SelectedDatabase[]): ResourceOutcome[] {
  return resources.map((r) => ({
    id: r.id,
    type: TYPE_OF[r.kind],
    currentState: r.state,
    outcome: 'unchanged',
    // RDS starts a stopped instance or cluster again on its own after seven days.
    ...(r.state === 'stopped'
      ? {
          reason:
            'stopped: RDS starts it again on its own 7 days after it was stopped, so a stop schedule must run at least weekly',
        }
      : {}),
  }));
}

export const rdsTask: Task<RDSClient, RdsSelector, SelectedDatabase> = {
  name: 'rds',
  resourceType: DB_INSTANCE_TYPE,
  resourceTypes: [DB_INSTANCE_TYPE, DB_CLUSTER_TYPE],
  selectorShape: rdsSelectorShape,
  policy: RDS_POLICY,
  transitions: RDS_TRANSITIONS,
  readSelector: readRdsSelector,
  checkRequest: checkRdsRequest,
  requestedIds: (selector) => [
    ...(selector.dbInstanceIdentifiers ?? []),
    ...(selector.dbClusterIdentifiers ?? []),
  ],
  clientFor: rdsClientFor,

  select: async (client, request, context) => {
    const selection = await selectDatabases(client, {
      action: request.action,
      ...(request.dbInstanceIdentifiers
        ? { dbInstanceIdentifiers: request.dbInstanceIdentifiers }
        : {}),
      ...(request.dbClusterIdentifiers
        ? { dbClusterIdentifiers: request.dbClusterIdentifiers }
        : {}),
      ...(request.tags ? { tags: request.tags } : {}),
      controlTag: context.controlTag,
    });
    return request.onlyRestartedByAws ? narrowToRestartedByAws(client, selection) : selection;
  },

  changeCount: (selected, request) =>
    request.action === 'status'
      ? 0
      : planChange(selected, changeAction(request.action)).toSend.length,

  // RDS reports no last-start time in its describes (only the creation time), so runningSince is
  // left out rather than guessed; DescribeEvents would cost a call per target for it.
  factsOf: (resource) => ({
    id: resource.id,
    type: TYPE_OF[resource.kind],
    state: resource.state,
    tags: resource.tags,
  }),
  hold: rdsHeld,

  // A start RDS could not carry out ends in a state that names why (insufficient-capacity...).
  startFellBack: (status) =>
    status.currentState !== undefined && START_FAILURE_STATES.has(status.currentState),

  diagnose: diagnoseRdsError,

  status: statusReport,

  act: (client, selected, request, context) =>
    actOnDatabases(client, selected, {
      action: changeAction(request.action),
      controlTag: context.controlTag,
      timeLeftMillis: context.timeLeftMillis,
    }),

  wait: (client, request, acted, _selected, options) =>
    waitForFinalStates(client, changeAction(request.action), acted, options),
};
