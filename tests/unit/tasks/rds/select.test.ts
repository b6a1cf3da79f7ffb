import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { selectDatabases } from '../../../../handlers/tasks/rds/select';
import { CONTROL_TAG } from '../../../helpers/config';
import { aDbCluster, aDbInstance } from './fixtures';

const rdsMock = mockClient(RDSClient);
const client = new RDSClient({ region: 'eu-west-1' });

const instanceInputs = () =>
  rdsMock.commandCalls(DescribeDBInstancesCommand).map((c) => c.args[0].input);

function skippedReasons(selection: Awaited<ReturnType<typeof selectDatabases>>) {
  return Object.fromEntries(selection.skipped.map((s) => [s.id, s.reason]));
}

describe('Function: selectDatabases', () => {
  beforeEach(() => {
    rdsMock.reset();
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
  });

  it('describes every instance and cluster in pages of 100 (MaxRecords) and follows Marker, with no filter when nothing is named', async () => {
    // Prepare
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [aDbInstance('db-a')], Marker: 'page-2' })
      .resolvesOnce({ DBInstances: [aDbInstance('db-b')] });
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [aDbCluster('orders')] });

    // Act
    const selection = await selectDatabases(client, { action: 'stop', controlTag: CONTROL_TAG });

    // Assess
    // The SDK's paginator reuses one input object, so only the last call's Marker can be read.
    expect(instanceInputs()).toHaveLength(2);
    expect(instanceInputs()[1]).toEqual({ MaxRecords: 100, Marker: 'page-2' });
    expect(rdsMock).toHaveReceivedCommandWith(DescribeDBClustersCommand, { MaxRecords: 100 });
    expect(selection.selected.map((s) => `${s.kind}/${s.id}`)).toEqual([
      'db/db-a',
      'db/db-b',
      'cluster/orders',
    ]);
    expect(selection.skipped).toEqual([]);
  });

  it('without identifiers, selects only control-tagged resources matching every requested tag (RDS has no tag filter: TagList is read)', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        aDbInstance('dev-db', {
          TagList: [
            { Key: CONTROL_TAG.key, Value: CONTROL_TAG.value },
            { Key: 'env', Value: 'dev' },
          ],
        }),
        aDbInstance('prod-db', {
          TagList: [
            { Key: CONTROL_TAG.key, Value: CONTROL_TAG.value },
            { Key: 'env', Value: 'prod' },
          ],
        }),
        aDbInstance('untagged-dev', { TagList: [{ Key: 'env', Value: 'dev' }] }),
      ],
    });

    // Act
    const selection = await selectDatabases(client, {
      action: 'stop',
      tags: { env: ['dev', 'qa'] },
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(selection.selected.map((s) => s.id)).toEqual(['dev-db']);
    expect(selection.foundIds).toEqual(['dev-db']);
    expect(selection.skipped).toEqual([]);
  });

  it('with identifiers, describes only the named kind through the id filters, in chunks of 50', async () => {
    // Prepare
    const ids = Array.from({ length: 60 }, (_, i) => `db-${i}`);

    // Act
    await selectDatabases(client, {
      action: 'status',
      dbInstanceIdentifiers: ids,
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBClustersCommand, 0);
    expect(instanceInputs()).toEqual([
      { Filters: [{ Name: 'db-instance-id', Values: ids.slice(0, 50) }], MaxRecords: 100 },
      { Filters: [{ Name: 'db-instance-id', Values: ids.slice(50) }], MaxRecords: 100 },
    ]);
  });

  it('with cluster identifiers, describes clusters through db-cluster-id and no instances', async () => {
    // Act
    await selectDatabases(client, {
      action: 'stop',
      dbClusterIdentifiers: ['orders'],
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(rdsMock).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 0);
    expect(rdsMock).toHaveReceivedCommandWith(DescribeDBClustersCommand, {
      Filters: [{ Name: 'db-cluster-id', Values: ['orders'] }],
    });
  });

  it('with identifiers, reports an untagged resource as skipped with the tag to add, instead of dropping it', async () => {
    // Prepare
    rdsMock
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [aDbInstance('legacy', { TagList: [] })] });

    // Act
    const selection = await selectDatabases(client, {
      action: 'stop',
      dbInstanceIdentifiers: ['legacy'],
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(selection.selected).toEqual([]);
    expect(selection.foundIds).toEqual(['legacy']);
    expect(selection.skipped).toEqual([
      {
        id: 'legacy',
        type: 'rds:db',
        currentState: 'available',
        outcome: 'skipped',
        reason: `not tagged ${CONTROL_TAG.key}=${CONTROL_TAG.value}: the target role may only start and stop DB instances tagged ${CONTROL_TAG.key}=${CONTROL_TAG.value}; add the tag to manage this one`,
      },
    ]);
  });

  it('asks nothing when the request names the control key without its value (the selection is empty by construction)', async () => {
    // Act
    const selection = await selectDatabases(client, {
      action: 'stop',
      tags: { [CONTROL_TAG.key]: ['other'] },
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(rdsMock.calls()).toHaveLength(0);
    expect(selection).toEqual({ selected: [], skipped: [], foundIds: [] });
  });

  it('decides per Engine: RDS engines and Aurora clusters are acted on; Neptune, DocumentDB, Multi-AZ DB clusters and RDS Custom are skipped with the reason', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        aDbInstance('mysql-db', { Engine: 'mysql' }),
        aDbInstance('oracle-db', { Engine: 'oracle-se2' }),
        aDbInstance('graph-1', { Engine: 'neptune', DBClusterIdentifier: 'graph' }),
        aDbInstance('docs-1', { Engine: 'docdb', DBClusterIdentifier: 'docs' }),
        aDbInstance('custom-db', { Engine: 'custom-oracle-ee' }),
      ],
    });
    rdsMock.on(DescribeDBClustersCommand).resolves({
      DBClusters: [
        aDbCluster('aurora-my', { Engine: 'aurora-mysql' }),
        aDbCluster('aurora-pg'),
        aDbCluster('graph', { Engine: 'neptune' }),
        aDbCluster('docs', { Engine: 'docdb' }),
        aDbCluster('maz', { Engine: 'postgres', EngineMode: undefined }),
      ],
    });

    // Act
    const selection = await selectDatabases(client, { action: 'stop', controlTag: CONTROL_TAG });

    // Assess
    expect(selection.selected.map((s) => `${s.kind}/${s.id}`)).toEqual([
      'db/mysql-db',
      'db/oracle-db',
      'cluster/aurora-my',
      'cluster/aurora-pg',
    ]);
    const reasons = skippedReasons(selection);
    expect(reasons['graph-1']).toMatch(/^an Amazon Neptune resource \(engine "neptune"\)/);
    expect(reasons.graph).toMatch(/^an Amazon Neptune resource/);
    expect(reasons['docs-1']).toMatch(/^an Amazon DocumentDB resource \(engine "docdb"\)/);
    expect(reasons.docs).toMatch(/^an Amazon DocumentDB resource/);
    expect(reasons['custom-db']).toMatch(/^an RDS Custom instance.*StopDBInstance does not apply/);
    expect(reasons.maz).toMatch(
      /^a Multi-AZ DB cluster \(engine "postgres"\).*Aurora clusters only/,
    );
    expect(selection.skipped.find((s) => s.id === 'maz')?.type).toBe('rds:cluster');
  });

  it('skips every DB instance RDS cannot stop, saying what to do instead (RDS User Guide, USER_StopInstance limitations)', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        aDbInstance('aurora-1', { Engine: 'aurora-postgresql', DBClusterIdentifier: 'orders' }),
        aDbInstance('maz-1', { Engine: 'postgres', DBClusterIdentifier: 'maz' }),
        aDbInstance('replica', { ReadReplicaSourceDBInstanceIdentifier: 'primary' }),
        aDbInstance('primary', { ReadReplicaDBInstanceIdentifiers: ['replica'] }),
        aDbInstance('sql-maz', { Engine: 'sqlserver-se', MultiAZ: true }),
        aDbInstance('sql-single', { Engine: 'sqlserver-se', MultiAZ: false }),
      ],
    });

    // Act
    const selection = await selectDatabases(client, {
      action: 'stop',
      dbInstanceIdentifiers: ['aurora-1', 'maz-1', 'replica', 'primary', 'sql-maz', 'sql-single'],
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(selection.selected.map((s) => s.id)).toEqual(['sql-single']);
    const reasons = skippedReasons(selection);
    expect(reasons['aurora-1']).toMatch(
      /member of Aurora cluster "orders".*select the cluster \(dbClusterIdentifiers\) instead/,
    );
    expect(reasons['maz-1']).toMatch(/member of Multi-AZ DB cluster "maz"/);
    expect(reasons.replica).toMatch(/^a read replica of "primary": RDS cannot stop a read replica/);
    expect(reasons.primary).toMatch(/^has read replicas \(replica\).*delete or promote/);
    expect(reasons['sql-maz']).toMatch(/Multi-AZ RDS for SQL Server.*convert it to Single-AZ/);
    expect(selection.skipped.every((s) => s.type === 'rds:db' && s.outcome === 'skipped')).toBe(
      true,
    );
  });

  it('skips every Aurora cluster RDS cannot stop: Serverless v1, global database members, replicas and their sources (Aurora User Guide, aurora-cluster-stop-start)', async () => {
    // Prepare
    rdsMock.on(DescribeDBClustersCommand).resolves({
      DBClusters: [
        aDbCluster('serverless-v1', { EngineMode: 'serverless' }),
        aDbCluster('pq', { Engine: 'aurora-mysql', EngineMode: 'parallelquery' }),
        aDbCluster('global-member', { GlobalClusterIdentifier: 'world' }),
        aDbCluster('replica-cluster', {
          ReplicationSourceIdentifier: 'arn:aws:rds:us-east-1:222222222222:cluster:origin',
        }),
        aDbCluster('origin', { ReadReplicaIdentifiers: ['arn:aws:rds:eu-west-1:1:cluster:copy'] }),
        aDbCluster('serverless-v2'),
      ],
    });

    // Act
    const selection = await selectDatabases(client, {
      action: 'start',
      dbClusterIdentifiers: [
        'serverless-v1',
        'pq',
        'global-member',
        'replica-cluster',
        'origin',
        'serverless-v2',
      ],
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(selection.selected.map((s) => s.id)).toEqual(['serverless-v2']);
    const reasons = skippedReasons(selection);
    expect(reasons['serverless-v1']).toMatch(/^an Aurora Serverless v1 cluster.*Serverless v2/);
    expect(reasons.pq).toMatch(/^an Aurora parallel query cluster/);
    expect(reasons['global-member']).toMatch(/member of Aurora global database "world"/);
    expect(reasons['replica-cluster']).toMatch(/^a read replica of "arn:aws:rds:us-east-1/);
    expect(reasons.origin).toMatch(/^has cross-Region read replicas/);
  });

  it('a status report sets aside only other services resources, and reports untagged and unstoppable ones', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        aDbInstance('replica', { TagList: [], ReadReplicaSourceDBInstanceIdentifier: 'p' }),
        aDbInstance('graph-1', { Engine: 'neptune' }),
      ],
    });

    // Act
    const selection = await selectDatabases(client, {
      action: 'status',
      dbInstanceIdentifiers: ['replica', 'graph-1'],
      controlTag: CONTROL_TAG,
    });

    // Assess
    expect(selection.selected.map((s) => s.id)).toEqual(['replica']);
    expect(selection.skipped.map((s) => s.id)).toEqual(['graph-1']);
  });

  it('keeps the tags of each resource from TagList, an __proto__ key included as a plain key', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        aDbInstance('db-a', {
          TagList: [
            { Key: CONTROL_TAG.key, Value: CONTROL_TAG.value },
            { Key: '__proto__', Value: 'x' },
          ],
        }),
      ],
    });

    // Act
    const selection = await selectDatabases(client, { action: 'stop', controlTag: CONTROL_TAG });

    // Assess
    expect({ ...selection.selected[0]?.tags }).toEqual({
      [CONTROL_TAG.key]: CONTROL_TAG.value,
      ['__proto__']: 'x',
    });
  });

  it('lets a describe error through to the engine (one catch per target)', async () => {
    // Prepare
    rdsMock.on(DescribeDBInstancesCommand).rejects(new Error('boom'));

    // Act
    const selecting = selectDatabases(client, { action: 'stop', controlTag: CONTROL_TAG });

    // Assess
    await expect(selecting).rejects.toThrow('boom');
  });
});
