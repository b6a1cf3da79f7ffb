/**
 * The Step Functions engine's state machine (Amazon States Language), as serverless-step-functions
 * takes it: a Standard parent that plans, fans the work items out through a Distributed Map of
 * Express children, waits in Wait states and re-checks with describe-only children, and
 * summarises. handlers/engine/README.md explains the design; the package test reads it back from
 * the packaged CloudFormation, and the integration test runs that packaged definition locally.
 */
import { DEFAULT_SIZING } from '../../../handlers/engine/batches';
import {
  DETAIL_TYPES,
  EVENT_SCHEMA_VERSION,
  eventSource,
} from '../../../handlers/signals/contract';
import type { CfnValue } from '../schedules/cfn';

/** Work items one run may have (handlers/engine/batches.ts). */
const MAX_BATCHES = DEFAULT_SIZING.maxBatches;

export interface EngineOptions {
  service: string;
  stage: string;
  /** Work items (batches) in flight at once: childConcurrency(maxConcurrency) children of BATCHES_PER_CHILD. */
  maxConcurrency: number;
  /** Children (groups of items) that may fail at the execution level before the Map fails. */
  toleratedFailurePercentage: number;
  /** Re-check rounds at most and seconds between them (custom.engine): bound the run's time. */
  maxChecks: number;
  waitSeconds: number;
}

/** CloudFormation logical IDs of the engine's functions (osls: <Name>LambdaFunction). */
export const ENGINE_FUNCTIONS = {
  Plan: 'EnginePlanLambdaFunction',
  // The survey runs in the work function: it reaches the targets with the same role and
  // AssumeRole condition (lambda:SourceFunctionArn), so no new function needs that trust.
  SurveyBatch: 'EngineWorkLambdaFunction',
  AssessSurvey: 'EngineSummariseLambdaFunction',
  Work: 'EngineWorkLambdaFunction',
  RecheckBatch: 'EngineRecheckLambdaFunction',
  SummariseAct: 'EngineSummariseLambdaFunction',
  SummariseRecheck: 'EngineSummariseLambdaFunction',
  SummariseFailure: 'EngineSummariseLambdaFunction',
} as const;

export const ENGINE_STATE_MACHINE_ID = 'EngineStateMachine';

/**
 * Errors retried on every Lambda task: AWS's recommended set (Step Functions Developer Guide,
 * "Handle transient Lambda service exceptions", bp-lambda-serviceexception) plus throttling.
 */
export const LAMBDA_RETRIED_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Tasks of the Standard parent: no 5-minute limit, so up to six retries over about two minutes. */
const parentRetry = [
  {
    ErrorEquals: LAMBDA_RETRIED_ERRORS,
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
    MaxDelaySeconds: 60,
    JitterStrategy: 'FULL',
  },
];

/**
 * Tasks of an Express child: its worst case, every attempt running to TimeoutSeconds plus every
 * backoff (2 + 4 + 8 s), must stay inside Express's hard 5 minutes, since a child that exceeds
 * it fails at the execution level, where its own Catch does not see it (Distributed Map docs).
 * 4 x 60 s + 14 s = 254 s; tests/package/engine.test.ts computes it from the package.
 */
const childRetry = [
  {
    ErrorEquals: LAMBDA_RETRIED_ERRORS,
    IntervalSeconds: 2,
    MaxAttempts: 3,
    BackoffRate: 2,
    MaxDelaySeconds: 8,
    JitterStrategy: 'FULL',
  },
];

/** Express workflows' hard limit on one execution (Step Functions quotas). */
export const EXPRESS_MAX_SECONDS = 300;

/**
 * Work items (batches) one Express child runs, in parallel through an inline Map. A Standard
 * parent pays a state transition for every child its Distributed Map starts ($0.025 per 1,000),
 * while an Express child pays per request and duration, not per transition (AWS Step Functions
 * pricing, aws.amazon.com/step-functions/pricing): ten batches per child cut the
 * children, and so the parent's transitions, tenfold. The batches run at once, so a child lasts
 * as long as its slowest batch and its worst case stays one batch's (tests/package/engine.test.ts
 * computes it from the package).
 */
export const BATCHES_PER_CHILD = 10;

