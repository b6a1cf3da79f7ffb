import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import type { ResourceOutcome } from '../../../../handlers/core/results';
import { waitForFinalStates } from '../../../../handlers/tasks/rds/wait';
import { FAST_WAITER } from '../../../helpers/config';
import { aDbCluster, aDbInstance } from './fixtures';

const rdsMock = mockClient(RDSClient);
const client = new RDSClient({ region: 'eu-west-1' });
const OPTIONS = { ...FAST_WAITER, maxWaitSeconds: 0.2 };

function changed(
  id: string,
  type: 'rds:db' | 'rds:cluster',
  from: string,
  to: string,
): ResourceOutcome {
  return { id, type, previousState: from, currentState: to, outcome: 'changed' };
}

describe('Function: waitForFinalStates (RDS)', () => {
  beforeEach(() => {
    rdsMock.reset();
  });

  it('confirms a start with the SDK waiters (waitUntilDBInstanceAvailable, waitUntilDBClusterAvailable) over the id filters', async () => {
    // Prepare
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [aDbInstance('db-a', { DBInstanceStatus: 'starting' })] })
      .resolves({ DBInstances: [aDbInstance('db-a')] });
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolvesOnce({ DBClusters: [aDbCluster('orders', { Status: 'starting' })] })
      .resolves({ DBClusters: [aDbCluster('orders')] });

    // Act
    const results = await waitForFinalStates(
      client,
      'start',
      [
        changed('db-a', 'rds:db', 'stopped', 'starting'),
        changed('orders', 'rds:cluster', 'stopped', 'starting'),
      ],
      OPTIONS,
    );

    // Assess
    expect(results).toEqual([
      {
        id: 'db-a',
        type: 'rds:db',
        previousState: 'stopped',
        currentState: 'available',
        outcome: 'changed',
      },
      {
        id: 'orders',
        type: 'rds:cluster',
        previousState: 'stopped',
        currentState: 'available',
        outcome: 'changed',
      },
    ]);
    expect(rdsMock).toHaveReceivedCommandWith(DescribeDBInstancesCommand, {
      Filters: [{ Name: 'db-instance-id', Values: ['db-a'] }],
    });
    expect(rdsMock).toHaveReceivedCommandWith(DescribeDBClustersCommand, {
      Filters: [{ Name: 'db-cluster-id', Values: ['orders'] }],
    });
  });

  it('confirms a stop by polling until stopped (RDS has no stopped waiter)', async () => {
    // Prepare
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [aDbInstance('db-a', { DBInstanceStatus: 'stopping' })] })
      .resolvesOnce({ DBInstances: [aDbInstance('db-a', { DBInstanceStatus: 'stopping' })] })
      .resolves({ DBInstances: [aDbInstance('db-a', { DBInstanceStatus: 'stopped' })] });

    // Act
    const results = await waitForFinalStates(
      client,
      'stop',
      [changed('db-a', 'rds:db', 'available', 'stopping')],
      OPTIONS,
    );

    // Assess
    expect(results[0]).toEqual({
      id: 'db-a',
      type: 'rds:db',
      previousState: 'available',
      currentState: 'stopped',
      outcome: 'changed',
    });
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand).length).toBeGreaterThanOrEqual(4);
  });

  it('keeps a change still in transit when the budget ends as changed, with its state and a reason', async () => {
    // Prepare
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolves({ DBClusters: [aDbCluster('orders', { Status: 'starting' })] });

    // Act
    const [result] = await waitForFinalStates(
      client,
      'start',
      [changed('orders', 'rds:cluster', 'stopped', 'starting')],
      OPTIONS,
    );

    // Assess
    expect(result).toMatchObject({ outcome: 'changed', currentState: 'starting' });
    expect(result?.reason).toBe(
      'start under way: still starting after waiting 0s (an RDS start takes minutes, sometimes hours); check again with action "status"',
    );
  });

  it('reports a start that ended in a failure state as failed, with what to do (RDS User Guide, DB instance status)', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        aDbInstance('db-a', {
          DBInstanceStatus: 'inaccessible-encryption-credentials-recoverable',
        }),
      ],
    });

    // Act
    const [result] = await waitForFinalStates(
      client,
      'start',
      [changed('db-a', 'rds:db', 'stopped', 'starting')],
      OPTIONS,
    );

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      code: 'StartFailed',
      currentState: 'inaccessible-encryption-credentials-recoverable',
    });
    expect(result?.reason).toContain('RDS cannot use the KMS key that encrypts it');
  });

  it('reports a stop that someone undid (available again) as failed', async () => {
    // Prepare
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [aDbInstance('db-a', { DBInstanceStatus: 'rebooting' })] });

    // Act
    const [result] = await waitForFinalStates(
      client,
      'stop',
      [changed('db-a', 'rds:db', 'available', 'stopping')],
      OPTIONS,
    );

    // Assess
    expect(result).toMatchObject({
      outcome: 'failed',
      code: 'WaitTimeout',
      currentState: 'rebooting',
    });
  });

  it('says the final state could not be read when every describe fails', async () => {
    // Prepare
    rdsMock
      .on(DescribeDBInstancesCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }));

    // Act
    const [result] = await waitForFinalStates(
      client,
      'stop',
      [changed('db-a', 'rds:db', 'available', 'stopping')],
      OPTIONS,
    );

    // Assess
    expect(result).toMatchObject({ outcome: 'failed', code: 'Throttling' });
    expect(result?.reason).toBe(
      'the stop was accepted, but its final state could not be read (Throttling: Rate exceeded)',
    );
  });

  it('returns the results as they are, without a call, when nothing changed or no time is left', async () => {
    // Prepare
    const skipped: ResourceOutcome = { id: 'x', type: 'rds:db', outcome: 'skipped', reason: 'r' };

    // Act
    const nothingChanged = await waitForFinalStates(client, 'stop', [skipped], OPTIONS);
    const noTime = await waitForFinalStates(
      client,
      'stop',
      [changed('db-a', 'rds:db', 'available', 'stopping')],
      { ...FAST_WAITER, maxWaitSeconds: 0 },
    );

    // Assess
    expect(nothingChanged).toEqual([skipped]);
    expect(noTime[0]).toMatchObject({ outcome: 'changed', currentState: 'stopping' });
    expect(rdsMock.calls()).toHaveLength(0);
  });
});
