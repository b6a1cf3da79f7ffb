import {
  RDSClient,
  StartDBClusterCommand,
  StartDBInstanceCommand,
  StopDBClusterCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { actOnDatabases, NOT_SENT_REASON } from '../../../../handlers/tasks/rds/act';
import { planChange } from '../../../../handlers/tasks/rds/plan';
import { CONTROL_TAG } from '../../../helpers/config';
import { awsError } from '../../../helpers/errors';
import { aSelectedDb } from './fixtures';

const rdsMock = mockClient(RDSClient);
const client = new RDSClient({ region: 'eu-west-1' });

describe('Function: planChange (RDS starts only stopped and stops only available resources: API reference, StartDBInstance, StopDBInstance)', () => {
  it('sends a stop for an available resource and settles the others by their state', () => {
    // Prepare
    const resources = [
      aSelectedDb('up', 'available'),
      aSelectedDb('down', 'stopped'),
      aSelectedDb('going', 'stopping'),
      aSelectedDb('busy', 'backing-up'),
      aSelectedDb('waking', 'starting', 'cluster'),
    ];

    // Act
    const plan = planChange(resources, 'stop');

    // Assess
    expect(plan.toSend.map((r) => r.id)).toEqual(['up']);
    expect(plan.settled).toEqual([
      {
        id: 'down',
        type: 'rds:db',
        previousState: 'stopped',
        currentState: 'stopped',
        outcome: 'unchanged',
        reason: 'already stopped',
      },
      {
        id: 'going',
        type: 'rds:db',
        previousState: 'stopping',
        currentState: 'stopping',
        outcome: 'unchanged',
        reason: 'already stopping',
      },
      {
        id: 'busy',
        type: 'rds:db',
        previousState: 'backing-up',
        currentState: 'backing-up',
        outcome: 'skipped',
        reason:
          'is backing-up: RDS stops only an available DB instance; retry once it is available',
      },
      {
        id: 'waking',
        type: 'rds:cluster',
        previousState: 'starting',
        currentState: 'starting',
        outcome: 'skipped',
        reason: 'is starting: RDS stops only an available DB cluster; retry once it is available',
      },
    ]);
  });

  it('sends a start for a stopped resource only; available and starting are unchanged, modifying is skipped', () => {
    // Act
    const plan = planChange(
      [
        aSelectedDb('down', 'stopped'),
        aSelectedDb('up', 'available'),
        aSelectedDb('waking', 'starting'),
        aSelectedDb('changing', 'modifying'),
      ],
      'start',
    );

    // Assess
    expect(plan.toSend.map((r) => r.id)).toEqual(['down']);
    expect(plan.settled.map((s) => [s.id, s.outcome])).toEqual([
      ['up', 'unchanged'],
      ['waking', 'unchanged'],
      ['changing', 'skipped'],
    ]);
    expect(plan.settled[2]?.reason).toBe(
      'is modifying: RDS starts only a stopped DB instance; retry once it is stopped',
    );
  });
});

describe('Function: actOnDatabases', () => {
  beforeEach(() => {
    rdsMock.reset();
  });

  it('stops each instance with StopDBInstance and each cluster with StopDBCluster, never asking for a snapshot', async () => {
    // Prepare
    rdsMock
      .on(StopDBInstanceCommand)
      .resolves({ DBInstance: { DBInstanceIdentifier: 'db-a', DBInstanceStatus: 'stopping' } });
    rdsMock
      .on(StopDBClusterCommand)
      .resolves({ DBCluster: { DBClusterIdentifier: 'orders', Status: 'stopping' } });

    // Act
    const results = await actOnDatabases(
      client,
      [aSelectedDb('db-a', 'available'), aSelectedDb('orders', 'available', 'cluster')],
      { action: 'stop', controlTag: CONTROL_TAG },
    );

    // Assess
    expect(rdsMock).toHaveReceivedCommandWith(StopDBInstanceCommand, {
      DBInstanceIdentifier: 'db-a',
    });
    expect(rdsMock.commandCalls(StopDBInstanceCommand)[0]?.args[0].input).toEqual({
      DBInstanceIdentifier: 'db-a',
    });
    expect(rdsMock).toHaveReceivedCommandWith(StopDBClusterCommand, {
      DBClusterIdentifier: 'orders',
    });
    expect(results).toEqual([
      {
        id: 'db-a',
        type: 'rds:db',
        previousState: 'available',
        currentState: 'stopping',
        outcome: 'changed',
      },
      {
        id: 'orders',
        type: 'rds:cluster',
        previousState: 'available',
        currentState: 'stopping',
        outcome: 'changed',
      },
    ]);
  });

  it('starts with StartDBInstance and StartDBCluster', async () => {
    // Prepare
    rdsMock
      .on(StartDBInstanceCommand)
      .resolves({ DBInstance: { DBInstanceIdentifier: 'db-a', DBInstanceStatus: 'starting' } });
    rdsMock
      .on(StartDBClusterCommand)
      .resolves({ DBCluster: { DBClusterIdentifier: 'orders', Status: 'starting' } });

    // Act
    const results = await actOnDatabases(
      client,
      [aSelectedDb('db-a', 'stopped'), aSelectedDb('orders', 'stopped', 'cluster')],
      { action: 'start', controlTag: CONTROL_TAG },
    );

    // Assess
    expect(results.map((r) => [r.id, r.outcome, r.currentState])).toEqual([
      ['db-a', 'changed', 'starting'],
      ['orders', 'changed', 'starting'],
    ]);
    expect(rdsMock).toHaveReceivedCommandTimes(StartDBInstanceCommand, 1);
    expect(rdsMock).toHaveReceivedCommandTimes(StartDBClusterCommand, 1);
  });

  it('fails only the resource a resource-level error concerns, explaining it, and goes on with the others', async () => {
    // Prepare
    rdsMock
      .on(StartDBInstanceCommand, { DBInstanceIdentifier: 'no-room' })
      .rejects(awsError('InsufficientDBInstanceCapacityFault', 'no capacity for db.r6g.large'))
      .on(StartDBInstanceCommand, { DBInstanceIdentifier: 'untagged-now' })
      .rejects(
        awsError(
          'AccessDenied',
          'User: arn:aws:sts::222222222222:assumed-role/t/s is not authorized to perform: rds:StartDBInstance on resource: arn:aws:rds:eu-west-1:222222222222:db:untagged-now',
        ),
      )
      .on(StartDBInstanceCommand, { DBInstanceIdentifier: 'fine' })
      .resolves({ DBInstance: { DBInstanceStatus: 'starting' } });

    // Act
    const results = await actOnDatabases(
      client,
      [
        aSelectedDb('no-room', 'stopped'),
        aSelectedDb('untagged-now', 'stopped'),
        aSelectedDb('fine', 'stopped'),
      ],
      { action: 'start', controlTag: CONTROL_TAG },
    );

    // Assess
    const [noRoom, denied, fine] = results;
    expect(noRoom).toMatchObject({
      outcome: 'failed',
      code: 'InsufficientDBInstanceCapacityFault',
    });
    expect(noRoom?.reason).toMatch(/^InsufficientDBInstanceCapacityFault: AWS has no capacity/);
    expect(denied).toMatchObject({ outcome: 'failed', code: 'AccessDenied' });
    expect(denied?.reason).toContain(
      `allows rds:StartDBInstance, rds:StopDBInstance, rds:StartDBCluster and rds:StopDBCluster only on resources tagged ${CONTROL_TAG.key}=${CONTROL_TAG.value} (aws:ResourceTag)`,
    );
    expect(fine).toMatchObject({ outcome: 'changed', currentState: 'starting' });
  });

  it('explains a state that changed since the describe (InvalidDBInstanceState, InvalidDBClusterStateFault)', async () => {
    // Prepare
    rdsMock
      .on(StopDBInstanceCommand)
      .rejects(awsError('InvalidDBInstanceStateFault', 'is not in available state'));
    rdsMock
      .on(StopDBClusterCommand)
      .rejects(awsError('InvalidDBClusterStateFault', 'is in backing-up'));

    // Act
    const results = await actOnDatabases(
      client,
      [aSelectedDb('db-a', 'available'), aSelectedDb('orders', 'available', 'cluster')],
      { action: 'stop', controlTag: CONTROL_TAG },
    );

    // Assess
    expect(results.map((r) => r.reason)).toEqual([
      'InvalidDBInstanceStateFault: the DB instance changed state since it was described, or cannot make this change now (for example while modifying or backing up); run "status" and retry (is not in available state)',
      'InvalidDBClusterStateFault: the DB cluster changed state since it was described, or cannot make this change now; run "status" and retry (is in backing-up)',
    ]);
  });

  it('stops calling after an error no single resource explains (throttling after retries) and fails the rest with it', async () => {
    // Prepare
    rdsMock.on(StopDBInstanceCommand).rejects(awsError('Throttling', 'Rate exceeded'));
    const resources = Array.from({ length: 10 }, (_, i) => aSelectedDb(`db-${i}`, 'available'));

    // Act
    const results = await actOnDatabases(client, resources, {
      action: 'stop',
      controlTag: CONTROL_TAG,
    });

    // Assess
    // At most the calls already in flight when the first answer came back.
    expect(rdsMock.commandCalls(StopDBInstanceCommand).length).toBeLessThanOrEqual(4);
    expect(results).toHaveLength(10);
    expect(results.every((r) => r.outcome === 'failed' && r.code === 'Throttling')).toBe(true);
  });

  it('sends nothing once the invocation has no time left, reporting the rest as not processed', async () => {
    // Act
    const results = await actOnDatabases(client, [aSelectedDb('db-a', 'available')], {
      action: 'stop',
      controlTag: CONTROL_TAG,
      timeLeftMillis: () => 0,
    });

    // Assess
    expect(rdsMock.calls()).toHaveLength(0);
    expect(results).toEqual([
      {
        id: 'db-a',
        type: 'rds:db',
        previousState: 'available',
        currentState: 'available',
        outcome: 'not-processed',
        reason: NOT_SENT_REASON,
      },
    ]);
  });

  it('keeps at most 4 calls in flight per target', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    rdsMock.on(StopDBInstanceCommand).callsFake(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return { DBInstance: { DBInstanceStatus: 'stopping' } };
    });

    // Act
    const results = await actOnDatabases(
      client,
      Array.from({ length: 12 }, (_, i) => aSelectedDb(`db-${i}`, 'available')),
      { action: 'stop', controlTag: CONTROL_TAG },
    );

    // Assess
    expect(most).toBe(4);
    expect(results.map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => `db-${i}`));
  });
});
