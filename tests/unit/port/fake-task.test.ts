/**
 * A third task (tests/helpers/fake-task.ts: widgets, `fake:widget`, `cold` -> `warming` -> `hot`,
 * a warm-up of 20 minutes) registered through the registry, run through every generic layer: the
 * single invocation, the engine's state machine with its workers and re-checks, the signals, the
 * blast-radius guard and the diagnosis. Nothing here names an EC2 state, field or code, so a
 * generic layer that still assumes EC2 makes one of these fail.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListTagsForResourceCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { InvalidRequestError } from '../../../handlers/contract/errors';
import { ResourceLimitError } from '../../../handlers/core/errors';
import type { PolicyFragment } from '../../../handlers/core/policy-fragment';
import { type RunDeps, runRequest } from '../../../handlers/core/run';
import { TASKS } from '../../../handlers/tasks';
import { renderTargetTemplates } from '../../../resources/generate/render';
import {
  engineDefinition,
  runTimeoutSeconds,
} from '../../../resources/home-stack/engine/state-machine';
import { startEngineRun } from '../../../scripts/local-aws/local-engine';
import { parseCfnYaml } from '../../../scripts/shared/stack/cfn-yaml';
import {
  checkTargetRole,
  TAG_SCOPED_ACTIONS,
  TARGET_ROLE_ACTIONS,
} from '../../../scripts/verify/static-checks';
import { renderTargetRole } from '../../../scripts/verify/target-role';
import { FAST_WAITER, TEST_CONFIG } from '../../helpers/config';
import { aContext } from '../../helpers/context';
import {
  aWidget,
  FAKE_POLICY,
  FAKE_TASK,
  FAKE_TYPE,
  fakeTask,
  type WidgetClient,
  widgetWorld,
} from '../../helpers/fake-task';
import { mockHandlerClients } from '../../helpers/handler-clients';

jest.mock('../../../handlers/tasks', () =>
  require('../../helpers/fake-task').registryWithFakeTask(),
);

const IRELAND = { accountId: '222222222222', region: 'eu-west-1' };
const VIRGINIA = { accountId: '222222222222', region: 'us-east-1' };
const FRANKFURT = { accountId: '333333333333', region: 'eu-central-1' };

type Detail = Record<string, unknown>;

function fakeDeps(overrides: Partial<RunDeps> = {}): RunDeps {
  let clock = Date.parse('2026-12-01T18:00:00.000Z');
  return {
    clientFor: (target): WidgetClient => ({ target, world: widgetWorld, destroy() {} }),
    config: TEST_CONFIG,
    requestId: 'req-fake',
    remainingMillis: () => 300_000,
    now: () => {
      clock += 5;
      return clock;
    },
    waiter: FAST_WAITER,
    ...overrides,
  };
}

const request = (over: Record<string, unknown> = {}) => ({
  task: 'fake',
  action: 'start' as const,
  targets: [IRELAND, FRANKFURT],
  dryRun: false,
  wait: false,
  ...over,
});

/** Two targets: Ireland a cold, a hot and an untagged widget; Frankfurt one cold widget. */
function aWorld(): void {
  widgetWorld.clear();
  widgetWorld.put(
    IRELAND,
    aWidget('w-a', 'cold'),
    aWidget('w-c', 'hot'),
    aWidget('w-e', 'cold', { tags: {} }),
  );
  widgetWorld.put(FRANKFURT, aWidget('w-d', 'cold'));
}

