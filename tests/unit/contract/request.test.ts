import { CONTRACT_VERSION, parseRequest } from '../../../handlers/contract/request';
import { taskNamed } from '../../../handlers/tasks';
import { TEST_CONFIG } from '../../helpers/config';

function problemsOf(input: unknown) {
  const parsed = parseRequest(input, TEST_CONFIG);
  if (parsed.ok) throw new Error('expected the request to be rejected');
  return parsed.problems;
}

describe('Function: parseRequest', () => {
  it('resolves every configured (account, region) pair when no targets are given', () => {
    // Prepare
    const input = { action: 'status' };

    // Act
    const parsed = parseRequest(input, TEST_CONFIG);

    // Assess
    expect(parsed).toEqual({
      ok: true,
      value: {
        action: 'status',
        targets: [
          { accountId: '222222222222', region: 'eu-west-1' },
          { accountId: '222222222222', region: 'us-east-1' },
          { accountId: '333333333333', region: 'eu-central-1' },
        ],
        dryRun: false,
        hibernate: false,
        wait: false,
      },
    });
  });

  it('narrows targets to the requested accounts and regions and normalises tags', () => {
    // Prepare
    const input = {
      action: 'stop',
      targets: { accounts: ['222222222222'], regions: ['us-east-1'] },
      tags: { env: 'dev', team: ['a', 'b'] },
      instanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef0'],
    };

    // Act
    const parsed = parseRequest(input, TEST_CONFIG);

    // Assess
    expect(parsed.ok && parsed.value).toMatchObject({
      targets: [{ accountId: '222222222222', region: 'us-east-1' }],
      tags: { env: ['dev'], team: ['a', 'b'] },
      instanceIds: ['i-0123456789abcdef0'],
    });
  });

  it.each([
    ['action', { action: 'reboot' }, 'action'],
    ['dryRun', { action: 'stop', dryRun: 'yes' }, 'dryRun'],
    ['hibernate', { action: 'stop', hibernate: 1 }, 'hibernate'],
    ['wait', { action: 'stop', wait: 'true' }, 'wait'],
    [
      'targets.accounts',
      { action: 'stop', targets: { accounts: ['12345'] } },
      'targets.accounts[0]',
    ],
    [
      'targets.regions',
      { action: 'stop', targets: { regions: ['eu-west-l'] } },
      'targets.regions[0]',
    ],
    ['instanceIds', { action: 'stop', instanceIds: [] }, 'instanceIds'],
    ['tags', { action: 'stop', tags: { env: [] } }, 'tags.env'],
  ])('names the invalid field %s', (_label, input, field) => {
    // Prepare: the input comes from the table

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems.map((p) => p.field)).toContain(field);
  });

  it('rejects an unknown field, naming it', () => {
    // Prepare
    const input = { action: 'stop', dryrun: true };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual([{ field: '(root)', message: expect.stringContaining('"dryrun"') }]);
  });

  it('rejects a malformed instance ID with the expected format', () => {
    // Prepare
    const input = { action: 'start', instanceIds: ['i-0123456789abcdef0', 'ma1', 'i-XYZ'] };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems.map((p) => p.field)).toEqual(['instanceIds[1]', 'instanceIds[2]']);
    expect(problems[0]?.message).toMatch(/"i-" followed by 8 or 17 lowercase hex/);
  });

  it('rejects accounts and regions that are valid but not configured for the stage', () => {
    // Prepare
    const input = {
      action: 'stop',
      targets: { accounts: ['444444444444'], regions: ['ap-south-1'] },
    };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual([
      { field: 'targets.accounts[0]', message: expect.stringContaining('not a configured target') },
      { field: 'targets.regions[0]', message: expect.stringContaining('not configured') },
    ]);
  });

  it('rejects an account and region that are configured but never together', () => {
    // Prepare
    const input = {
      action: 'stop',
      targets: { accounts: ['333333333333'], regions: ['us-east-1'] },
    };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual([
      { field: 'targets', message: expect.stringContaining('no configured') },
    ]);
  });

  it('rejects hibernate with start', () => {
    // Prepare
    const input = { action: 'start', hibernate: true };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual([
      { field: 'hibernate', message: expect.stringContaining('only applies to "stop"') },
    ]);
  });

  it('reports several problems at once', () => {
    // Prepare
    const input = {
      action: 'pause',
      instanceIds: ['bad'],
      dryRun: 'no',
      colour: 'blue',
    };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems.map((p) => p.field).sort()).toEqual(
      ['(root)', 'action', 'dryRun', 'instanceIds[0]'].sort(),
    );
  });

  it('reports cross-field problems together with type errors', () => {
    // Prepare
    const input = {
      action: 'start',
      hibernate: true,
      dryRun: 'yes',
      targets: { accounts: ['444444444444', 'abc'] },
    };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems.map((p) => p.field).sort()).toEqual(
      ['dryRun', 'hibernate', 'targets.accounts[0]', 'targets.accounts[1]'].sort(),
    );
  });

  it('accepts the contract version and the task by name, defaulting to ec2', () => {
    // Prepare
    const named = { version: CONTRACT_VERSION, task: 'ec2', action: 'stop', hibernate: true };

    // Act
    const parsed = parseRequest(named, TEST_CONFIG);
    const unnamed = parseRequest({ action: 'stop' }, TEST_CONFIG);

    // Assess
    expect(parsed).toMatchObject({ ok: true, value: { task: 'ec2', hibernate: true } });
    expect(unnamed.ok && unnamed.value.task).toBeUndefined();
    expect(taskNamed(unnamed.ok ? unnamed.value.task : 'none').name).toBe('ec2');
  });

  it('names the field and the fix for an unknown task or contract version', () => {
    // Prepare
    const input = { version: 2, task: 'ecs', action: 'stop' };

    // Act
    const problems = problemsOf(input);

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        { field: 'version', message: expect.stringContaining('or leave "version" out') },
        { field: 'task', message: expect.stringContaining('must be one of "ec2", "rds"') },
      ]),
    );
  });
});
