import { parseStageConfig } from '../../../handlers/config/stage-config';
import { TEST_CONFIG } from '../../helpers/config';

function withChanges(changes: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(TEST_CONFIG), schedules: [], ...changes };
}

function fieldsOf(input: unknown): string[] {
  const parsed = parseStageConfig(input, 'params');
  if (parsed.ok) throw new Error('expected the configuration to be rejected');
  return parsed.problems.map((p) => p.field);
}

const schedule = {
  name: 'evening-stop',
  expression: 'cron(0 19 ? * MON-FRI *)',
  timezone: 'Europe/Berlin',
  request: { action: 'stop' },
};

describe('Function: parseStageConfig', () => {
  it('accepts the test configuration and defaults schedules to none, run through the engine', () => {
    // Prepare
    const { schedules: _schedules, ...input } = structuredClone(TEST_CONFIG);

    // Act
    const parsed = parseStageConfig(input);

    // Assess
    expect(parsed).toEqual({
      ok: true,
      value: { ...input, schedules: [], scheduledRuns: 'engine' },
    });
  });

  it('rejects a malformed account ID', () => {
    // Prepare
    const input = withChanges({ targets: [{ accountId: '22222222222', regions: ['eu-west-1'] }] });

    // Act
    const fields = fieldsOf(input);

    // Assess
    expect(fields).toEqual(['params.targets[0].accountId']);
  });

  it('rejects an unknown region', () => {
    // Prepare
    const input = withChanges({ targets: [{ accountId: '222222222222', regions: ['eu-west-9'] }] });

    // Act
    const fields = fieldsOf(input);

    // Assess
    expect(fields).toEqual(['params.targets[0].regions[0]']);
  });

  it('rejects an empty target list', () => {
    // Prepare
    const input = withChanges({ targets: [] });

    // Act
    const fields = fieldsOf(input);

    // Assess
    expect(fields).toEqual(['params.targets']);
  });

  it('rejects an ExternalId STS would refuse', () => {
    // Prepare
    const input = withChanges({
      targets: [{ accountId: '222222222222', externalId: 'has spaces!', regions: ['eu-west-1'] }],
    });

    // Act
    const fields = fieldsOf(input);

    // Assess
    expect(fields).toEqual(['params.targets[0].externalId']);
  });

  it('rejects a schedule with a bad time zone', () => {
    // Prepare
    const input = withChanges({ schedules: [{ ...schedule, timezone: 'Mars/Olympus' }] });

    // Act
    const fields = fieldsOf(input);

    // Assess
    expect(fields).toEqual(['params.schedules[0].timezone']);
  });

  it('rejects the same account listed twice', () => {
    // Prepare
    const input = withChanges({
      targets: [
        { accountId: '222222222222', regions: ['eu-west-1'] },
        { accountId: '222222222222', regions: ['us-east-1'] },
      ],
    });

    // Act
    const fields = fieldsOf(input);

    // Assess
    expect(fields).toEqual(['params.targets[1].accountId']);
  });

  it('rejects a session longer than the role-chaining limit', () => {
    // Prepare
    const input = withChanges({ sessionDurationSeconds: 7200 });

    // Act
    const parsed = parseStageConfig(input);

    // Assess
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems[0]?.message).toMatch(/role chaining/);
  });

  it('defaults maxResourcesPerRequest to 500 and refuses a limit below 1', () => {
    // Prepare
    const { maxResourcesPerRequest: _default, ...input } = structuredClone(TEST_CONFIG);

    // Act
    const parsed = parseStageConfig(input);

    // Assess
    expect(parsed.ok && parsed.value.maxResourcesPerRequest).toBe(500);
    expect(fieldsOf(withChanges({ maxResourcesPerRequest: 0 }))).toEqual([
      'params.maxResourcesPerRequest',
    ]);
  });

  it('refuses the removed maxInstancesPerRequest by name (it is maxResourcesPerRequest now)', () => {
    // Act
    const parsed = parseStageConfig(withChanges({ maxInstancesPerRequest: 10 }), 'params');

    // Assess
    expect(parsed.ok).toBe(false);
    expect(JSON.stringify(parsed.ok ? [] : parsed.problems)).toContain('maxInstancesPerRequest');
  });

  it('refuses a control tag value longer than an EC2 filter value once escaped (the EC2 task’s checkStage)', () => {
    // Act
    const parsed = parseStageConfig(
      withChanges({ controlTagValue: `${'a'.repeat(254)}*` }),
      'params',
    );

    // Assess
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      {
        field: 'params.controlTagValue',
        message:
          'is at most 255 characters in an EC2 filter, counting a backslash before each *, ? and \\',
      },
    ]);
  });

  it('refuses, at package time, caller rules naming a second account (an HTTP API has no resource policy)', () => {
    // Prepare
    const input = withChanges({
      callers: [
        { account: '111111111111', principal: 'role/ops', actions: ['stop'] },
        { account: '999999999999', principal: 'role/ops', actions: ['stop'] },
      ],
    });

    // Act
    const parsed = parseStageConfig(input, 'params');

    // Assess
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      {
        field: 'params.callers[1].account',
        message: expect.stringMatching(/assumes a role in the home account/),
      },
    ]);
  });

  it('takes acknowledgeBroad with its reason on a broad start/stop rule, and refuses it anywhere else', () => {
    // Prepare
    const reason = 'every engineer may stop the sandbox fleet at night';
    const broad = {
      account: '111111111111',
      principal: 'role/AWSReservedSSO_*',
      actions: ['stop'],
    };
    const named = { account: '111111111111', principal: 'role/ops', actions: ['stop'] };
    const statusOnly = { account: '111111111111', principal: 'role/*', actions: ['status'] };

    // Act
    const accepted = parseStageConfig(
      withChanges({ callers: [{ ...broad, acknowledgeBroad: reason }] }),
    );
    const misplaced = fieldsOf(
      withChanges({
        callers: [
          { ...named, acknowledgeBroad: reason },
          { ...statusOnly, acknowledgeBroad: reason },
        ],
      }),
    );
    const tooShort = fieldsOf(
      withChanges({ callers: [{ ...broad, acknowledgeBroad: 'because' }] }),
    );

    // Assess
    expect(accepted.ok).toBe(true);
    expect(misplaced).toEqual([
      'params.callers[0].acknowledgeBroad',
      'params.callers[1].acknowledgeBroad',
    ]);
    expect(tooShort).toEqual(['params.callers[0].acknowledgeBroad']);
  });
});