const lambda = (logicalId: string): CfnValue => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/**
 * Each Task waits as long as its function may run (serverless.yml `timeout`), and no longer.
 * Without TimeoutSeconds the States Language default is 60 s, which aws-local-stepfunctions
 * applies: a slow worker would be cut off and caught while its Lambda still had minutes left.
 * The children's 60 s: a work item of 50 targets needs about 150 calls, under a second of CPU at
 * 1024 MB (the bench's worker CPU per call) and a few seconds of latency; 60 s minus the stage's
 * 20 s reserve leaves 40 s for EC2's pacing before a target is reported not processed.
 */
export const TASK_TIMEOUT_SECONDS = {
  Plan: 30,
  SurveyBatch: 60,
  Work: 60,
  RecheckBatch: 60,
  Summarise: 30,
};

/**
 * One Express child per group of up to BATCHES_PER_CHILD items: an inline Map runs them all at
 * once, each its task, retried, and a Catch that reports the item as failed. The child returns
 * one result per item, in the group's order.
 */
function itemProcessor(
  taskName: 'SurveyBatch' | 'Work' | 'RecheckBatch',
  logicalId: string,
  /** What each batch's task receives besides the request, origin and run ID. */
  itemFields: Record<string, string>,
  /** Where the task's input holds the batch index (Survey and Act items are `{ item }`). */
  batchPath: string,
) {
  const failedName = `${taskName}Failed`;
  // State names are unique across the whole definition, nested processors included.
  const groupName = `${taskName.replace(/Batch$/, '')}Group`;
  return {
    ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
    StartAt: groupName,
    States: {
      [groupName]: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemSelector: {
          ...itemFields,
          'request.$': '$.request',
          'origin.$': '$.origin',
          'runId.$': '$.runId',
        },
        // Every batch of the group at once: the child's worst case is one batch's.
        MaxConcurrency: BATCHES_PER_CHILD,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: taskName,
          States: {
            [taskName]: {
              Type: 'Task',
              Resource: lambda(logicalId),
              TimeoutSeconds: TASK_TIMEOUT_SECONDS[taskName],
              Retry: childRetry,
              Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: failedName }],
              End: true,
            },
            [failedName]: {
              Type: 'Pass',
              Parameters: { 'batch.$': batchPath, failedItem: { 'error.$': '$.caught.Error' } },
              End: true,
            },
          },
        },
        End: true,
      },
    },
  };
}

/** A child's input: its group of items and what every batch needs. */
const groupSelector = {
  'items.$': '$$.Map.Item.Value',
  'request.$': '$.request',
  'origin.$': '$.plan.origin',
  'runId.$': '$.plan.run.id',
};
/** Survey and Act items whole: an Act item carries its approved count once surveyed. */
const wholeItem = { 'item.$': '$$.Map.Item.Value' };
/** A re-check item is its batch index. */
const batchOfItem = { 'batch.$': '$$.Map.Item.Value.batch' };
/** The items cut into the children's groups (AWS's States.ArrayPartition intrinsic). */
const groupsOf = (path: string) => `States.ArrayPartition(${path}, ${BATCHES_PER_CHILD})`;

/** What every state after the plan carries: the request, the plan and the report so far. */
const carried = { 'request.$': '$.request', 'plan.$': '$.plan', 'report.$': '$.report' };

