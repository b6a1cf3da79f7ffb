import { parseRequest } from '../../../../handlers/contract/request';
import type { DiagnoseContext } from '../../../../handlers/core/diagnose';
import { TASK_NAMES, taskNamed } from '../../../../handlers/tasks';
import { rdsTask } from '../../../../handlers/tasks/rds/task';
import { TEST_CONFIG } from '../../../helpers/config';
import { awsError } from '../../../helpers/errors';
import { aSelectedDb } from './fixtures';

const CONTEXT: DiagnoseContext = {
  accountId: '222222222222',
  region: 'eu-west-1',
  roleArn: 'arn:aws:iam::222222222222:role/xacct-ec2-target',
  externalIdSent: true,
  service: 'rds',
};

function problemsOf(input: Record<string, unknown>) {
  const parsed = parseRequest({ task: 'rds', ...input }, TEST_CONFIG);
  return parsed.ok ? [] : parsed.problems;
}

describe('Task: rds (registered)', () => {
  it('is registered under "rds" with its two resource types and its transitions', () => {
    // Act
    const task = taskNamed('rds');

    // Assess
    expect(TASK_NAMES).toEqual(['ec2', 'rds']);
    expect(task).toBe(rdsTask);
    expect(task.resourceTypes).toEqual(['rds:db', 'rds:cluster']);
    expect(task.transitions).toEqual({
      inTransit: {
        start: [
          'starting',
          'configuring-enhanced-monitoring',
          'configuring-iam-database-auth',
          'configuring-log-exports',
        ],
        stop: ['stopping'],
      },
      final: { start: 'available', stop: 'stopped' },
      typicalSeconds: { start: 600, stop: 300 },
      maxSeconds: { start: 14400, stop: 1800 },
    });
  });
});

describe('Contract: an rds request', () => {
  it('accepts identifiers and tags, in RDS lowercase form, distinct', () => {
    // Act
    const parsed = parseRequest(
      {
        task: 'rds',
        action: 'stop',
        dbInstanceIdentifiers: ['Orders-DB', 'orders-db'],
        dbClusterIdentifiers: ['reporting'],
        tags: { env: 'dev' },
      },
      TEST_CONFIG,
    );

    // Assess
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        task: 'rds',
        dbInstanceIdentifiers: ['orders-db'],
        dbClusterIdentifiers: ['reporting'],
        tags: { env: ['dev'] },
      },
    });
  });

  it.each([
    ['1db', 'must start with a letter'],
    ['db_1', 'may contain only letters, digits and hyphens'],
    ['db--1', 'cannot contain two hyphens in a row'],
    ['db-', 'cannot end with a hyphen'],
    ['d'.repeat(64), 'must be 1 to 63 characters (it has 64)'],
    ['', 'must be 1 to 63 characters (it has 0)'],
  ])(
    'refuses the DB instance identifier %j, naming the field and the rule (RDS API reference, CreateDBInstance)',
    (id, rule) => {
      // Act
      const problems = problemsOf({ action: 'stop', dbInstanceIdentifiers: [id] });

      // Assess
      expect(problems).toEqual([
        {
          field: 'dbInstanceIdentifiers[0]',
          message: `is not an RDS DB instance identifier: it ${rule}`,
        },
      ]);
    },
  );

  it('refuses a bad cluster identifier and an empty list, each with its fix', () => {
    // Act
    const bad = problemsOf({ action: 'stop', dbClusterIdentifiers: ['a', '-b'] });
    const empty = problemsOf({ action: 'stop', dbClusterIdentifiers: [] });

    // Assess
    expect(bad).toEqual([
      {
        field: 'dbClusterIdentifiers[1]',
        message: 'is not an RDS DB cluster identifier: it must start with a letter',
      },
    ]);
    expect(empty).toEqual([
      {
        field: 'dbClusterIdentifiers',
        message: 'give at least one DB cluster identifier, or leave "dbClusterIdentifiers" out',
      },
    ]);
  });

  it('refuses a dry run, naming the task (RDS has no DryRun parameter)', () => {
    // Act
    const problems = problemsOf({ action: 'stop', dryRun: true });

    // Assess
    expect(problems).toEqual([
      { field: 'dryRun', message: 'dry run not supported by task "rds"; remove "dryRun"' },
    ]);
  });

  it('refuses EC2 fields, an empty tag selector, a reserved key, and a selection the control tag empties', () => {
    // Act
    const ec2Fields = problemsOf({
      action: 'stop',
      instanceIds: ['i-0123456789abcdef0'],
      hibernate: true,
    });
    const emptyTags = problemsOf({ action: 'stop', tags: {} });
    const reserved = problemsOf({ action: 'stop', tags: JSON.parse('{"__proto__":"x"}') });
    const emptied = problemsOf({
      action: 'stop',
      tags: { [TEST_CONFIG.controlTagKey]: 'other' },
    });

    // Assess
    expect(ec2Fields).toEqual([
      {
        field: '(root)',
        message: 'unknown field(s) "instanceIds", "hibernate": remove them or check the spelling',
      },
    ]);
    expect(emptyTags).toEqual([
      {
        field: 'tags',
        message:
          'names no tag: give at least one key, or leave "tags" out to select by the control tag',
      },
    ]);
    expect(reserved[0]?.field).toBe('tags.__proto__');
    expect(emptied).toEqual([
      {
        field: `tags.${TEST_CONFIG.controlTagKey}`,
        message: `without dbInstanceIdentifiers or dbClusterIdentifiers the control tag ${TEST_CONFIG.controlTagKey}=${TEST_CONFIG.controlTagValue} is always part of a tag selection, so this can match nothing; list "${TEST_CONFIG.controlTagValue}" or drop the key`,
      },
    ]);
  });
});

