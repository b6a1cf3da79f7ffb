/**
 * The blast-radius guard over the RDS task's two resource types: the limit is on every type
 * together, so a selection that keeps each type under the limit but exceeds it in all is refused,
 * before any Stop call; `onlyRestartedByAws` counts only what it would stop, never more.
 */
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  RDSClient,
  StopDBClusterCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { ResourceLimitError } from '../../../../handlers/core/errors';
import { runRequest } from '../../../../handlers/core/run';
import type { RdsRequest } from '../../../../handlers/tasks/rds/selector';
import { rdsTask } from '../../../../handlers/tasks/rds/task';
import { TEST_CONFIG } from '../../../helpers/config';
import { aDeps } from '../../../helpers/deps';
import { aDbCluster, aDbInstance } from './fixtures';

const TARGETS = [
  { accountId: '222222222222', region: 'eu-west-1' },
  { accountId: '222222222222', region: 'us-east-1' },
  { accountId: '333333333333', region: 'eu-central-1' },
];

const aStop = (overrides: Partial<RdsRequest> = {}): RdsRequest => ({
  task: 'rds',
  action: 'stop',
  targets: TARGETS,
  dryRun: false,
  wait: false,
  ...overrides,
});

const rdsClient = (target: { region: string }) => new RDSClient({ region: target.region });

describe('Function: runRequest (blast-radius guard, RDS task)', () => {
  const rds = mockClient(RDSClient);
  // 3 DB instances and 3 clusters over 3 targets: each type under the limit of 4, 6 together.
  const limited = { ...TEST_CONFIG, maxResourcesPerRequest: 4 };

  beforeEach(() => {
    rds.reset();
    let n = 0;
    rds.on(DescribeDBInstancesCommand).callsFake(() => {
      n += 1;
      return { DBInstances: [aDbInstance(`orders-db-${n}`)] };
    });
    rds
      .on(DescribeDBClustersCommand)
      .callsFake(() => ({ DBClusters: [aDbCluster(`ledger-${n}`)] }));
  });

  it('refuses a stop of 3 DB instances and 3 clusters over a limit of 4, before any stop call, naming both types', async () => {
    // Prepare
    const { deps } = aDeps({ config: limited, clientFor: rdsClient });

    // Act
    const run = runRequest(rdsTask, aStop(), deps);

    // Assess
    await expect(run).rejects.toThrow(ResourceLimitError);
    await expect(run).rejects.toThrow(/6 resource\(s\) \(3 rds:db, 3 rds:cluster\)/);
    expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
    expect(rds).not.toHaveReceivedCommand(StopDBClusterCommand);
  });

  it('refuses onlyRestartedByAws over the limit too, counting what RDS restarted', async () => {
    // Prepare: RDS restarted every one of them by itself.
    rds.on(DescribeEventsCommand).callsFake((input: { SourceType: string }) => ({
      Events: [1, 2, 3].map((i) => ({
        SourceIdentifier: input.SourceType === 'db-instance' ? `orders-db-${i}` : `ledger-${i}`,
        SourceType: input.SourceType,
        Message: `${input.SourceType === 'db-instance' ? 'DB instance' : 'DB cluster'} is being started due to it exceeding the maximum allowed time being stopped.`,
        Date: new Date('2026-01-05T12:00:00Z'),
      })),
    }));
    const { deps } = aDeps({ config: limited, clientFor: rdsClient });

    // Act
    const run = runRequest(rdsTask, aStop({ onlyRestartedByAws: true }), deps);

    // Assess
    await expect(run).rejects.toThrow(ResourceLimitError);
    expect(rds).not.toHaveReceivedCommand(StopDBInstanceCommand);
    expect(rds).not.toHaveReceivedCommand(StopDBClusterCommand);
  });
});
