/**
 * The resource rules (snooze tag, runtime cap) over fixed times, for EC2 and for a tiny task of
 * its own: the rules know the task port (`factsOf`), never a service.
 */
import { DescribeInstancesCommand, EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { parseRequest } from '../../../handlers/contract/request';
import {
  applyResourceRules,
  MAX_SNOOZE_DAYS,
  type RuleRequest,
  RulesNotSupportedError,
  readSnooze,
  snoozeTagKey,
} from '../../../handlers/core/resource-rules';
import type { ResourceOutcome } from '../../../handlers/core/results';
import { runRequest } from '../../../handlers/core/run';
import type { AnyTask, ResourceFacts, Selection } from '../../../handlers/core/task';
import type { RunSummaryDetail } from '../../../handlers/signals/contract';
import { runMetricValues } from '../../../handlers/signals/emit-metrics';
import { runSummaryEvent } from '../../../handlers/signals/run-events';
import { recordOfResult } from '../../../handlers/signals/run-record';
import { ec2FactsOf } from '../../../handlers/tasks/ec2/facts';
import { toSelectedInstance } from '../../../handlers/tasks/ec2/select';
import { ec2Task } from '../../../handlers/tasks/ec2/task';
import { TEST_CONFIG } from '../../helpers/config';
import { aDeps } from '../../helpers/deps';
import { anInstance, describePage, stoppingEach } from '../../helpers/instances';

const NOW = Date.parse('2027-03-22T18:00:00Z');
const HOUR = 3_600_000;
const SNOOZE = 'xacct-ec2:snooze-until';

describe('Function: snoozeTagKey', () => {
  it('puts snooze-until under the control tag’s prefix', () => {
    expect(snoozeTagKey('xacct-ec2:managed')).toBe(SNOOZE);
    expect(snoozeTagKey('team:ops:managed')).toBe('team:ops:snooze-until');
    expect(snoozeTagKey('managed')).toBe('managed:snooze-until');
  });
});

describe('Function: readSnooze', () => {
  it('reads an offset or Z as the instant it names', () => {
    expect(readSnooze('2027-03-26T18:00:00+01:00', NOW)).toEqual({
      status: 'active',
      until: '2027-03-26T17:00:00.000Z',
    });
    expect(readSnooze('2027-03-23T08:00Z', NOW)).toEqual({
      status: 'active',
      until: '2027-03-23T08:00:00.000Z',
    });
  });

  it('calls a past time expired, naming when', () => {
    expect(readSnooze('2027-03-22T17:59:59Z', NOW)).toEqual({
      status: 'expired',
      value: '2027-03-22T17:59:59Z',
      detail: 'expired at 2027-03-22T17:59:59.000Z',
    });
  });

  it.each([
    ['tomorrow'],
    ['2027-03-26T18:00:00'],
    ['2027-03-26'],
    ['2027-02-30T10:00:00Z'],
    ['2027-03-26T25:00:00Z'],
  ])('refuses %s as unparsable: no zone, no time, or no such date', (value) => {
    expect(readSnooze(value, NOW)).toEqual({
      status: 'unparsable',
      value,
      detail: `"${value}" is not an ISO 8601 time with Z or an offset, such as 2027-03-26T18:00:00+01:00`,
    });
  });

  it(`holds at most ${MAX_SNOOZE_DAYS} days ahead`, () => {
    const limit = new Date(NOW + MAX_SNOOZE_DAYS * 24 * HOUR).toISOString();
    const beyond = new Date(NOW + MAX_SNOOZE_DAYS * 24 * HOUR + 1000).toISOString();
    expect(readSnooze(limit, NOW).status).toBe('active');
    expect(readSnooze(beyond, NOW)).toEqual({
      status: 'too-distant',
      value: beyond,
      detail: `${beyond} is more than 30 days away (the longest snooze); set a nearer time`,
    });
  });
});

/** A tiny task of its own: resources are plain facts, so the rules see nothing EC2 about them. */
function aFactsTask(withFacts = true): AnyTask {
  return {
    name: 'tiny',
    resourceType: 'tiny:thing',
    selectorShape: {},
    policy: { statements: [] },
    readSelector: () => ({}),
    clientFor: () => ({ destroy: () => undefined }),
    async select(): Promise<Selection<ResourceFacts>> {
      return { selected: [], skipped: [], foundIds: [] };
    },
    status: (selected: readonly ResourceFacts[]) =>
      selected.map((r) => ({ id: r.id, currentState: r.state, outcome: 'unchanged' as const })),
    async act(_client: unknown, selected: readonly ResourceFacts[]) {
      return selected.map((r) => ({ id: r.id, outcome: 'changed' as const }));
    },
    ...(withFacts ? { factsOf: (r: ResourceFacts) => r } : {}),
  } as unknown as AnyTask;
}

const thing = (id: string, tags: Record<string, string> = {}, runningHours?: number) =>
  ({
    id,
    state: 'running',
    tags,
    ...(runningHours !== undefined ? { runningSince: new Date(NOW - runningHours * HOUR) } : {}),
  }) satisfies ResourceFacts;

function rule(request: RuleRequest, resources: ResourceFacts[], task = aFactsTask()) {
  const selection = { selected: resources, skipped: [], foundIds: resources.map((r) => r.id) };
  return applyResourceRules(task, request, selection, {
    controlTagKey: 'xacct-ec2:managed',
    now: NOW,
  });
}

describe('Function: applyResourceRules (snooze)', () => {
  const resources = () => [
    thing('a', { [SNOOZE]: '2027-03-26T18:00:00+01:00' }),
    thing('b', { [SNOOZE]: '2027-03-01T00:00:00Z' }),
    thing('c', { [SNOOZE]: 'next friday' }),
    thing('d', { [SNOOZE]: '2027-12-31T00:00:00Z' }),
    thing('e'),
  ];

  it('holds a scheduled stop off an active snooze, and says why the others are not honoured', () => {
    // Act
    const { selection, notes } = rule({ action: 'stop', respectSnooze: true }, resources());

    // Assess
    expect((selection.selected as ResourceFacts[]).map((r) => r.id)).toEqual(['b', 'c', 'd', 'e']);
    expect(selection.skipped).toEqual([
      {
        id: 'a',
        currentState: 'running',
        outcome: 'skipped',
        reason: `snoozed until 2027-03-26T17:00:00.000Z (${SNOOZE})`,
        snooze: { status: 'honoured', until: '2027-03-26T17:00:00.000Z' },
      },
    ]);
    expect(Object.fromEntries(notes)).toEqual({
      b: { snooze: { status: 'expired', detail: 'expired at 2027-03-01T00:00:00.000Z' } },
      c: {
        snooze: {
          status: 'ignored',
          detail:
            '"next friday" is not an ISO 8601 time with Z or an offset, such as 2027-03-26T18:00:00+01:00',
        },
      },
      d: {
        snooze: {
          status: 'ignored',
          detail:
            '2027-12-31T00:00:00.000Z is more than 30 days away (the longest snooze); set a nearer time',
        },
      },
    });
  });

  it('lets an on-demand stop through an active snooze, and says it ignored it', () => {
    // Act
    const { selection, notes } = rule({ action: 'stop' }, resources());

    // Assess
    expect(selection.selected).toHaveLength(5);
    expect(notes.get('a')).toEqual({
      snooze: {
        status: 'ignored',
        until: '2027-03-26T17:00:00.000Z',
        detail: 'an on-demand request ignores snoozes unless it sets respectSnooze: true',
      },
    });
  });

  it('never holds a start off: a snooze keeps a resource running, it never keeps one stopped', () => {
    // Act
    const { selection, notes } = rule({ action: 'start', respectSnooze: true }, resources());

    // Assess
    expect(selection.selected).toHaveLength(5);
    expect(notes.get('a')?.snooze).toMatchObject({
      status: 'ignored',
      detail: 'snoozes hold off stops only',
    });
  });

  it('shows an active snooze in a status report', () => {
    const { notes } = rule({ action: 'status' }, resources());
    expect(notes.get('a')).toEqual({
      snooze: { status: 'active', until: '2027-03-26T17:00:00.000Z' },
    });
  });
});

describe('Function: applyResourceRules (runtime cap)', () => {
  it('stops only what ran longer than the cap, with the running time, and skips what has no start time', () => {
    // Act
    const { selection, notes } = rule({ action: 'stop', maxRunningHours: 8, respectSnooze: true }, [
      thing('long', {}, 30.25),
      thing('short', {}, 2),
      thing('unknown'),
      thing('held', { [SNOOZE]: '2027-03-23T08:00:00Z' }, 50),
    ]);

    // Assess
    expect((selection.selected as ResourceFacts[]).map((r) => r.id)).toEqual(['long']);
    expect(notes.get('long')).toEqual({ runningHours: 30.2 });
    expect(selection.skipped).toEqual([
      {
        id: 'short',
        currentState: 'running',
        runningHours: 2,
        outcome: 'skipped',
        reason: 'running 2 h since 2027-03-22T16:00:00.000Z, within maxRunningHours 8',
      },
      {
        id: 'unknown',
        currentState: 'running',
        outcome: 'skipped',
        reason:
          'maxRunningHours: task tiny gives no start time for this resource (state running), so its running time is unknown',
      },
      expect.objectContaining({ id: 'held', reason: expect.stringMatching(/^snoozed until/) }),
    ]);
  });

  it('refuses the rules for a task without resource facts, naming the task', () => {
    expect(() => rule({ action: 'stop', maxRunningHours: 1 }, [], aFactsTask(false))).toThrow(
      new RulesNotSupportedError('tiny', 'maxRunningHours'),
    );
    expect(() => rule({ action: 'stop', respectSnooze: true }, [], aFactsTask(false))).toThrow(
      "respectSnooze: task tiny does not expose its resources' facts (factsOf), so it cannot read snooze tags or running times; remove respectSnooze from the request",
    );
  });
});

describe('EC2: factsOf', () => {
  it('gives the tags and, while running, LaunchTime as the start of the running period', () => {
    // Prepare
    const launched = new Date('2027-03-22T06:00:00Z');
    const running = {
      ...anInstance({ id: 'i-0000000a', tags: { [SNOOZE]: 'x' } }),
      LaunchTime: launched,
    };
    const stopped = { ...anInstance({ id: 'i-0000000b', state: 'stopped' }), LaunchTime: launched };

    // Act
    const facts = [running, stopped].map((i) => ec2FactsOf(toSelectedInstance(i)));

    // Assess
    expect(facts).toEqual([
      {
        id: 'i-0000000a',
        state: 'running',
        tags: { 'xacct-ec2:managed': 'true', [SNOOZE]: 'x' },
        runningSince: launched,
      },
      { id: 'i-0000000b', state: 'stopped', tags: { 'xacct-ec2:managed': 'true' } },
    ]);
  });
});

describe('A run with the rules (core, EC2 task)', () => {
  const ec2Mock = mockClient(EC2Client);
  beforeEach(() => ec2Mock.reset());

  it('skips the snoozed instance, stops the long-running one, and counts the snoozes', async () => {
    // Prepare: aDeps' clock starts at 2026-01-05T19:00Z.
    const { deps } = aDeps();
    const at = (hoursAgo: number) => new Date(Date.parse('2026-01-05T19:00:00Z') - hoursAgo * HOUR);
    ec2Mock.on(DescribeInstancesCommand).resolves(
      describePage([
        {
          ...anInstance({ id: 'i-0000000a', tags: { [SNOOZE]: '2026-01-06T08:00:00+01:00' } }),
          LaunchTime: at(20),
        },
        { ...anInstance({ id: 'i-0000000b' }), LaunchTime: at(20) },
        {
          ...anInstance({ id: 'i-0000000c', tags: { [SNOOZE]: '2025-12-31T00:00:00Z' } }),
          LaunchTime: at(1),
        },
      ]),
    );
    ec2Mock.on(StopInstancesCommand).callsFake(stoppingEach);
    const request = {
      action: 'stop' as const,
      targets: [{ accountId: '222222222222', region: 'eu-west-1' }],
      dryRun: false,
      wait: false,
      hibernate: false,
      respectSnooze: true,
      maxRunningHours: 12,
    };

    // Act
    const result = await runRequest(ec2Task, request, deps);

    // Assess
    expect(
      ec2Mock.commandCalls(StopInstancesCommand).map((c) => c.args[0].input.InstanceIds),
    ).toEqual([['i-0000000b']]);
    const entries = result.targets[0]?.resources.map((r: ResourceOutcome) => [
      r.id,
      r.outcome,
      r.snooze?.status ?? null,
      r.runningHours ?? null,
    ]);
    expect(entries).toEqual([
      ['i-0000000a', 'skipped', 'honoured', null],
      ['i-0000000b', 'changed', null, 20],
      ['i-0000000c', 'skipped', 'expired', 1],
    ]);
    expect(result.snoozes).toEqual({ honoured: 1, ignored: 0, expired: 1 });
    expect(result.blastRadius?.resources).toBe(1);
    // The run's summary and metrics carry the counts.
    const record = recordOfResult(result);
    expect(runMetricValues(record, { eventsSent: 0, eventsFailed: 0 })).toMatchObject({
      SnoozesHonoured: 1,
      SnoozesIgnored: 0,
      SnoozesExpired: 1,
    });
    expect(
      (
        runSummaryEvent(record, { stage: 'test', origin: { kind: 'invoke' } })
          .detail as RunSummaryDetail
      ).snoozes,
    ).toEqual({ honoured: 1, ignored: 0, expired: 1 });
  });

  it('refuses maxRunningHours before any call for a task without resource facts', async () => {
    // Prepare
    const { deps } = aDeps();
    const task = aFactsTask(false);
    const select = jest.spyOn(task, 'select');

    // Act
    const run = runRequest(
      task,
      {
        action: 'stop',
        targets: [{ accountId: '222222222222', region: 'eu-west-1' }],
        dryRun: false,
        wait: false,
        maxRunningHours: 4,
      },
      deps,
    );

    // Assess
    await expect(run).rejects.toThrow(RulesNotSupportedError);
    expect(select).not.toHaveBeenCalled();
  });
});

describe('Contract: the rule fields', () => {
  it('takes respectSnooze and maxRunningHours on a stop', () => {
    const parsed = parseRequest(
      { action: 'stop', respectSnooze: true, maxRunningHours: 12 },
      TEST_CONFIG,
    );
    expect(parsed.ok && parsed.value).toMatchObject({ respectSnooze: true, maxRunningHours: 12 });
  });

  it('refuses maxRunningHours on a start, and a cap of 0, naming the field', () => {
    const parsed = parseRequest({ action: 'start', maxRunningHours: 0 }, TEST_CONFIG);
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      { field: 'maxRunningHours', message: 'must be more than 0 hours' },
      {
        field: 'maxRunningHours',
        message: 'only applies to "stop" (it stops what has run too long); remove it',
      },
    ]);
  });
});