export function engineDefinition(options: EngineOptions) {
  const map = (
    label: MapLabel,
    processor: ReturnType<typeof itemProcessor>,
    next: string,
    resultPath: string,
  ) => ({
    Type: 'Map',
    // The Map Run's name, and so the execution ARNs of its children (the redrive permission).
    Label: label,
    // The groups a Pass state cut before it; the summary reads the same groups to place results.
    ItemsPath: '$.groups',
    ItemSelector: groupSelector,
    // Children at once, so that about maxConcurrency batches run at once.
    MaxConcurrency: childConcurrency(options.maxConcurrency),
    ToleratedFailurePercentage: options.toleratedFailurePercentage,
    ItemProcessor: processor,
    ResultPath: resultPath,
    // Over its tolerance (or a child the per-item Catch cannot see) the Map fails: the run still
    // ends with its summary (below), marked failed.
    Catch: failedAt(label),
    Next: next,
  });
  return {
    Comment: `${options.service}-${options.stage}: plan, survey a start or stop and guard the whole run, act per batch (Distributed Map, Express children), wait and re-check, summarise`,
    // A Standard execution may otherwise run a year: the engine's timed-out alarm could never fire.
    TimeoutSeconds: runTimeoutSeconds(options),
    StartAt: 'Plan',
    States: {
      Plan: {
        Type: 'Task',
        Resource: lambda(ENGINE_FUNCTIONS.Plan),
        TimeoutSeconds: TASK_TIMEOUT_SECONDS.Plan,
        // The whole input too: its optional `origin` names who started the run.
        Parameters: {
          'request.$': '$.request',
          'execution.$': '$$.Execution.Input',
          // The run's ID and start in its one run-level summary (handlers/signals/SIGNALS.md).
          'executionName.$': '$$.Execution.Name',
          'startedAt.$': '$$.Execution.StartTime',
        },
        ResultPath: '$.plan',
        Retry: parentRetry,
        Next: 'SurveyOrAct',
      },
      // A start or stop that acts is counted first, so the guard sees the whole run.
      SurveyOrAct: {
        Type: 'Choice',
        Choices: [{ Variable: '$.plan.survey', BooleanEquals: true, Next: 'GroupSurvey' }],
        Default: 'GroupWork',
      },
      GroupSurvey: {
        Type: 'Pass',
        Parameters: {
          'request.$': '$.request',
          'plan.$': '$.plan',
          'groups.$': groupsOf('$.plan.batches'),
        },
        Next: 'Survey',
      },
      Survey: map(
        'Survey',
        itemProcessor(
          'SurveyBatch',
          ENGINE_FUNCTIONS.SurveyBatch,
          { phase: 'survey', ...wholeItem },
          '$.item.batch',
        ),
        'AssessSurvey',
        '$.surveyed',
      ),
      // The plan comes back with its guard decided and its work items approved (none if refused).
      AssessSurvey: {
        Type: 'Task',
        Resource: lambda(ENGINE_FUNCTIONS.AssessSurvey),
        TimeoutSeconds: TASK_TIMEOUT_SECONDS.Summarise,
        Parameters: {
          phase: 'survey',
          'plan.$': '$.plan',
          'results.$': '$.surveyed',
          'items.$': '$.groups',
        },
        ResultPath: '$.plan',
        Retry: parentRetry,
        Catch: failedAt('Survey'),
        Next: 'GroupWork',
      },
      // Drops the collected survey results, and cuts the (approved) work items into groups.
      GroupWork: {
        Type: 'Pass',
        Parameters: {
          'request.$': '$.request',
          'plan.$': '$.plan',
          'groups.$': groupsOf('$.plan.work'),
        },
        Next: 'Act',
      },
      // A refused run has no work items: Act starts no child, and Finish reports the refusal.
      Act: map(
        'Act',
        itemProcessor('Work', ENGINE_FUNCTIONS.Work, wholeItem, '$.item.batch'),
        'SummariseAct',
        '$.acted',
      ),
      SummariseAct: {
        Type: 'Task',
        Resource: lambda(ENGINE_FUNCTIONS.SummariseAct),
        TimeoutSeconds: TASK_TIMEOUT_SECONDS.Summarise,
        Parameters: {
          phase: 'act',
          'action.$': '$.plan.action',
          'maxChecks.$': '$.plan.maxChecks',
          'results.$': '$.acted',
          'items.$': '$.groups',
          'guard.$': '$.plan.guard',
          'run.$': '$.plan.run',
        },
        ResultPath: '$.report',
        Retry: parentRetry,
        Catch: failedAt('Act'),
        Next: 'DropActResults',
      },
      // The collected item results have been summarised: do not carry them any further.
      DropActResults: { Type: 'Pass', Parameters: carried, Next: 'WaitOrFinish' },
      WaitOrFinish: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.report.waitMore', BooleanEquals: true, Next: 'WaitForTransitions' },
        ],
        Default: 'Finish',
      },
      WaitForTransitions: { Type: 'Wait', SecondsPath: '$.plan.waitSeconds', Next: 'GroupRecheck' },
      // Reached only while batches are pending: the groups are never cut from an empty list.
      GroupRecheck: {
        Type: 'Pass',
        Parameters: { ...carried, 'groups.$': groupsOf('$.report.pending') },
        Next: 'Recheck',
      },
      Recheck: map(
        'Recheck',
        itemProcessor('RecheckBatch', ENGINE_FUNCTIONS.RecheckBatch, batchOfItem, '$.batch'),
        'SummariseRecheck',
        '$.rechecked',
      ),
      SummariseRecheck: {
        Type: 'Task',
        Resource: lambda(ENGINE_FUNCTIONS.SummariseRecheck),
        TimeoutSeconds: TASK_TIMEOUT_SECONDS.Summarise,
        Parameters: {
          phase: 'recheck',
          'maxChecks.$': '$.plan.maxChecks',
          'previous.$': '$.report',
          'results.$': '$.rechecked',
          'items.$': '$.groups',
          'run.$': '$.plan.run',
        },
        ResultPath: '$.report',
        Retry: parentRetry,
        Catch: failedAt('Recheck'),
        Next: 'DropRecheckResults',
      },
      DropRecheckResults: { Type: 'Pass', Parameters: carried, Next: 'WaitOrFinish' },
      Finish: {
        Type: 'Pass',
        Parameters: {
          'execution.$': '$$.Execution.Name',
          'action.$': '$.report.action',
          'origin.$': '$.plan.origin',
          'targets.$': '$.plan.targets',
          'batches.$': 'States.ArrayLength($.plan.batches)',
          'checks.$': '$.report.checks',
          'summary.$': '$.report.summary',
          'failures.$': '$.report.failures',
          'failuresTotal.$': '$.report.failuresTotal',
          'failedItems.$': '$.report.failedItems',
          // Decided by AssessSurvey (a start or stop) or SummariseAct (a dry run), carried by the report.
          'blastRadius.$': '$.report.blastRadius',
          'refusedItems.$': '$.report.refusedItems',
        },
        End: true,
      },
      ...failureStates(options),
    },
  };
}

