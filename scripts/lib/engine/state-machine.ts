/**
 * The Step Functions engine's state machine (Amazon States Language), as serverless-step-functions
 * takes it: a Standard parent that plans, fans the work items out through a Distributed Map of
 * Express children, waits in Wait states and re-checks with describe-only children, and
 * summarises. handlers/engine/README.md explains the design; the package test reads it back from
 * the packaged CloudFormation, and the integration test runs that packaged definition locally.
 */
import type { CfnValue } from '../stage/cfn';

export interface EngineOptions {
  service: string;
  stage: string;
  /** Work items (Express children) at once. */
  maxConcurrency: number;
  /** Work items that may fail (after retries and the per-item Catch) before the Map fails. */
  toleratedFailurePercentage: number;
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
} as const;

export const ENGINE_STATE_MACHINE_ID = 'EngineStateMachine';

/** Lambda's transient errors: retried with backoff instead of failing the item. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
];

const retry = [
  {
    ErrorEquals: LAMBDA_TRANSIENT_ERRORS,
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
    MaxDelaySeconds: 60,
    JitterStrategy: 'FULL',
  },
];

const lambda = (logicalId: string): CfnValue => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/**
 * Each Task waits as long as its function may run (serverless.yml `timeout`), and no longer.
 * Without TimeoutSeconds the States Language default is 60 s, which aws-local-stepfunctions
 * applies: a slow worker would be cut off and caught while its Lambda still had minutes left.
 */
export const TASK_TIMEOUT_SECONDS = {
  Plan: 30,
  SurveyBatch: 240,
  Work: 240,
  RecheckBatch: 120,
  Summarise: 30,
};

/** One child per item: the task, retried, and a Catch that reports the item as failed. */
function itemProcessor(
  taskName: 'SurveyBatch' | 'Work' | 'RecheckBatch',
  logicalId: string,
  /** Where the child's input holds the batch index (Survey and Act items are `{ item }`). */
  batchPath = '$.batch',
) {
  const failedName = `${taskName}Failed`;
  return {
    ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
    StartAt: taskName,
    States: {
      [taskName]: {
        Type: 'Task',
        Resource: lambda(logicalId),
        TimeoutSeconds: TASK_TIMEOUT_SECONDS[taskName],
        Retry: retry,
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: failedName }],
        End: true,
      },
      [failedName]: {
        Type: 'Pass',
        Parameters: { 'batch.$': batchPath, failedItem: { 'error.$': '$.caught.Error' } },
        End: true,
      },
    },
  };
}

const itemSelector = {
  'batch.$': '$$.Map.Item.Value.batch',
  'request.$': '$.request',
  'origin.$': '$.plan.origin',
  'runId.$': '$.plan.run.id',
};
/** Survey and Act items whole: an Act item carries its approved count once surveyed. */
const workItemSelector = {
  'item.$': '$$.Map.Item.Value',
  'request.$': '$.request',
  'origin.$': '$.plan.origin',
  'runId.$': '$.plan.run.id',
};
/** What every state after the plan carries: the request, the plan and the report so far. */
const carried = { 'request.$': '$.request', 'plan.$': '$.plan', 'report.$': '$.report' };

export function engineDefinition(options: EngineOptions) {
  const map = (
    itemsPath: string,
    processor: ReturnType<typeof itemProcessor>,
    next: string,
    resultPath: string,
    selector: Record<string, unknown> = itemSelector,
  ) => ({
    Type: 'Map',
    ItemsPath: itemsPath,
    ItemSelector: selector,
    MaxConcurrency: options.maxConcurrency,
    ToleratedFailurePercentage: options.toleratedFailurePercentage,
    ItemProcessor: processor,
    ResultPath: resultPath,
    Next: next,
  });
  return {
    Comment: `${options.service}-${options.stage}: plan, survey a start or stop and guard the whole run, act per batch (Distributed Map, Express children), wait and re-check, summarise`,
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
        Retry: retry,
        Next: 'SurveyOrAct',
      },
      // A start or stop that acts is counted first, so the guard sees the whole run.
      SurveyOrAct: {
        Type: 'Choice',
        Choices: [{ Variable: '$.plan.survey', BooleanEquals: true, Next: 'Survey' }],
        Default: 'Act',
      },
      Survey: map(
        '$.plan.batches',
        itemProcessor('SurveyBatch', ENGINE_FUNCTIONS.SurveyBatch, '$.item.batch'),
        'AssessSurvey',
        '$.surveyed',
        { phase: 'survey', ...workItemSelector },
      ),
      // The plan comes back with its guard decided and its work items approved (none if refused).
      AssessSurvey: {
        Type: 'Task',
        Resource: lambda(ENGINE_FUNCTIONS.AssessSurvey),
        TimeoutSeconds: TASK_TIMEOUT_SECONDS.Summarise,
        Parameters: { phase: 'survey', 'plan.$': '$.plan', 'results.$': '$.surveyed' },
        ResultPath: '$.plan',
        Retry: retry,
        Next: 'DropSurveyResults',
      },
      DropSurveyResults: {
        Type: 'Pass',
        Parameters: { 'request.$': '$.request', 'plan.$': '$.plan' },
        Next: 'Act',
      },
      // A refused run has no work items: Act starts no child, and Finish reports the refusal.
      Act: map(
        '$.plan.work',
        itemProcessor('Work', ENGINE_FUNCTIONS.Work, '$.item.batch'),
        'SummariseAct',
        '$.acted',
        workItemSelector,
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
          'guard.$': '$.plan.guard',
          'run.$': '$.plan.run',
        },
        ResultPath: '$.report',
        Retry: retry,
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
      WaitForTransitions: { Type: 'Wait', SecondsPath: '$.plan.waitSeconds', Next: 'Recheck' },
      Recheck: map(
        '$.report.pending',
        itemProcessor('RecheckBatch', ENGINE_FUNCTIONS.RecheckBatch),
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
          'run.$': '$.plan.run',
        },
        ResultPath: '$.report',
        Retry: retry,
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
          'blastRadius.$': '$.plan.guard',
          'refusedItems.$': '$.report.refusedItems',
        },
        End: true,
      },
    },
  };
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
        [startEngineRuns],
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