describe('A third task through runRequest (the core)', () => {
  beforeEach(aWorld);

  it('reports its resources typed by the task, with its own states', async () => {
    // Act
    const result = await runRequest(fakeTask, request({ action: 'status' }), fakeDeps());

    // Assess
    expect(result.task).toBe('fake');
    expect(result.targets.map((t) => t.resources)).toEqual([
      [
        { type: FAKE_TYPE, id: 'w-a', currentState: 'cold', outcome: 'unchanged' },
        { type: FAKE_TYPE, id: 'w-c', currentState: 'hot', outcome: 'unchanged' },
        {
          type: FAKE_TYPE,
          id: 'w-e',
          currentState: 'cold',
          outcome: 'skipped',
          reason: 'missing the control tag',
        },
      ],
      [{ type: FAKE_TYPE, id: 'w-d', currentState: 'cold', outcome: 'unchanged' }],
    ]);
    expect(result.summary).toMatchObject({ resources: 4, unchanged: 3, skipped: 1 });
    expect(widgetWorld.calls).toEqual([
      'List 222222222222/eu-west-1',
      'List 333333333333/eu-central-1',
    ]);
  });

  it('counts what a start would change per resource type, and refuses past the limit before any change', async () => {
    // Prepare: the stage allows one resource per request
    const deps = fakeDeps({ config: { ...TEST_CONFIG, maxResourcesPerRequest: 1 } });

    // Act
    const refused = runRequest(fakeTask, request(), deps);

    // Assess: w-a and w-d would change (w-c is hot already, w-e untagged)
    await expect(refused).rejects.toThrow(ResourceLimitError);
    const error = (await refused.catch((e: unknown) => e)) as ResourceLimitError;
    expect(error.blastRadius).toEqual({
      resources: 2,
      byType: { [FAKE_TYPE]: 2 },
      limit: 1,
      verdict: 'refused',
      reason:
        'this start would change 2 fake:widget resource(s) in 2 target(s), more than this stage\'s maxResourcesPerRequest (1); send "confirmCount": 2 to confirm, narrow the selection, or raise params.maxResourcesPerRequest',
    });
    expect(widgetWorld.calls.filter((c) => c.startsWith('Warm'))).toEqual([]);
  });

  it('acts and waits through the task, leaving a change still in its own in-transit state as changed', async () => {
    // Act
    const result = await runRequest(fakeTask, request({ wait: true, confirmCount: 2 }), fakeDeps());

    // Assess
    expect(result.blastRadius).toMatchObject({ resources: 2, byType: { [FAKE_TYPE]: 2 } });
    const ireland = result.targets[0]?.resources ?? [];
    expect(ireland.find((r) => r.id === 'w-a')).toEqual({
      type: FAKE_TYPE,
      id: 'w-a',
      previousState: 'cold',
      currentState: 'warming',
      outcome: 'changed',
    });
    expect(result.summary).toMatchObject({ changed: 2, unchanged: 1, skipped: 1 });
    expect(result.unmatchedIds).toEqual([]);
  });

  it('words a target failure in the task’s own terms, and the rest in the shared ones for its service', async () => {
    // Prepare
    widgetWorld.failing.set(
      '222222222222/eu-west-1',
      Object.assign(new Error('too many'), { name: 'WidgetQuotaExceeded' }),
    );
    widgetWorld.failing.set(
      '333333333333/eu-central-1',
      Object.assign(new Error('connect ECONNREFUSED'), { name: 'ECONNREFUSED' }),
    );

    // Act
    const result = await runRequest(fakeTask, request({ action: 'status' }), fakeDeps());

    // Assess
    expect(result.targets[0]?.error).toEqual({
      code: 'WidgetQuotaExceeded',
      message: 'WidgetQuotaExceeded: too many widgets warming',
      checks: ['Ask the widget service for a larger warming quota.'],
    });
    const shared = result.targets[1]?.error?.checks.join('\n') ?? '';
    expect(shared).toContain('interface endpoints for STS');
    expect(shared).toContain('FAKE (eu-central-1)');
    expect(shared).toContain('AWS_ENDPOINT_URL_FAKE');
    expect(shared).not.toMatch(/EC2/);
  });
});

