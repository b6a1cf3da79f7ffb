/**
 * The Step Functions engine as `sls package` writes it (no credentials): the Standard state
 * machine with its Distributed Map of Express children, retries on Lambda's transient errors,
 * per-item Catch, the Wait loop, and the functions it calls.
 */

import { DEFAULT_SIZING, targetsPerBatch } from '../../handlers/engine/batches';
import { ENGINE_STATE_MACHINE_ID } from '../../resources/home-stack/engine/state-machine';
import { lambdaWallMs } from '../../resources/home-stack/lambda-cpu';
import type { PackagedStage } from '../../scripts/shared/stack/package-stage';
import { packagedEngineDefinition } from '../../scripts/shared/stack/packaged-definition';
import { packaged } from '../helpers/packaged';

interface State {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Retry?: Array<{ ErrorEquals: string[] }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  ItemProcessor?: {
    ProcessorConfig: Record<string, string>;
    StartAt: string;
    States: Record<string, State>;
  };
  MaxConcurrency?: number;
  ToleratedFailurePercentage?: number;
  SecondsPath?: string;
  Next?: string;
  [field: string]: unknown;
}

/** Every state with its name, the Maps' processors (at any depth) included. */
const allStates = (states: Record<string, State>): Array<readonly [string, State]> =>
  Object.entries(states).flatMap(([name, state]) => [
    [name, state] as const,
    ...allStates(state.ItemProcessor?.States ?? {}),
  ]);

/** The Task a Distributed Map's child runs per batch (inside its inline Map of a group). */
const batchTask = (map: State | undefined) => {
  const group = map?.ItemProcessor?.States[map.ItemProcessor.StartAt];
  return group?.ItemProcessor?.States[group.ItemProcessor.StartAt];
};

/** Step Functions' retry rule on one Task: every attempt at its TimeoutSeconds, every backoff. */
interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}

/**
 * The n-th retry waits IntervalSeconds x BackoffRate^(n-1), capped by MaxDelaySeconds; FULL
 * jitter waits a random share of that, so at most that. States Language defaults:
 * IntervalSeconds 1, MaxAttempts 3, BackoffRate 2, TimeoutSeconds 60.
 */
