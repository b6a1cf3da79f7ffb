// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${Name} is CloudFormation's Fn::Sub syntax, rendered by the template generator
/**
 * A third task for tests only: widgets of a tiny in-memory service, type `fake:widget`, with
 * states of their own (`cold` -> `warming` -> `hot`, `hot` -> `cooling` -> `cold`) and slow
 * transitions (a warm-up usually takes 20 minutes). It shares no name, state or error code with
 * EC2, so a generic layer that still assumes EC2 (reads `pending`, `instanceId`, an EC2 error
 * code, EC2's one minute) gets it wrong and its test fails.
 *
 * Registered through the registry itself (handlers/tasks/index.ts `registryOf`), by mocking that
 * module in the test file:
 *
 *   jest.mock('../../handlers/tasks', () => require('../helpers/fake-task').registryWithFakeTask());
 */
import * as z from 'zod/mini';
import { errorCode } from '../../handlers/core/aws-error';
import type { FragmentParameter, PolicyFragment } from '../../handlers/core/policy-fragment';
import type { ResourceOutcome } from '../../handlers/core/results';
import type { Task, Transitions } from '../../handlers/core/task';
import type { Target } from '../../handlers/core/types';
import { EC2_POLICY } from '../../handlers/tasks/ec2/policy';
import { CONTROL_TAG } from './config';

export const FAKE_TASK = 'fake';
export const FAKE_TYPE = 'fake:widget';

export type WidgetState = 'cold' | 'warming' | 'hot' | 'cooling';

export interface Widget {
  id: string;
  state: WidgetState;
  tags: Record<string, string>;
  /** A warm-up that will fail: `settle` sends it back to cold with the code `Fizzled`. */
  fizzles?: boolean;
  /** Set once a warm-up fizzled. */
  fizzled?: boolean;
}

/** Every widget of every (account, region), and the calls the task made to the service. */
export class WidgetWorld {
  private readonly places = new Map<string, Map<string, Widget>>();
  /** `List account/region`, `Warm id`, `Cool id`, in call order. */
  readonly calls: string[] = [];
  /** An error the service answers every call of this target with (`account/region`). */
  readonly failing = new Map<string, Error>();

  private place(target: Target): Map<string, Widget> {
    const key = `${target.accountId}/${target.region}`;
    let widgets = this.places.get(key);
    if (!widgets) {
      widgets = new Map();
      this.places.set(key, widgets);
    }
    return widgets;
  }

  put(target: Target, ...widgets: Widget[]): void {
    for (const widget of widgets) this.place(target).set(widget.id, { ...widget });
  }

  get(target: Target, id: string): Widget | undefined {
    return this.place(target).get(id);
  }

  list(target: Target): Widget[] {
    this.calls.push(`List ${target.accountId}/${target.region}`);
    const failure = this.failing.get(`${target.accountId}/${target.region}`);
    if (failure) throw failure;
    return [...this.place(target).values()].map((w) => ({ ...w }));
  }

  change(target: Target, id: string, to: 'warming' | 'cooling'): void {
    this.calls.push(`${to === 'warming' ? 'Warm' : 'Cool'} ${id}`);
    const widget = this.place(target).get(id);
    if (widget) widget.state = to;
  }

  /** Time passes: every warm-up ends hot (or fizzles back to cold), every cool-down cold. */
  settle(): void {
    for (const widgets of this.places.values()) {
      for (const widget of widgets.values()) {
        if (widget.state === 'warming') {
          widget.state = widget.fizzles ? 'cold' : 'hot';
          widget.fizzled = widget.fizzles === true;
        } else if (widget.state === 'cooling') widget.state = 'cold';
      }
    }
  }

  clear(): void {
    this.places.clear();
    this.calls.length = 0;
    this.failing.clear();
  }
}

export const widgetWorld = new WidgetWorld();

export interface WidgetClient {
  target: Target;
  world: WidgetWorld;
  destroy(): void;
}

export interface FakeSelector {
  widgetIds?: string[];
}

export const FAKE_TRANSITIONS: Transitions = {
  inTransit: { start: ['warming'], stop: ['cooling'] },
  final: { start: 'hot', stop: 'cold' },
  typicalSeconds: { start: 1200, stop: 300 },
  maxSeconds: { start: 7200, stop: 1800 },
};