const MAP_LABELS = ['Survey', 'Act', 'Recheck'] as const;
type MapLabel = (typeof MAP_LABELS)[number];

/** Where a failed phase goes: its failure kept beside the state it failed in. */
const failedAt = (phase: MapLabel) => [
  { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: `${phase}Failed` },
];

/**
 * The run's end when a phase failed (a Map over its tolerance, a summary step that failed after
 * its retries): SummariseFailure sends the Run Summary, run metrics and heartbeat marked failed
 * with what failed, from the plan alone (the collected results may be what broke it); then the
 * execution fails with the original error, so the failed-executions alarm fires too. Should that
 * summary fail as well, the last resort sends a Run Summary straight from Step Functions
 * (EventBridge's PutEvents integration), without Lambda.
 */
function failureStates(options: EngineOptions) {
  const failed = (phase: MapLabel, withReport: boolean) => ({
    Type: 'Pass',
    Parameters: {
      phase: 'failed',
      failedAt: phase,
      'failure.$': '$.failure',
      'action.$': '$.plan.action',
      'run.$': '$.plan.run',
      // Re-checks follow a summary: what it counted so far still holds.
      ...(withReport ? { 'previous.$': '$.report' } : {}),
    },
    Next: 'SummariseFailure',
  });
  return {
    SurveyFailed: failed('Survey', false),
    ActFailed: failed('Act', false),
    RecheckFailed: failed('Recheck', true),
    SummariseFailure: {
      Type: 'Task',
      Resource: lambda(ENGINE_FUNCTIONS.SummariseFailure),
      TimeoutSeconds: TASK_TIMEOUT_SECONDS.Summarise,
      ResultPath: '$.report',
      Retry: parentRetry,
      Catch: [
        { ErrorEquals: ['States.ALL'], ResultPath: '$.lastResort', Next: 'LastResortSummary' },
      ],
      Next: 'RunFailed',
    },
    LastResortSummary: {
      Type: 'Task',
      Resource: 'arn:aws:states:::events:putEvents',
      Parameters: {
        Entries: [
          {
            Source: eventSource(options.service),
            DetailType: DETAIL_TYPES.runSummary,
            Detail: {
              schemaVersion: EVENT_SCHEMA_VERSION,
              // runSummaryEventId: the same as a summary the failed step may have sent first.
              'eventId.$': "States.Format('{}/run-summary', $.run.id)",
              stage: options.stage,
              'runId.$': '$.run.id',
              'requestedAction.$': '$.action',
              'dryRun.$': '$.run.dryRun',
              outcome: 'failed',
              'origin.$': '$.run.origin',
              'startedAt.$': '$.run.startedAt',
              // Unknown here: no counts are claimed, the failure says what broke.
              failedAt: 'SummariseFailure',
              'failure.$': '$.failure',
              'summaryFailure.$': '$.lastResort',
            },
          },
        ],
      },
      ResultPath: null,
      Retry: parentRetry,
      Next: 'RunFailed',
    },
    RunFailed: { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
  };
}

/**
 * The whole run's limit: each Map phase (survey, act, every re-check round) at its worst (all
 * 200 items, 20 children in waves of childConcurrency, each child at its 5-minute limit), the Waits, and an hour
 * for Plan and the summaries. A run past it is stuck, and its timed-out alarm says so.
 */
export function runTimeoutSeconds(
  options: Pick<EngineOptions, 'maxConcurrency' | 'maxChecks' | 'waitSeconds'>,
): number {
  const children = Math.ceil(MAX_BATCHES / BATCHES_PER_CHILD);
  const waves = Math.ceil(children / childConcurrency(options.maxConcurrency));
  const mapPhases = 2 + options.maxChecks;
  return mapPhases * waves * EXPRESS_MAX_SECONDS + options.maxChecks * options.waitSeconds + 3600;
}

/** Children a Distributed Map runs at once: about `maxConcurrency` batches in flight. */
export function childConcurrency(maxConcurrency: number): number {
  return Math.max(1, Math.ceil(maxConcurrency / BATCHES_PER_CHILD));
}

/** The engine's state machine name, `<service>-<stage>-engine` (the stage switch stops its runs). */
export function engineStateMachineName(service: string, stage: string): string {
  return `${service}-${stage}-engine`;
}

/** serverless-step-functions' `stepFunctions.stateMachines` block. */
export function engineStateMachines(options: EngineOptions) {
  return {
    engine: {
      /** A stable logical ID: the package test and the local run find the definition by it. */
      id: ENGINE_STATE_MACHINE_ID,
      name: engineStateMachineName(options.service, options.stage),
      type: 'STANDARD',
      // Its own role (engineRoleResources), not the one serverless-step-functions would write.
      role: { 'Fn::GetAtt': [ENGINE_STATE_MACHINE_ROLE_ID, 'Arn'] },
      definition: engineDefinition(options),
    },
  };
}

/** Logical IDs of the engine's own roles (the shared execution role is only for the workers). */
export const ENGINE_START_ROLE_ID = 'EngineStartRole';
export const ENGINE_LOGS_ONLY_ROLE_ID = 'EngineLogsOnlyRole';
export const ENGINE_SUMMARISE_ROLE_ID = 'EngineSummariseRole';
/** The role of the `http` function: it starts engine runs and reads them, nothing else. */
export const HTTP_ENGINE_RUNS_ROLE_ID = 'HttpEngineRunsRole';
/** The state machine's own role: it invokes the engine's functions and runs the Distributed Map. */
export const ENGINE_STATE_MACHINE_ROLE_ID = 'EngineStateMachineRole';

type Statement = Record<string, unknown>;

function lambdaRole(policyName: string, functionNames: string[], statements: Statement[]) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      },
      Policies: [
        {
          PolicyName: policyName,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              ...statements,
              {
                Sid: 'WriteOwnLogs',
                Effect: 'Allow',
                Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
                Resource: functionNames.map((name) => ({
                  'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${name}:*`,
                })),
              },
            ],
          },
        },
      ],
    },
  };
}