describe('A third task through the handlers (single invocation and signals)', () => {
  const clients = mockHandlerClients();
  let instances: typeof import('../../../handlers/instances')['handler'];

  beforeAll(async () => {
    instances = (await import('../../../handlers/instances')).handler;
  });

  beforeEach(aWorld);

  const sent = (): Array<{ type: string | undefined; detail: Detail }> =>
    clients.eventBridge.events
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map((e) => ({ type: e.DetailType, detail: JSON.parse(e.Detail ?? '{}') as Detail }));

  it('sends one Resource Outcome per widget it changed, typed by the task, and a summary that agrees', async () => {
    // Act
    const result = await instances(
      { task: 'fake', action: 'start', targets: { accounts: ['222222222222', '333333333333'] } },
      aContext({ requestId: 'req-widgets' }),
    );

    // Assess
    expect(result).toMatchObject({ task: 'fake', summary: { changed: 2 } });
    // Each target's events as it finishes (in either order here), the summary last (SIGNALS.md).
    const events = sent();
    const outcomes = events
      .slice(0, -1)
      .sort((a, b) => String(a.detail.resourceId).localeCompare(String(b.detail.resourceId)));
    expect(outcomes.map((e) => [e.type, e.detail.resourceId ?? null])).toEqual([
      ['Resource Outcome', 'w-a'],
      ['Resource Outcome', 'w-d'],
    ]);
    expect(events.at(-1)?.type).toBe('Run Summary');
    expect(events.at(-1)?.detail).toMatchObject({
      task: 'fake',
      counts: { resources: 4, changed: 2, unchanged: 1, skipped: 1 },
    });
    expect(outcomes[0]?.detail).toMatchObject({
      eventId: 'req-widgets/222222222222/eu-west-1/fake:widget/w-a/changed',
      task: 'fake',
      resourceType: FAKE_TYPE,
      resourceId: 'w-a',
      previousState: 'cold',
      currentState: 'warming',
      outcome: 'changed',
    });
  });

  it('refuses a wait it cannot see through (a 20-minute warm-up), before any call, and names the engine', async () => {
    // Act
    const refused = instances(
      { task: 'fake', action: 'start', wait: true },
      aContext({ requestId: 'req-wait' }),
    );

    // Assess
    await expect(refused).rejects.toThrow(InvalidRequestError);
    const error = (await refused.catch((e: unknown) => e)) as InvalidRequestError;
    expect(error.problems).toEqual([
      {
        field: 'wait',
        message: expect.stringMatching(
          /^a start of task "fake" usually takes 1200 s, more than the 60 s this invocation may wait .*remove "wait".*through the engine/,
        ),
      },
    ]);
    expect(widgetWorld.calls).toEqual([]);
    expect(clients.sfn.commandCalls(ListTagsForResourceCommand)).toHaveLength(0);
    expect(sent()).toEqual([]);
  });
});

/** The definition as packaged: each `Fn::GetAtt [<function>, Arn]` its function's ARN. */
function withFunctionArns(definition: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(definition), (_key, value: unknown) => {
    const getAtt = (value as { 'Fn::GetAtt'?: [string, string] } | null)?.['Fn::GetAtt'];
    return getAtt ? `arn:aws:lambda:eu-west-1:111111111111:function:${getAtt[0]}` : value;
  }) as Record<string, unknown>;
}

