import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  type Event,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { parseRequest } from '../../../../handlers/contract/request';
import { NOT_RESTARTED_BY_AWS } from '../../../../handlers/tasks/rds/restarted-by-aws';
import { rdsTask } from '../../../../handlers/tasks/rds/task';
import { CONTROL_TAG, TEST_CONFIG } from '../../../helpers/config';
import { aDbCluster, aDbInstance } from './fixtures';

const rdsMock = mockClient(RDSClient);
const client = new RDSClient({ region: 'eu-west-1' });
const context = { controlTag: CONTROL_TAG, timeLeftMillis: () => 60_000 };

// Messages of the RDS User Guide's event table (USER_Events.Messages).
const INSTANCE_RESTART =
  'DB instance is being started due to it exceeding the maximum allowed time being stopped.';
const CLUSTER_RESTART =
  'DB cluster is being started due to it exceeding the maximum allowed time being stopped.';

const at = (hour: number) => new Date(Date.UTC(2026, 11, 6, hour));
const event = (
  id: string,
  Message: string,
  hour: number,
  SourceType: Event['SourceType'] = 'db-instance',
): Event => ({
  SourceIdentifier: id,
  SourceType,
  Message,
  Date: at(hour),
  EventCategories: ['notification'],
});

const request = (extra: Record<string, unknown> = {}) => ({
  task: 'rds',
  action: 'stop' as const,
  targets: [],
  dryRun: false,
  wait: false,
  onlyRestartedByAws: true,
  ...extra,
});

describe('Selector: onlyRestartedByAws (RDS starts a DB stopped for 7 days by itself)', () => {
  beforeEach(() => {
    rdsMock.reset();
    rdsMock.on(DescribeDBInstancesCommand).resolves({
      DBInstances: ['restarted', 'person-started', 'restarted-then-stopped', 'no-events'].map(
        (id) => aDbInstance(id, { DBInstanceStatus: 'available' }),
      ),
    });
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolves({ DBClusters: [aDbCluster('orders', { Status: 'available' })] });
    rdsMock.on(DescribeEventsCommand, { SourceType: 'db-instance' }).resolves({
      Events: [
        // Out of order on purpose: the latest decides, whatever the page order.
        event('restarted', 'DB instance started.', 5),
        event('restarted', INSTANCE_RESTART, 4),
        event('restarted', 'DB instance stopped.', 1),
        event('person-started', 'DB instance stopped.', 1),
        event('person-started', 'DB instance started.', 6),
        event('restarted-then-stopped', INSTANCE_RESTART, 2),
        event('restarted-then-stopped', 'DB instance stopped.', 3),
      ],
    });
    rdsMock.on(DescribeEventsCommand, { SourceType: 'db-cluster' }).resolves({
      Events: [event('orders', CLUSTER_RESTART, 4, 'db-cluster')],
    });
  });

  it('keeps only what RDS restarted with no stop since (RDS-EVENT-0154, 0153); skips the rest, saying why', async () => {
    // Act
    const selection = await rdsTask.select(client, request(), context);

    // Assess
    expect(selection.selected.map((r) => `${r.kind}/${r.id}`)).toEqual([
      'db/restarted',
      'cluster/orders',
    ]);
    expect(selection.skipped).toEqual(
      ['person-started', 'restarted-then-stopped', 'no-events'].map((id) => ({
        id,
        type: 'rds:db',
        currentState: 'available',
        outcome: 'skipped',
        reason: NOT_RESTARTED_BY_AWS,
      })),
    );
    expect(selection.foundIds).toHaveLength(5);
  });

  it('asks DescribeEvents per source type, notification category only, over the last 48 hours, in pages of 100', async () => {
    // Act
    await rdsTask.select(client, request(), context);

    // Assess
    const inputs = rdsMock.commandCalls(DescribeEventsCommand).map((c) => c.args[0].input);
    expect(inputs).toEqual([
      {
        SourceType: 'db-instance',
        EventCategories: ['notification'],
        Duration: 2880,
        MaxRecords: 100,
      },
      {
        SourceType: 'db-cluster',
        EventCategories: ['notification'],
        Duration: 2880,
        MaxRecords: 100,
      },
    ]);
  });

  it('asks no events when the request does not ask for it, or nothing is selected', async () => {
    // Act
    const plain = await rdsTask.select(client, request({ onlyRestartedByAws: undefined }), context);
    rdsMock.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
    const empty = await rdsTask.select(client, request(), context);

    // Assess
    expect(plain.selected).toHaveLength(5);
    expect(empty.selected).toEqual([]);
    expect(rdsMock).toHaveReceivedCommandTimes(DescribeEventsCommand, 0);
  });

  it('is read from a stop request, and refused on a start or a status naming the field and the fix', () => {
    // Act
    const stop = parseRequest(
      { task: 'rds', action: 'stop', onlyRestartedByAws: true },
      TEST_CONFIG,
    );
    const start = parseRequest(
      { task: 'rds', action: 'start', onlyRestartedByAws: true },
      TEST_CONFIG,
    );
    const notBoolean = parseRequest(
      { task: 'rds', action: 'stop', onlyRestartedByAws: 'yes' },
      TEST_CONFIG,
    );

    // Assess
    expect(stop).toMatchObject({ ok: true, value: { onlyRestartedByAws: true } });
    expect(start).toMatchObject({
      ok: false,
      problems: [
        {
          field: 'onlyRestartedByAws',
          message:
            'only a stop can be limited to what RDS restarted after 7 days stopped, not a start; use action "stop" or drop onlyRestartedByAws',
        },
      ],
    });
    expect(notBoolean).toMatchObject({ ok: false, problems: [{ field: 'onlyRestartedByAws' }] });
  });

  it('is refused on the ec2 task (an RDS field only)', () => {
    // Act
    const parsed = parseRequest({ action: 'stop', onlyRestartedByAws: true }, TEST_CONFIG);

    // Assess
    expect(parsed).toMatchObject({
      ok: false,
      problems: [
        {
          field: '(root)',
          message: 'unknown field(s) "onlyRestartedByAws": remove them or check the spelling',
        },
      ],
    });
  });
});
