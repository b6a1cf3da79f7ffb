import { DescribeInstancesCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { mergeResults, summarise, type TargetRun } from '../../../handlers/core/merge';
import type { TargetResult } from '../../../handlers/core/results';
import { runTarget } from '../../../handlers/core/run';
import { ec2Task } from '../../../handlers/tasks/ec2/task';
import { aDeps } from '../../helpers/deps';
import { awsError } from '../../helpers/errors';
import { anInstance, describePage, stoppingEach } from '../../helpers/instances';

const TARGET = { accountId: '222222222222', region: 'eu-west-1' };

function aTargetRun(overrides: Partial<TargetResult>, foundIds: string[] = []): TargetRun {
  return {
    result: {
      ...TARGET,
      status: 'ok',
      resources: [],
      durationMs: 1,
      ...overrides,
    },
    foundIds,
  };
}

const resource = (id: string, outcome: 'changed' | 'failed' | 'not-processed') => ({
  type: 'ec2:instance',
  id,
  outcome,
});

describe('Function: mergeResults', () => {
  it('counts every resource and target once, and reports requested IDs no target found', () => {
    // Prepare
    const runs = [
      aTargetRun({ resources: [resource('i-0000000a', 'changed')] }, ['i-0000000a']),
      aTargetRun({ region: 'us-east-1', status: 'failed' }),
      aTargetRun({ accountId: '333333333333', status: 'not-processed' }),
      aTargetRun(
        {
          region: 'eu-central-1',
          resources: [resource('i-0000000b', 'failed'), resource('i-0000000c', 'not-processed')],
        },
        ['i-0000000b', 'i-0000000c'],
      ),
    ];

    // Act
    const merged = mergeResults(runs, ['i-0000000c', 'i-0000000d', 'i-0000000a']);

    // Assess
    expect(merged.targets).toEqual(runs.map((r) => r.result));
    expect(merged.summary).toEqual({
      targets: 4,
      targetsFailed: 1,
      targetsNotProcessed: 1,
      resources: 3,
      changed: 1,
      unchanged: 0,
      skipped: 0,
      failed: 1,
      notProcessed: 1,
    });
    expect(merged.unmatchedIds).toEqual(['i-0000000d']);
  });

  it('merges the merged targets of several runs to the same summary (workers of one fleet)', () => {
    // Prepare
    const a = [aTargetRun({ resources: [resource('i-0000000a', 'changed')] }, ['i-0000000a'])];
    const b = [aTargetRun({ region: 'us-east-1', resources: [resource('i-0000000b', 'failed')] })];

    // Act
    const whole = mergeResults([...a, ...b]);
    const parts = [mergeResults(a), mergeResults(b)];

    // Assess
    expect(summarise(parts.flatMap((p) => p.targets))).toEqual(whole.summary);
  });
});

describe('Function: runTarget', () => {
  const ec2Mock = mockClient(EC2Client);
  beforeEach(() => ec2Mock.reset());

  const request = {
    action: 'stop' as const,
    targets: [TARGET],
    dryRun: false,
    hibernate: false,
    wait: false,
  };

  it('returns the target result and the IDs it found, for a request that names IDs', async () => {
    // Prepare
    const { deps } = aDeps();
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(describePage([anInstance({ id: 'i-0000000b' }), anInstance({ id: 'i-0000000a' })]));
    const named = { ...request, instanceIds: ['i-0000000a', 'i-0000000b', 'i-0000000c'] };
    ec2Mock.on(StopInstancesCommand).callsFake(stoppingEach);

    // Act
    const run = await runTarget(ec2Task, named, TARGET, deps);

    // Assess
    expect([...run.foundIds].sort()).toEqual(['i-0000000a', 'i-0000000b']);
    expect(run.result.status).toBe('ok');
    expect(run.result.resources.map((r) => [r.type, r.id, r.outcome])).toEqual([
      ['ec2:instance', 'i-0000000a', 'changed'],
      ['ec2:instance', 'i-0000000b', 'changed'],
    ]);
  });

  it('carries no found IDs for a request that names none: nothing reads them', async () => {
    // Prepare
    const { deps } = aDeps();
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves(describePage([anInstance({ id: 'i-0000000b' }), anInstance({ id: 'i-0000000a' })]));
    ec2Mock.on(StopInstancesCommand).resolves({});

    // Act
    const run = await runTarget(ec2Task, request, TARGET, deps);

    // Assess
    expect(run.foundIds).toEqual([]);
    expect(run.result.resources).toHaveLength(2);
  });

  it('reports per-resource failures of the act step, and a failed setup as a failed target, never a throw', async () => {
    // Prepare
    const { deps } = aDeps();
    ec2Mock.on(DescribeInstancesCommand).resolves(describePage([anInstance({ id: 'i-0000000a' })]));
    // Not instance-specific, so the act step itself gives up: the target's one catch sees it.
    ec2Mock.on(StopInstancesCommand).rejects(awsError('AuthFailure', 'credentials rejected'));
    const throwingDeps = {
      ...deps,
      clientFor: () => {
        throw awsError('AccessDenied', 'not authorized to perform sts:AssumeRole');
      },
    };

    // Act
    const acted = await runTarget(ec2Task, request, TARGET, deps);
    const refused = await runTarget(ec2Task, request, TARGET, throwingDeps);

    // Assess
    expect(acted.result.status).toBe('ok');
    expect(acted.result.resources[0]).toMatchObject({ outcome: 'failed', code: 'AuthFailure' });
    expect(refused.result).toMatchObject({
      status: 'failed',
      error: { code: 'AccessDenied' },
      resources: [],
    });
    expect(refused.foundIds).toEqual([]);
  });
});