describe('A third task through the engine (plan, survey, act, wait and re-check, summary)', () => {
  const clients = mockHandlerClients();
  let handlers: Parameters<typeof startEngineRun>[1];

  beforeAll(async () => {
    const recheck = (await import('../../../handlers/engine/recheck')).handler;
    handlers = {
      plan: (await import('../../../handlers/engine/plan')).handler as never,
      work: (await import('../../../handlers/engine/work')).handler as never,
      // Time passes during the Wait: every widget ends its transition before the re-check looks.
      recheck: (async (event: never, context: Context) => {
        widgetWorld.settle();
        return recheck(event, context);
      }) as never,
      summarise: (await import('../../../handlers/engine/summarise')).handler as never,
    };
  });

  beforeEach(() => {
    aWorld();
    widgetWorld.put(VIRGINIA, aWidget('w-b', 'cold', { fizzles: true }));
  });

  it('plans its Waits from the task’s transitions: the stage’s 20 rounds stretched over a 2-hour warm-up', async () => {
    // Act
    const plan = (await handlers.plan(
      { request: { task: 'fake', action: 'start', wait: true } } as never,
      aContext(),
    )) as { waitSeconds: number; maxChecks: number; run: Record<string, unknown> };
    const ec2Plan = (await handlers.plan(
      { request: { action: 'start', wait: true } } as never,
      aContext(),
    )) as { waitSeconds: number; maxChecks: number };

    // Assess: 7200 s over 20 rounds is 360 s a Wait; EC2's 600 s keeps the stage's 30 s
    expect(plan).toMatchObject({
      waitSeconds: 360,
      maxChecks: 20,
      run: { task: 'fake', resourceType: FAKE_TYPE },
    });
    expect(ec2Plan).toMatchObject({ waitSeconds: 30, maxChecks: 20 });
  });

  it('gives the whole run time for the slowest task’s Waits', () => {
    // Prepare
    const options = { maxConcurrency: 10, maxChecks: 20, waitSeconds: 30 };

    // Act
    const ec2 = { transitions: { maxSeconds: { start: 600, stop: 600 } } };
    const withFake = runTimeoutSeconds(options, [ec2, fakeTask]);
    const ec2Only = runTimeoutSeconds(options, [ec2]);

    // Assess: 20 Waits of 360 s instead of 20 of 30 s
    expect(withFake - ec2Only).toBe(20 * 360 - 20 * 30);
  });

  it('counts its in-transit states, re-checks them, and reports its fall-back by type', async () => {
    // Prepare
    const definition = engineDefinition({
      service: 'xacct-ec2',
      stage: 'test',
      maxConcurrency: 10,
      maxChecks: 20,
      waitSeconds: 30,
    });
    const input = { request: { task: 'fake', action: 'start', wait: true } };

    // Act
    const run = startEngineRun(withFunctionArns(definition), handlers, input, {
      executionName: 'widgets-run',
      waitMs: 0,
    });
    const outcome = await run.outcome;

    // Assess: the act left three widgets warming, so the engine waited one round (checks: 1)
    expect(outcome.status).toBe('SUCCEEDED');
    const output = (outcome as { result: { output: Record<string, unknown> } }).result.output;
    // w-a, w-b and w-d warmed up (w-c hot already, w-e untagged); w-b fizzled back to cold
    expect(output).toMatchObject({
      checks: 1,
      summary: { resources: 5, changed: 2, unchanged: 1, skipped: 1, failed: 1, inTransit: 0 },
      failures: [
        {
          accountId: '222222222222',
          region: 'us-east-1',
          type: FAKE_TYPE,
          id: 'w-b',
          state: 'cold',
          code: 'StartFellBack',
        },
      ],
      blastRadius: { resources: 3, byType: { [FAKE_TYPE]: 3 }, verdict: 'within-limit' },
    });
    const events = clients.eventBridge.events
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map((e) => ({ type: e.DetailType, detail: JSON.parse(e.Detail ?? '{}') as Detail }));
    const outcomes = events.filter((e) => e.type === 'Resource Outcome');
    expect(outcomes.map((e) => [e.detail.resourceId, e.detail.outcome]).sort()).toEqual([
      ['w-a', 'changed'],
      ['w-b', 'changed'],
      ['w-b', 'failed'],
      ['w-d', 'changed'],
    ]);
    expect(
      outcomes.every((e) => e.detail.task === 'fake' && e.detail.resourceType === FAKE_TYPE),
    ).toBe(true);
    expect(outcomes.find((e) => e.detail.outcome === 'failed')?.detail).toMatchObject({
      eventId: 'widgets-run/222222222222/us-east-1/fake:widget/w-b/fell-back',
      currentState: 'cold',
      code: 'StartFellBack',
    });
    const summary = events.find((e) => e.type === 'Run Summary')?.detail;
    expect(summary).toMatchObject({
      task: 'fake',
      counts: { changed: 2, failed: 1 },
      failedResources: [
        {
          account: '222222222222',
          region: 'us-east-1',
          resourceType: FAKE_TYPE,
          resourceId: 'w-b',
        },
      ],
    });
  });
});