describe('Task: rds members', () => {
  it('factsOf gives id, type, state and tags, and no runningSince (RDS reports no last-start time)', () => {
    // Act
    const facts = rdsTask.factsOf?.(aSelectedDb('db-a', 'available'));

    // Assess
    expect(facts).toEqual({
      id: 'db-a',
      type: 'rds:db',
      state: 'available',
      tags: expect.any(Object),
    });
    expect(facts && 'runningSince' in facts).toBe(false);
    expect({ ...facts?.tags }).toEqual({
      [TEST_CONFIG.controlTagKey]: TEST_CONFIG.controlTagValue,
    });
  });

  it('startFellBack is true for the states a start that did not take ends in, false otherwise', () => {
    // Act
    const fellBack = (state: string) =>
      rdsTask.startFellBack?.({
        id: 'x',
        type: 'rds:db',
        outcome: 'unchanged',
        currentState: state,
      });

    // Assess
    expect(fellBack('insufficient-capacity')).toBe(true);
    expect(fellBack('incompatible-network')).toBe(true);
    expect(fellBack('inaccessible-encryption-credentials-recoverable')).toBe(true);
    expect(fellBack('stopped')).toBe(false);
    expect(fellBack('available')).toBe(false);
  });

  it('status reports every selected resource with its type, and says a stopped one restarts after 7 days', () => {
    // Act
    const report = rdsTask.status([
      aSelectedDb('db-a', 'stopped'),
      aSelectedDb('orders', 'available', 'cluster'),
    ]);

    // Assess
    expect(report).toEqual([
      {
        id: 'db-a',
        type: 'rds:db',
        currentState: 'stopped',
        outcome: 'unchanged',
        reason:
          'stopped: RDS starts it again on its own 7 days after it was stopped, so a stop schedule must run at least weekly',
      },
      { id: 'orders', type: 'rds:cluster', currentState: 'available', outcome: 'unchanged' },
    ]);
  });

  it('changeCount counts only what a start or stop would send', () => {
    // Prepare
    const selected = [
      aSelectedDb('a', 'available'),
      aSelectedDb('b', 'stopped'),
      aSelectedDb('c', 'modifying'),
    ];
    const request = { action: 'stop' as const, targets: [], dryRun: false, wait: false };

    // Act
    const stops = rdsTask.changeCount?.(selected, request);
    const starts = rdsTask.changeCount?.(selected, { ...request, action: 'start' });
    const status = rdsTask.changeCount?.(selected, { ...request, action: 'status' });

    // Assess
    expect([stops, starts, status]).toEqual([1, 1, 0]);
  });

  it('requestedIds lists instance and cluster identifiers', () => {
    // Act
    const ids = rdsTask.requestedIds?.({
      dbInstanceIdentifiers: ['a'],
      dbClusterIdentifiers: ['b'],
    });

    // Assess
    expect(ids).toEqual(['a', 'b']);
  });
});

describe('Function: rdsTask.diagnose', () => {
  it('reads an RDS AccessDenied on a describe as the target role missing the RDS permissions, not as a refused AssumeRole', () => {
    // Prepare
    const err = awsError(
      'AccessDenied',
      'User: arn:aws:sts::222222222222:assumed-role/xacct-ec2-target/s is not authorized to perform: rds:DescribeDBInstances',
    );

    // Act
    const diagnosis = rdsTask.diagnose?.(err, CONTEXT);

    // Assess
    expect(diagnosis?.code).toBe('AccessDenied');
    expect(diagnosis?.checks[0]).toBe(
      'The target role arn:aws:iam::222222222222:role/xacct-ec2-target was assumed, but RDS refused rds:DescribeDBInstances in eu-west-1. Its policy must allow rds:DescribeDBInstances and rds:DescribeDBClusters on "*" and the start and stop actions on control-tagged resources: redeploy resources/target-account-role.yml (the version with the RDS task) in account 222222222222.',
    );
  });

  it('leaves an STS AccessDenied and unknown codes to the shared diagnosis', () => {
    // Prepare
    const sts = awsError(
      'AccessDenied',
      'User: arn:aws:sts::111111111111:assumed-role/exec/fn is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/t',
    );

    // Act
    const stsDiagnosis = rdsTask.diagnose?.(sts, CONTEXT);
    const throttled = rdsTask.diagnose?.(awsError('Throttling'), CONTEXT);

    // Assess
    expect(stsDiagnosis).toBeUndefined();
    expect(throttled).toBeUndefined();
  });

  it.each([
    ['InvalidDBInstanceStateFault', 'the DB instance changed state'],
    ['InvalidDBClusterStateFault', 'the DB cluster changed state'],
    ['InsufficientDBInstanceCapacityFault', 'AWS has no capacity'],
    ['DBSnapshotAlreadyExistsFault', 'a snapshot with the requested name exists already'],
  ])('explains %s in RDS words', (code, words) => {
    // Act
    const diagnosis = rdsTask.diagnose?.(awsError(code), CONTEXT);

    // Assess
    expect(diagnosis?.code).toBe(code);
    expect(diagnosis?.checks[0]).toContain(words);
  });
});
