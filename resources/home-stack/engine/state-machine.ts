/**
 * The Step Functions engine as serverless-step-functions takes it: the definition itself is
 * state-machine.asl.yml beside this file (Amazon States Language, read it first); this file fills
 * in the stage's values (custom.engine), and declares the engine's roles. handlers/engine/README.md
 * explains the design; the package test reads the definition back from the packaged
 * CloudFormation, and the integration test runs that packaged definition locally.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { DEFAULT_SIZING } from '../../../handlers/engine/batches';
import { longestWaitSeconds } from '../../../handlers/engine/wait-plan';
import {
  DETAIL_TYPES,
  EVENT_SCHEMA_VERSION,
  eventSource,
} from '../../../handlers/signals/contract';
import { TASKS } from '../../../handlers/tasks';
import type { CfnValue } from '../cfn';
import { fillPlaceholders } from '../fill-placeholders';

/** Work items one run may have (handlers/engine/batches.ts). */
const MAX_BATCHES = DEFAULT_SIZING.maxBatches;

export interface EngineOptions {
  service: string;
  stage: string;
  /** Work items (batches) in flight at once: childConcurrency(maxConcurrency) children of BATCHES_PER_CHILD. */
  maxConcurrency: number;
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
 * 4 x 70 s (60 s and Lambda's Init) + 14 s = 294 s; tests/package/engine.test.ts computes it from
 * the package.
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

/**
 * The last resort's PutEvents, through Step Functions' EventBridge integration (no Lambda), with
 * the parent's backoff: a response with a non-zero FailedEntryCount fails the task with
 * `EventBridge.FailedEntry`, and the service's own errors (throttling among them) arrive as
 * `EventBridge.<exception>` (Step Functions Developer Guide, "Add EventBridge events with Step
 * Functions", connect-eventbridge). None is a Lambda error, so the Lambda list would never retry
 * it: `States.TaskFailed` matches every task failure but a timeout.
 */
const eventsRetry = parentRetry.map((retrier) => ({
  ...retrier,
  ErrorEquals: ['States.TaskFailed'],
}));

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

const DEFINITION_FILE = path.join(__dirname, 'state-machine.asl.yml');

/** The definition with the stage's values in its placeholders (listed at the top of the file). */
export function engineDefinition(options: EngineOptions) {
  return fillPlaceholders(
    load(readFileSync(DEFINITION_FILE, 'utf8')),
    {
      service: options.service,
      stage: options.stage,
      runTimeoutSeconds: runTimeoutSeconds(options),
      childConcurrency: childConcurrency(options.maxConcurrency),
      batchesPerChild: BATCHES_PER_CHILD,
      parentRetry,
      childRetry,
      eventsRetry,
      eventSource: eventSource(options.service),
      runSummaryDetailType: DETAIL_TYPES.runSummary,
      eventSchemaVersion: EVENT_SCHEMA_VERSION,
    },
    'resources/home-stack/engine/state-machine.asl.yml',
  );
}

/**
 * The whole run's limit: each Map phase (survey, act, every re-check round) at its worst (all
 * 200 items, 20 children in waves of childConcurrency, each child at its 5-minute limit), the
 * Waits of the slowest registered task (handlers/engine/wait-plan.ts stretches them to its
 * transitions), and an hour for Plan and the summaries. A run past it is stuck, and its
 * timed-out alarm says so.
 */
export function runTimeoutSeconds(
  options: Pick<EngineOptions, 'maxConcurrency' | 'maxChecks' | 'waitSeconds'>,
  tasks: Parameters<typeof longestWaitSeconds>[0] = TASKS,
): number {
  const children = Math.ceil(MAX_BATCHES / BATCHES_PER_CHILD);
  const waves = Math.ceil(children / childConcurrency(options.maxConcurrency));
  const mapPhases = 2 + options.maxChecks;
  return mapPhases * waves * EXPRESS_MAX_SECONDS + longestWaitSeconds(tasks, options) + 3600;
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
              // LastResortSummary puts the Run Summary itself (the events:putEvents integration)
              // when the summary function cannot: Step Functions Developer Guide, "IAM policies
              // for calling Amazon EventBridge" (events:PutEvents on the bus the entries name).
              putRunEvents,
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

/** The run's signals (handlers/signals/SIGNALS.md) go to this account's default bus only. */
const putRunEvents: Statement = {
  Sid: 'PutRunEventsOnDefaultBus',
  Effect: 'Allow',
  Action: 'events:PutEvents',
  Resource: {
    'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/default`,
  },
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
 * engine (and report a skipped run); the HTTP function may start it and describe its executions; plan and summarise may
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
        // Its events: the Run Summary of a scheduled run skipped on a holiday or excluded date.
        [startEngineRuns, readPauseSwitch, putRunEvents],
      ),
      [ENGINE_LOGS_ONLY_ROLE_ID]: lambdaRole('write-logs-only', [fn('enginePlan')], []),
      [ENGINE_SUMMARISE_ROLE_ID]: lambdaRole(
        'write-logs-and-run-events',
        [fn('engineSummarise')],
        [putRunEvents],
      ),
    },
  };
}