describe('A third task through verify (the policy prover reads every registered fragment)', () => {
  const control = { key: 'xacct-ec2:managed', value: 'test' };
  const roleWith = (fragments: readonly PolicyFragment[] = TASKS.map((t) => t.policy)) => {
    const [role] = renderTargetTemplates(fragments);
    return renderTargetRole(
      {
        HomeAccountId: '111111111111',
        ExecutionRoleName: 'exec',
        RoleName: 'xacct-ec2-test-target',
        ControlTagValue: control.value,
        Regions: ['eu-west-1'],
      },
      { accountId: '222222222222', template: parseCfnYaml(role?.text ?? '', role?.file) },
    );
  };

  it('renders the task’s fragment into the target role, and the prover accepts its intended actions', () => {
    // Act
    const role = roleWith();

    // Assess
    expect(TARGET_ROLE_ACTIONS).toEqual(
      expect.arrayContaining(['fake:ListWidgets', 'fake:WarmWidget']),
    );
    expect(TAG_SCOPED_ACTIONS).toEqual(
      expect.arrayContaining(['fake:WarmWidget', 'fake:CoolWidget']),
    );
    const widgets = role.permissionPolicies.find(
      (p) => p.name === 'warm-cool-control-tagged-widgets',
    );
    expect(widgets?.policy.Statement).toEqual([
      { Sid: 'ListWidgets', Effect: 'Allow', Action: 'fake:ListWidgets', Resource: '*' },
      {
        Sid: 'WarmCoolControlTaggedWidgets',
        Effect: 'Allow',
        Action: ['fake:WarmWidget', 'fake:CoolWidget'],
        Resource: 'arn:aws:fake:*:222222222222:widget/*',
        Condition: { StringEquals: { 'aws:ResourceTag/xacct-ec2:managed': 'test' } },
      },
    ]);
    expect(checkTargetRole(role, { control })).toEqual([]);
  });

  it('refuses the task’s change actions once they lose the control tag condition (planted)', () => {
    // Prepare: the fake's warm/cool statement without its Condition
    const unconditioned: PolicyFragment = {
      ...FAKE_POLICY,
      policies: FAKE_POLICY.policies.map((policy) => ({
        ...policy,
        statements: policy.statements.map(({ Condition, ...statement }) =>
          statement.Sid === 'WarmCoolControlTaggedWidgets'
            ? statement
            : { ...statement, ...(Condition ? { Condition } : {}) },
        ),
      })),
    };
    const role = roleWith(TASKS.map((t) => (t.name === FAKE_TASK ? unconditioned : t.policy)));

    // Assess
    expect(checkTargetRole(role, { control })).toEqual([
      expect.objectContaining({
        statement: 'WarmCoolControlTaggedWidgets',
        message: 'allows start/stop without a resource-tag condition',
        hint: 'controlTagNotEnforced',
      }),
    ]);
  });
});

describe('A third task’s region limit through verify', () => {
  it('names the task’s actions when its fragment has no Deny outside the stage regions (planted)', () => {
    // Prepare
    const unlimited: PolicyFragment = {
      ...FAKE_POLICY,
      policies: FAKE_POLICY.policies.filter((p) => p.name !== 'only-widgets-in-the-stage-regions'),
    };
    const [role] = renderTargetTemplates(
      TASKS.map((t) => (t.name === FAKE_TASK ? unlimited : t.policy)),
    );
    const rendered = renderTargetRole(
      {
        HomeAccountId: '111111111111',
        ExecutionRoleName: 'exec',
        RoleName: 'xacct-ec2-test-target',
        ControlTagValue: 'test',
        Regions: ['eu-west-1'],
      },
      { accountId: '222222222222', template: parseCfnYaml(role?.text ?? '', role?.file) },
    );

    // Act
    const findings = checkTargetRole(rendered);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        hint: 'regionsNotEnforced',
        message:
          'fake:ListWidgets, fake:WarmWidget, fake:CoolWidget are not limited to the stage regions by aws:RequestedRegion',
      }),
    ]);
  });
});
