/**
 * The resource rules on the RDS task's two types: what a rule leaves alone is reported with its
 * own type, a cluster as `rds:cluster`, as every other outcome of a task with `resourceTypes`.
 */
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
  StopDBClusterCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { runRequest } from '../../../../handlers/core/run';
import type { RdsRequest } from '../../../../handlers/tasks/rds/selector';
import { rdsTask } from '../../../../handlers/tasks/rds/task';
import { CONTROL_TAG } from '../../../helpers/config';
import { aDeps } from '../../../helpers/deps';
import { aDbCluster, aDbInstance } from './fixtures';

const SNOOZED = [
  { Key: CONTROL_TAG.key, Value: CONTROL_TAG.value },
  // The stage's tag prefix and `snooze-until`: a day after the deps' clock (2026-01-05 19:00).
  { Key: 'xacct-ec2:snooze-until', Value: '2026-01-06T19:00:00Z' },
];

describe('Function: runRequest (resource rules, RDS task)', () => {
  const rds = mockClient(RDSClient);

  beforeEach(() => {
    rds.reset();
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [aDbInstance('orders-db', { TagList: SNOOZED })],
    });
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [aDbCluster('ledger', { TagList: SNOOZED })],
    });
  });

  it('reports a snoozed cluster and a snoozed DB instance each with its own type', async () => {
    // Prepare
    const { deps } = aDeps({ clientFor: (t) => new RDSClient({ region: t.region }) });
    const request: RdsRequest = {
      task: 'rds',
      action: 'stop',
      targets: [{ accountId: '222222222222', region: 'eu-west-1' }],
      dryRun: false,
      wait: false,
      respectSnooze: true,
    };

    // Act
    const result = await runRequest(rdsTask, request, deps);

    // Assess
    const resources = result.targets[0]?.resources ?? [];
    expect(resources.map((r) => [r.id, r.type, r.outcome, r.snooze?.status])).toEqual([
      ['ledger', 'rds:cluster', 'skipped', 'honoured'],
      ['orders-db', 'rds:db', 'skipped', 'honoured'],
    ]);
    expect(rds.commandCalls(StopDBClusterCommand)).toHaveLength(0);
    expect(rds.commandCalls(StopDBInstanceCommand)).toHaveLength(0);
  });
});