/**
 * The engine's role, as aws-cdk-lib's StateMachine with a DistributedMap writes it (checked by
 * npm run conform, scripts/conform/): trusted by states.amazonaws.com for state machines of this
 * account only (aws:SourceAccount, aws:SourceArn: confused-deputy protection); invokes the
 * engine's functions by their unqualified ARNs, as the definition names them; starts, describes
 * and stops its own child executions, and redrives its map runs (Step Functions Developer Guide,
 * "IAM policies for using Distributed Map states"). serverless-step-functions' generated role
 * lacked the trust conditions and states:RedriveExecution, and granted EventBridge rule actions
 * that only `.sync` integrations use.
 */
function stateMachineRole(engineName: string) {
  const execution = `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${engineName}`;
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'states.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:*`,
                },
              },
            },
          },
        ],
      },
      Policies: [
        {
          PolicyName: 'run-the-engine',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'InvokeEngineFunctions',
                Effect: 'Allow',
                Action: 'lambda:InvokeFunction',
                Resource: [...new Set(Object.values(ENGINE_FUNCTIONS))].map(lambda),
              },
              {
                Sid: 'StartChildExecutions',
                Effect: 'Allow',
                Action: 'states:StartExecution',
                // By name, not Ref: the state machine names this role, a Ref would be a cycle.
                Resource: {
                  'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:${engineName}`,
                },
              },
              {
                Sid: 'ReadAndStopChildExecutions',
                Effect: 'Allow',
                Action: ['states:DescribeExecution', 'states:StopExecution'],
                Resource: { 'Fn::Sub': `${execution}:*` },
              },
              {
                Sid: 'RedriveMapRuns',
                Effect: 'Allow',
                Action: 'states:RedriveExecution',
                // Each Distributed Map's children (execution:<machine>/<label>:<id>), in the form
                // aws-cdk-lib's StateMachine writes (the conform check compares the two).
                Resource: { 'Fn::Sub': `${execution}/*:*` },
              },
            ],
          },
        },
      ],
    },
  };
}