function taskWorstSeconds(state: State): number {
  const retriers = (state.Retry ?? []) as Retrier[];
  let attempts = 1;
  let backoff = 0;
  for (const r of retriers) {
    const maxAttempts = r.MaxAttempts ?? 3;
    attempts += maxAttempts;
    for (let n = 0; n < maxAttempts; n += 1) {
      const wait = (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** n;
      backoff += Math.min(wait, r.MaxDelaySeconds ?? Number.POSITIVE_INFINITY);
    }
  }
  return attempts * (state.TimeoutSeconds ?? 60) + backoff;
}

/** The group sizes the parent cuts with States.ArrayPartition(<path>, n), read from the definition. */
function groupSizesOf(states: Record<string, State>): number[] {
  return [...JSON.stringify(states).matchAll(/States\.ArrayPartition\([^,]+, *(\d+)\)/g)].map((m) =>
    Number(m[1]),
  );
}

/**
 * Each Express child's worst case: its longest path from StartAt, a Task by its retries, a Map
 * inside it by its waves (the largest group / MaxConcurrency, 0 = all at once) of its own
 * processor's worst case.
 */
function expressChildWorstCases(states: Record<string, State>): Array<readonly [string, number]> {
  const largestGroup = Math.max(...groupSizesOf(states));
  const processorWorst = (processor: NonNullable<State['ItemProcessor']>): number => {
    const stateWorst = (name: string, seen: Set<string>): number => {
      const state = processor.States[name];
      if (!state || seen.has(name)) throw new Error(`unbounded or missing state ${name}`);
      const own =
        state.Type === 'Task'
          ? taskWorstSeconds(state)
          : state.Type === 'Map' && state.ItemProcessor
            ? Math.ceil(largestGroup / (state.MaxConcurrency || largestGroup)) *
              processorWorst(state.ItemProcessor)
            : 0;
      const nexts = [state.Next, ...(state.Catch ?? []).map((c) => c.Next)].filter(
        (n): n is string => typeof n === 'string',
      );
      return own + Math.max(0, ...nexts.map((n) => stateWorst(n, new Set([...seen, name]))));
    };
    return stateWorst(processor.StartAt, new Set());
  };
  return Object.entries(states)
    .filter(([, state]) => state.ItemProcessor?.ProcessorConfig.ExecutionType === 'EXPRESS')
    .map(
      ([name, state]) =>
        [name, processorWorst(state.ItemProcessor as NonNullable<State['ItemProcessor']>)] as const,
    );
}

describe('sls package: the Step Functions engine', () => {
  let stage: PackagedStage;
  let states: Record<string, State>;

  beforeAll(async () => {
    stage = await packaged({ stage: 'local' });
    states = (packagedEngineDefinition(stage.template) as { States: Record<string, State> }).States;
  }, 180_000);

  it('packages a Standard state machine named after the stage', () => {
    // Act
    const machine = stage.template.Resources[ENGINE_STATE_MACHINE_ID];

    // Assess
    expect(machine?.Type).toBe('AWS::StepFunctions::StateMachine');
    expect(machine?.Properties).toMatchObject({ StateMachineName: 'xacct-ec2-local-engine' });
    const type = (machine?.Properties as { StateMachineType?: string } | undefined)
      ?.StateMachineType;
    expect(type ?? 'STANDARD').toBe('STANDARD');
  });

  it('plans, acts through a Distributed Map of Express children, waits and re-checks, summarises', () => {
    // Act
    const flow = [
      'Plan',
      'SurveyOrAct',
      'GroupSurvey',
      'Survey',
      'AssessSurvey',
      'GroupWork',
      'Act',
      'SummariseAct',
      'DropActResults',
      'WaitOrFinish',
    ].map((name) => [name, states[name]?.Type]);

    // Assess
    expect(flow).toEqual([
      ['Plan', 'Task'],
      ['SurveyOrAct', 'Choice'],
      ['GroupSurvey', 'Pass'],
      ['Survey', 'Map'],
      ['AssessSurvey', 'Task'],
      ['GroupWork', 'Pass'],
      ['Act', 'Map'],
      ['SummariseAct', 'Task'],
      ['DropActResults', 'Pass'],
      ['WaitOrFinish', 'Choice'],
    ]);
    expect(states.WaitForTransitions).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.plan.waitSeconds',
      Next: 'GroupRecheck',
    });
    // Each child runs a group of 10 batches at once (an inline Map): 4 children at once keep
    // maxConcurrency (40) batches in flight, and the parent pays one transition per group. No
    // child's failure fails a Map: AWS fails a Map Run once failed children exceed the percentage
    // ("Tolerated failure threshold for Distributed Map state"), and at 20 children or fewer any
    // value under 100 does so on the first; the summaries count it as its group's failed items
    for (const map of [states.Survey, states.Act, states.Recheck]) {
      expect(map?.ItemProcessor?.ProcessorConfig).toEqual({
        Mode: 'DISTRIBUTED',
        ExecutionType: 'EXPRESS',
      });
      expect(map).toMatchObject({
        ItemsPath: '$.groups',
        MaxConcurrency: 4,
        ToleratedFailurePercentage: 100,
      });
      const group = map?.ItemProcessor?.States[map.ItemProcessor.StartAt];
      expect(group).toMatchObject({
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 10,
        ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' } },
      });
    }
    expect(
      ['GroupSurvey', 'GroupWork', 'GroupRecheck'].map(
        (name) => (states[name]?.Parameters as Record<string, string> | undefined)?.['groups.$'],
      ),
    ).toEqual([
      'States.ArrayPartition($.plan.batches, 10)',
      'States.ArrayPartition($.plan.work, 10)',
      'States.ArrayPartition($.report.pending, 10)',
    ]);
  });

  it('surveys a start or stop before it acts, and acts only on the items the guard approved', () => {
    // Prepare
    const survey = states.Survey as State & {
      ItemsPath?: string;
      ItemSelector?: Record<string, unknown>;
    };
    const act = states.Act as State & { ItemsPath?: string };

    // Assess: status runs and dry runs go straight to Act (the plan's `survey` is false)
    expect(states.SurveyOrAct).toMatchObject({
      Choices: [{ Variable: '$.plan.survey', BooleanEquals: true, Next: 'GroupSurvey' }],
      Default: 'GroupWork',
    });
    expect(survey).toMatchObject({ ItemsPath: '$.groups', Next: 'AssessSurvey' });
    expect(survey.ItemProcessor?.States.SurveyGroup).toMatchObject({
      ItemSelector: { phase: 'survey', 'item.$': '$$.Map.Item.Value' },
    });
    // The guard's verdict replaces the plan, with the approved work items (none when refused).
    expect(states.AssessSurvey).toMatchObject({
      Resource: 'arn:aws:lambda:eu-west-1:111111111111:function:EngineSummariseLambdaFunction',
      Parameters: {
        phase: 'survey',
        'plan.$': '$.plan',
        'results.$': '$.surveyed',
        'items.$': '$.groups',
      },
      ResultPath: '$.plan',
      Next: 'GroupWork',
    });
    expect(act.ItemsPath).toBe('$.groups');
    expect(states.Finish).toMatchObject({
      Parameters: {
        'blastRadius.$': '$.report.blastRadius',
        'refusedItems.$': '$.report.refusedItems',
      },
    });
  });

  it("retries AWS's recommended Lambda errors (bp-lambda-serviceexception) and throttling on every Lambda task", () => {
    // Prepare: every Task of the parent and of the Maps' children that invokes a function
    const lambdaTasks = allStates(states).filter(
      ([, state]) => state.Type === 'Task' && state.Resource?.includes(':function:'),
    );

    // Act
    const retried = lambdaTasks.map(([name, state]) => [
      name,
      (state.Retry ?? []).flatMap((r) => r.ErrorEquals).sort(),
    ]);

    // Assess
    expect(lambdaTasks).toHaveLength(9);
    const expected = [
      'Lambda.AWSLambdaException',
      'Lambda.ClientExecutionTimeoutException',
      'Lambda.SdkClientException',
      'Lambda.ServiceException',
      'Lambda.TooManyRequestsException',
    ];
    expect(retried).toEqual(lambdaTasks.map(([name]) => [name, expected]));
  });

  it('retries every other integration on any task failure: EventBridge fails as EventBridge.FailedEntry or EventBridge.<exception> (connect-eventbridge), never as a Lambda error', () => {
    // Prepare: every Task that invokes no function (today the last resort's events:putEvents)
    const otherTasks = allStates(states).filter(
      ([, state]) => state.Type === 'Task' && !state.Resource?.includes(':function:'),
    );

    // Act
    const retried = otherTasks.map(([name, state]) => [
      name,
      (state.Retry ?? []).flatMap((r) => r.ErrorEquals).sort(),
    ]);

    // Assess
    expect(otherTasks.map(([name]) => name)).toEqual(['LastResortSummary']);
    expect(retried).toEqual([['LastResortSummary', ['States.TaskFailed']]]);
  });

  it("keeps each Express child's worst case (every attempt at its TimeoutSeconds, every backoff) inside 5 minutes", () => {
    // Act: each child's longest path, every Map inside it at its waves
    const worst = expressChildWorstCases(states);

    // Assess: a child past 5 minutes fails at the execution level, where its Catch cannot see it;
    // each child runs a group of 10 batches at once, so its worst case is one batch's
    expect(groupSizesOf(states)).toEqual([10, 10, 10]);
    expect(worst).toEqual([
      ['Survey', 294],
      ['Act', 294],
      ['Recheck', 294],
    ]);
    for (const [, seconds] of worst) expect(seconds).toBeLessThanOrEqual(300);
  });

  it('the worst-case check catches each way a child could pass 5 minutes (planted)', () => {
    // Prepare: the packaged definition with one mistake planted in the Act child each time
    const planted = (
      plant: (
        copy: Record<string, State>,
        group: State,
        task: State & { Retry?: Retrier[] },
      ) => void,
    ) => {
      const copy = structuredClone(states);
      const processor = copy.Act?.ItemProcessor as NonNullable<State['ItemProcessor']>;
      const group = processor.States[processor.StartAt] as State;
      const inner = group.ItemProcessor as NonNullable<State['ItemProcessor']>;
      plant(copy, group, inner.States[inner.StartAt] as State);
      return new Map(expressChildWorstCases(copy)).get('Act');
    };

    // Act
    const fewerAtOnce = planted((_copy, group) => {
      group.MaxConcurrency = 5;
    });
    const largerGroups = planted((copy) => {
      const parameters = copy.GroupWork?.Parameters as Record<string, string>;
      parameters['groups.$'] = 'States.ArrayPartition($.plan.work, 20)';
    });
    const moreRetries = planted((_copy, _group, task) => {
      const [retrier] = task.Retry ?? [];
      if (retrier) retrier.MaxAttempts = 4;
    });
    const longerTask = planted((_copy, _group, task) => {
      task.TimeoutSeconds = 75;
    });

    // Assess: 2 waves of 294 s; 2 waves; 5 attempts x 70 + (2 + 4 + 8 + 8) s; 4 x 75 + 14 s
    expect([fewerAtOnce, largerGroups, moreRetries, longerTask]).toEqual([588, 588, 372, 314]);
  });

  it('ends every failed phase with the run summary, marked failed, then fails the execution', () => {
    // Assess: the plan, each Map (failing as a whole) and each summary step goes to its phase's failure
    const catchOf = (name: string) => states[name]?.Catch?.[0];
    expect(
      ['Plan', 'Survey', 'AssessSurvey', 'Act', 'SummariseAct', 'Recheck', 'SummariseRecheck'].map(
        (name) => [name, catchOf(name)?.ErrorEquals, catchOf(name)?.Next],
      ),
    ).toEqual([
      ['Plan', ['States.ALL'], 'PlanFailed'],
      ['Survey', ['States.ALL'], 'SurveyFailed'],
      ['AssessSurvey', ['States.ALL'], 'SurveyFailed'],
      ['Act', ['States.ALL'], 'ActFailed'],
      ['SummariseAct', ['States.ALL'], 'ActFailed'],
      ['Recheck', ['States.ALL'], 'RecheckFailed'],
      ['SummariseRecheck', ['States.ALL'], 'RecheckFailed'],
    ]);
    for (const phase of ['SurveyFailed', 'ActFailed', 'RecheckFailed']) {
      expect(states[phase]).toMatchObject({ Type: 'Pass', Next: 'SummariseFailure' });
    }
    expect(states.SummariseFailure).toMatchObject({
      Resource: 'arn:aws:lambda:eu-west-1:111111111111:function:EngineSummariseLambdaFunction',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'LastResortSummary' }],
      Next: 'RunFailed',
    });
    expect(states.LastResortSummary).toMatchObject({
      Resource: 'arn:aws:states:::events:putEvents',
      Catch: [
        { ErrorEquals: ['States.ALL'], ResultPath: '$.lastResortFailure', Next: 'RunFailed' },
      ],
      Next: 'RunFailed',
    });
    expect(states.PlanFailed).toMatchObject({
      Resource: 'arn:aws:lambda:eu-west-1:111111111111:function:EngineSummariseLambdaFunction',
      Parameters: { phase: 'plan-failed', 'execution.$': '$$.Execution.Input' },
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'RunFailed' }],
      Next: 'RunFailed',
    });
    expect(states.RunFailed).toMatchObject({ Type: 'Fail', ErrorPath: '$.failure.Error' });
    // The class, not only the list: every Task or Map of the parent catches every error, so no
    // state added later can fail the run without its summary.
    const uncaught = Object.entries(states)
      .filter(([, state]) => state.Type === 'Task' || state.Type === 'Map')
      .filter(([, state]) => !state.Catch?.some((c) => c.ErrorEquals.includes('States.ALL')))
      .map(([name]) => name);
    expect(uncaught).toEqual([]);
  });

  it('bounds the run with a top-level TimeoutSeconds, so its timed-out alarm can fire', () => {
    // Act
    const definition = packagedEngineDefinition(stage.template) as { TimeoutSeconds?: number };

    // Assess: 22 Map phases (survey, act, 20 re-checks) x 5 waves (20 children, 4 at once) x 300 s,
    // + the slowest registered task's 20 Waits (an RDS start may take 4 h: 14,400 s / 20 = 720 s) + 1 h
    expect(definition.TimeoutSeconds).toBe(22 * 5 * 300 + 20 * 720 + 3600);
  });

  it("allows redriving the Map Runs: states:RedriveExecution on each Map's child executions", () => {
    // Prepare
    const machine = stage.template.Resources[ENGINE_STATE_MACHINE_ID];
    const properties = machine?.Properties as
      | { RoleArn?: { 'Fn::GetAtt'?: [string, string] } }
      | undefined;
    const roleId = properties?.RoleArn?.['Fn::GetAtt']?.[0];
    const role = JSON.stringify(stage.template.Resources[roleId ?? '']?.Properties);

    // Assess: Step Functions Developer Guide, "IAM policies for using Distributed Map states"
    expect(role).toContain('states:RedriveExecution');
    expect(role).toContain(':execution:xacct-ec2-local-engine/*:*');
    for (const label of ['Survey', 'Act', 'Recheck']) {
      expect(states[label]).toMatchObject({ Label: label });
    }
  });

  it('catches every failed item', () => {
    // Prepare
    const children = [states.Survey, states.Act, states.Recheck].map(batchTask);

    // Assess
    for (const child of children) {
      expect(child?.Catch?.[0]?.ErrorEquals).toEqual(['States.ALL']);
    }
    expect(children.map((c) => c?.Resource)).toEqual([
      'arn:aws:lambda:eu-west-1:111111111111:function:EngineWorkLambdaFunction',
      'arn:aws:lambda:eu-west-1:111111111111:function:EngineWorkLambdaFunction',
      'arn:aws:lambda:eu-west-1:111111111111:function:EngineRecheckLambdaFunction',
    ]);
  });

  it("lets every Task state wait exactly as long as its function may run: its timeout plus Lambda's 10 s Init limit (execution environment lifecycle)", () => {
    // Prepare: every Task of the parent and of the Maps' children, with the function it calls
    const tasks = allStates(states);

    // Act
    const pairs = tasks
      .filter(([, state]) => state.Type === 'Task' && state.Resource?.includes(':function:'))
      .map(([name, state]) => {
        const logicalId = state.Resource?.split(':function:')[1] ?? '';
        const fn = stage.template.Resources[logicalId]?.Properties as { Timeout?: number };
        return { name, task: state.TimeoutSeconds, function: fn?.Timeout };
      });

    // Assess: without it the States Language default (60 s) applies, whatever the function's timeout
    expect(pairs.map((p) => p.name).sort()).toEqual(
      [
        'AssessSurvey',
        'Plan',
        'PlanFailed',
        'RecheckBatch',
        'SummariseAct',
        'SummariseFailure',
        'SummariseRecheck',
        'SurveyBatch',
        'Work',
      ].sort(),
    );
    for (const pair of pairs) expect(pair).toEqual({ ...pair, task: (pair.function ?? 0) + 10 });
    expect(pairs.every((p) => typeof p.function === 'number')).toBe(true);
  });

  it("gives a full batch's CPU, at the workers' share of a vCPU, room inside their timeout less the reserve", () => {
    // Prepare: the sizing's budget and a full batch (targets x calls x CPU per call, on one core)
    const { reserveMillis } = JSON.parse(stage.bundledConfigJson) as { reserveMillis: number };
    const batchCpuMs =
      targetsPerBatch() * DEFAULT_SIZING.callsPerTarget * DEFAULT_SIZING.cpuMsPerCall;
    const workers = ['EngineWorkLambdaFunction', 'EngineRecheckLambdaFunction'].map(
      (id) => stage.template.Resources[id]?.Properties as { MemorySize: number; Timeout: number },
    );

    // Assess: Lambda gives CPU in proportion to memory (lambdaWallMs)
    for (const fn of workers) {
      const roomMs = fn.Timeout * 1000 - reserveMillis;
      expect(lambdaWallMs(DEFAULT_SIZING.workerCpuBudgetMs, fn.MemorySize)).toBeLessThanOrEqual(
        roomMs,
      );
      expect(lambdaWallMs(batchCpuMs, fn.MemorySize)).toBeLessThanOrEqual(roomMs);
    }
  });

  it('gives the engine functions their sizes, and only the workers may assume target roles', () => {
    // Prepare
    const fn = (id: string) => stage.template.Resources[id]?.Properties as Record<string, unknown>;
    const role = JSON.stringify(stage.template.Resources.IamRoleLambdaExecution?.Properties);

    // Assess
    expect(fn('EngineWorkLambdaFunction')).toMatchObject({ MemorySize: 256, Timeout: 60 });
    expect(fn('EngineRecheckLambdaFunction')).toMatchObject({ MemorySize: 256, Timeout: 60 });
    expect(fn('EnginePlanLambdaFunction')).toMatchObject({
      Environment: {
        Variables: expect.objectContaining({ ENGINE_MAX_CHECKS: '20', ENGINE_WAIT_SECONDS: '30' }),
      },
    });
    expect(role).toContain('xacct-ec2-local-engineWork');
    expect(role).toContain('xacct-ec2-local-engineRecheck');
    expect(role).not.toContain('xacct-ec2-local-enginePlan');
  });

  it('gives the starter its own role: it may start the engine, never assume a target role', () => {
    // Prepare
    const starter = stage.template.Resources.EngineStartLambdaFunction?.Properties as Record<
      string,
      unknown
    >;
    const policies = (
      stage.template.Resources.EngineStartRole?.Properties as { Policies?: unknown }
    )?.Policies;
    const role = JSON.stringify(policies);

    // Assess
    expect(starter).toMatchObject({
      Role: { 'Fn::GetAtt': ['EngineStartRole', 'Arn'] },
      Environment: { Variables: { ENGINE_STATE_MACHINE_ARN: { Ref: ENGINE_STATE_MACHINE_ID } } },
    });
    expect(role).toContain(
      '"Action":"states:StartExecution","Resource":{"Ref":"EngineStateMachine"}',
    );
    expect(role).not.toContain('sts:AssumeRole"');
    expect(role).not.toMatch(/"Resource":"\*"/);
  });

  it('lets the summary step and the starter send run events: PutEvents on the default bus only; plan writes its logs and nothing else', () => {
    // Prepare
    const fn = (id: string) => stage.template.Resources[id]?.Properties as Record<string, unknown>;
    const statements = (id: string) =>
      (
        (stage.template.Resources[id]?.Properties ?? {}) as {
          Policies?: Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }>;
        }
      ).Policies?.flatMap((p) => p.PolicyDocument.Statement) ?? [];

    // Act
    const summarise = statements('EngineSummariseRole');
    const start = statements('EngineStartRole');
    const plan = statements('EngineLogsOnlyRole');

    // Assess
    expect(fn('EngineSummariseLambdaFunction')).toMatchObject({
      Role: { 'Fn::GetAtt': ['EngineSummariseRole', 'Arn'] },
    });
    expect(fn('EnginePlanLambdaFunction')).toMatchObject({
      Role: { 'Fn::GetAtt': ['EngineLogsOnlyRole', 'Arn'] },
    });
    expect(summarise.map((s) => s.Action)).toEqual([
      'events:PutEvents',
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
    ]);
    expect(summarise[0]?.Resource).toEqual({
      'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default`,
    });
    // The starter's only event is the Run Summary of a run it skips (holiday, excluded date).
    const startEvents = start.filter((s) => JSON.stringify(s.Action).includes('events:'));
    expect(startEvents).toEqual([summarise[0]]);
    expect(JSON.stringify(summarise)).toContain('xacct-ec2-local-engineSummarise');
    expect(JSON.stringify(plan)).not.toContain('events:');
    expect(JSON.stringify(plan)).not.toContain('engineSummarise');
  });

  it('hands the summary step the run (execution name, start, origin) and the workers its ID', () => {
    // Act
    const params = (name: string) =>
      (states[name] as unknown as { Parameters: Record<string, unknown> }).Parameters;
    const selector = (states.Act as unknown as { ItemSelector: Record<string, unknown> })
      .ItemSelector;

    // Assess
    expect(params('Plan')).toMatchObject({
      'executionName.$': '$$.Execution.Name',
      'startedAt.$': '$$.Execution.StartTime',
    });
    expect(params('SummariseAct')).toMatchObject({ 'run.$': '$.plan.run' });
    expect(params('SummariseRecheck')).toMatchObject({ 'run.$': '$.plan.run' });
    expect(selector).toMatchObject({ 'runId.$': '$.plan.run.id' });
  });
});