/** What the target role needs for widgets: list all, warm and cool only control-tagged ones, in the stage's regions. */
export const FAKE_POLICY: PolicyFragment = {
  // The same declarations as the EC2 task's: the generator refuses two meanings of one name.
  parameters: {
    ControlTagKey: EC2_POLICY.parameters.ControlTagKey as FragmentParameter,
    Regions: EC2_POLICY.parameters.Regions as FragmentParameter,
  },
  policies: [
    {
      name: 'warm-cool-control-tagged-widgets',
      statements: [
        { Sid: 'ListWidgets', Effect: 'Allow', Action: 'fake:ListWidgets', Resource: '*' },
        {
          Sid: 'WarmCoolControlTaggedWidgets',
          Effect: 'Allow',
          Action: ['fake:WarmWidget', 'fake:CoolWidget'],
          Resource: 'arn:${AWS::Partition}:fake:*:${AWS::AccountId}:widget/*',
          Condition: {
            StringEquals: { 'aws:ResourceTag/${ControlTagKey}': '${ControlTagValue}' },
          },
        },
      ],
    },
    {
      name: 'only-widgets-in-the-stage-regions',
      statements: [
        {
          Sid: 'DenyWidgetsOutsideTheStageRegions',
          Effect: 'Deny',
          Action: ['fake:ListWidgets', 'fake:WarmWidget', 'fake:CoolWidget'],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': '${Regions}' } },
        },
      ],
    },
  ],
  requiredActions: ['fake:ListWidgets', 'fake:WarmWidget', 'fake:CoolWidget'],
  tagScopedActions: ['fake:WarmWidget', 'fake:CoolWidget'],
};

const FINAL = FAKE_TRANSITIONS.final;

export const fakeTask: Task<WidgetClient, FakeSelector, Widget> = {
  name: FAKE_TASK,
  resourceType: FAKE_TYPE,
  selectorShape: {
    widgetIds: z.optional(
      z.array(z.string().check(z.regex(/^w-[a-z0-9]+$/, 'is not a widget ID (w-...)'))),
    ),
  },
  policy: FAKE_POLICY,
  transitions: FAKE_TRANSITIONS,
  readSelector: (fields) => {
    const ids = fields.widgetIds as string[] | undefined;
    return ids ? { widgetIds: [...ids] } : {};
  },
  requestedIds: (selector) => selector.widgetIds ?? [],
  clientFor: (target) => ({ target, world: widgetWorld, destroy() {} }),

  async select(client, request, context) {
    const found = client.world
      .list(client.target)
      .filter((w) => !request.widgetIds || request.widgetIds.includes(w.id));
    const tagged = (w: Widget) => w.tags[context.controlTag.key] === context.controlTag.value;
    return {
      selected: found.filter(tagged),
      skipped: found
        .filter((w) => !tagged(w))
        .map((w) => ({
          id: w.id,
          currentState: w.state,
          outcome: 'skipped',
          reason: 'missing the control tag',
        })),
      foundIds: found.map((w) => w.id),
    };
  },

  changeCount: (selected, request) => {
    if (request.action === 'status') return 0;
    const final = FINAL[request.action];
    return selected.filter((w) => w.state !== final).length;
  },

  status: (selected) =>
    selected.map(
      (w): ResourceOutcome => ({
        id: w.id,
        currentState: w.state,
        outcome: 'unchanged',
        ...(w.state === 'cold' && w.fizzled
          ? { code: 'Fizzled', reason: 'last change: the warm-up fizzled' }
          : {}),
      }),
    ),

  startFellBack: (status) => status.code === 'Fizzled',

  diagnose: (err) => {
    const code = errorCode(err);
    if (code !== 'WidgetQuotaExceeded') return undefined;
    return {
      code,
      message: `${code}: too many widgets warming`,
      checks: ['Ask the widget service for a larger warming quota.'],
    };
  },

  async act(client, selected, request) {
    const action = request.action === 'start' ? 'start' : 'stop';
    return selected.map((w): ResourceOutcome => {
      if (w.state === FINAL[action] || FAKE_TRANSITIONS.inTransit[action].includes(w.state)) {
        return { id: w.id, currentState: w.state, outcome: 'unchanged' };
      }
      const to = action === 'start' ? 'warming' : 'cooling';
      client.world.change(client.target, w.id, to);
      return { id: w.id, previousState: w.state, currentState: to, outcome: 'changed' };
    });
  },

  // The widget service has no waiter: one look at where each changed widget stands now.
  async wait(client, _request, acted) {
    return acted.map((o) => {
      const widget = client.world.get(client.target, o.id);
      return o.outcome === 'changed' && widget ? { ...o, currentState: widget.state } : o;
    });
  },
};

/** The registry module with the fake task registered beside the real ones (see the top). */
export function registryWithFakeTask() {
  const actual = jest.requireActual(
    '../../handlers/tasks',
  ) as typeof import('../../handlers/tasks');
  return { ...actual, ...actual.registryOf([...actual.TASKS, fakeTask]) };
}

/** A widget that carries the unit tests' control tag (tests/helpers/config.ts). */
export function aWidget(id: string, state: WidgetState, over: Partial<Widget> = {}): Widget {
  return { id, state, tags: { [CONTROL_TAG.key]: CONTROL_TAG.value }, ...over };
}