const startEngineRuns: Statement = {
  Sid: 'StartEngineRuns',
  Effect: 'Allow',
  Action: 'states:StartExecution',
  Resource: { Ref: ENGINE_STATE_MACHINE_ID },
};

/**
 * The stage's pause switch is the engine's tags (handlers/formats/stage-pause.ts): every function
 * that starts or works on a run reads them, none may write them (only the operator's switch).
 */
export const READ_PAUSE_SWITCH_SID = 'ReadStagePauseSwitch';
const readPauseSwitch: Statement = {
  Sid: READ_PAUSE_SWITCH_SID,
  Effect: 'Allow',
  Action: 'states:ListTagsForResource',
  Resource: { Ref: ENGINE_STATE_MACHINE_ID },
};

/**
 * The roles of the functions that never reach a target account: the starter may start the
 * engine; the HTTP function may start it and describe its executions; plan and summarise may
 * only write their logs. The shared execution role (and its sts:AssumeRole) stays with the
 * functions that work on targets.
 */
export function engineRoleResources(options: Pick<EngineOptions, 'service' | 'stage'>) {
  const fn = (key: string) => `${options.service}-${options.stage}-${key}`;
  return {
    Resources: {
      [ENGINE_STATE_MACHINE_ROLE_ID]: stateMachineRole(fn('engine')),
      [HTTP_ENGINE_RUNS_ROLE_ID]: lambdaRole(
        'start-and-read-engine-runs',
        [fn('http')],
        [
          startEngineRuns,
          readPauseSwitch,
          {
            Sid: 'ReadEngineRuns',
            Effect: 'Allow',
            Action: 'states:DescribeExecution',
            // Executions of this one state machine; their names (run IDs) are made per request.
            Resource: {
              'Fn::Sub': `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:execution:${fn('engine')}:*`,
            },
          },
        ],
      ),
      [ENGINE_START_ROLE_ID]: lambdaRole(
        'start-engine-runs',
        [fn('engineStart')],
        [startEngineRuns, readPauseSwitch],
      ),
      [ENGINE_LOGS_ONLY_ROLE_ID]: lambdaRole('write-logs-only', [fn('enginePlan')], []),
      [ENGINE_SUMMARISE_ROLE_ID]: lambdaRole(
        'write-logs-and-run-events',
        [fn('engineSummarise')],
        [
          {
            Sid: 'PutRunEventsOnDefaultBus',
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: {
              'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default`,
            },
          },
        ],
      ),
    },
  };
}
