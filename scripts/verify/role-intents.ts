/**
 * What each role may do and who may assume it, declared once with the reason: every role the
 * service stack creates (by logical ID) and the role each target account deploys. role-checks.ts
 * reads every policy that reaches a role and fails on any (action, resource) beyond its grants,
 * any principal beyond its trust, any grant it cannot use, and any role declared nowhere here.
 *
 * The resources come from the stage, never from the policy being checked: the stage's names,
 * its configured targets, the functions each role runs, what the state machine and the
 * schedules call. A new role, or a new permission, is added here with its reason first.
 */
import {
  ENGINE_LOGS_ONLY_ROLE_ID,
  ENGINE_START_ROLE_ID,
  ENGINE_STATE_MACHINE_ID,
  ENGINE_SUMMARISE_ROLE_ID,
  HTTP_ENGINE_RUNS_ROLE_ID,
} from '../../resources/home-stack/engine/state-machine';
import { SCHEDULER_ROLE_LOGICAL_ID } from '../../resources/home-stack/schedules/schedule-resources';
import { EXECUTION_ROLE_ID, EXECUTION_ROLE_SOURCE, SCHEDULER_ROLE_SOURCE } from './execution-role';
import type { HintId } from './hints';

/** Some actions on some resources, and why the role needs them. */
export interface Grant {
  actions: readonly string[];
  /** ARN patterns (IAM wildcards); `*` only for actions without resource-level permissions. */
  resources: readonly string[];
  why: string;
  /**
   * The actions the role must keep (a removed one breaks the product): all of them unless
   * listed; `[]` for a grant the role may do without.
   */
  required?: readonly string[];
}

/** Who may assume the role. */
export interface TrustIntent {
  /** Service principals, exactly. */
  services?: readonly string[];
  /**
   * Role ARNs, exactly: named as the principal, or as `aws:PrincipalArn` (ArnEquals or
   * StringEquals, no wildcard) under their account root.
   */
  roles?: readonly string[];
  /** The actions a trust statement may allow. */
  actions: readonly string[];
  why: string;
}

export interface RoleIntent {
  why: string;
  /** Where its policies are written, for the fix. */
  source: string;
  trust: TrustIntent;
  grants: readonly Grant[];
  /** Hint of a permission beyond the grants. */
  tooPowerful: HintId;
  /** Managed policies named by ARN that are accepted unread, each with the reason. */
  acknowledgedManagedPolicies?: Readonly<Record<string, string>>;
}

/** What the intents are derived from: the stage, read from the packaged template and config. */
export interface StackFacts {
  partition: string;
  region: string;
  accountId: string;
  service: string;
  stage: string;
  /** The ARNs (or the org-scoped pattern) of the target roles the execution role assumes. */
  targetRoleArns: readonly string[];
  /** Names of the functions that run as each role (by the role's logical ID). */
  functionsOf: Readonly<Record<string, readonly string[]>>;
  /** The state machines: ARN and the function ARNs their definitions call. */
  stateMachines: readonly { arn: string; functionArns: readonly string[] }[];
  /** What the schedules invoke (Target.Arn) and where undelivered runs go (DeadLetterConfig.Arn). */
  scheduleTargets: readonly string[];
  deadLetterQueues: readonly string[];
}

const LAMBDA = 'lambda.amazonaws.com';
const ASSUME = ['sts:AssumeRole'] as const;

function arn(f: StackFacts, service: string, resource: string): string {
  return `arn:${f.partition}:${service}:${f.region}:${f.accountId}:${resource}`;
}

/** Log writing of the functions that run as the role, each on its own log group. */
function ownLogs(f: StackFacts, roleId: string): Grant[] {
  const groups = (f.functionsOf[roleId] ?? []).map((name) =>
    arn(f, 'logs', `log-group:/aws/lambda/${name}:*`),
  );
  if (groups.length === 0) return [];
  return [
    {
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: groups,
      why: 'its functions write their own logs (Lambda names the streams at run time)',
    },
  ];
}

const defaultBus = (f: StackFacts) => arn(f, 'events', 'event-bus/default');
const machines = (f: StackFacts) => f.stateMachines.map((m) => m.arn);
const executions = (f: StackFacts) =>
  f.stateMachines.map((m) => `${m.arn.replace(':stateMachine:', ':execution:')}:*`);

const FUNCTION_ROLE_TRUST: TrustIntent = {
  services: [LAMBDA],
  actions: ASSUME,
  why: 'only Lambda runs its functions as it',
};

const ENGINE_SOURCE = 'resources/home-stack/engine/state-machine.ts (engineRoleResources)';

/** The stack's roles by logical ID. */
export function stackRoleIntents(f: StackFacts): Readonly<Record<string, RoleIntent>> {
  return {
    [EXECUTION_ROLE_ID]: {
      why: 'the functions that reach target accounts: assume the target roles, report runs',
      source: EXECUTION_ROLE_SOURCE,
      trust: FUNCTION_ROLE_TRUST,
      tooPowerful: 'executionRoleTooPowerful',
      grants: [
        {
          actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          resources: f.targetRoleArns,
          why: 'assume the configured target roles, naming the caller (SourceIdentity)',
          // sts:SetSourceIdentity only with params.sourceIdentity.
          required: ['sts:AssumeRole'],
        },
        {
          actions: ['states:ListTagsForResource'],
          resources: machines(f),
          why: "read the stage's pause switch (the engine's tags) before each run",
        },
        {
          actions: ['events:PutEvents'],
          resources: [defaultBus(f)],
          why: "put run events on this account's default bus (handlers/signals)",
        },
        {
          actions: [
            'logs:CreateLogGroup',
            'logs:CreateLogStream',
            'logs:PutLogEvents',
            'logs:TagResource',
          ],
          // osls's grant: the prefix of every function's log group of the stage.
          resources: [arn(f, 'logs', `log-group:/aws/lambda/${f.service}-${f.stage}*`)],
          why: 'write the logs of its functions (osls names the groups by the stage prefix)',
          required: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        },
      ],
    },
    [HTTP_ENGINE_RUNS_ROLE_ID]: {
      why: 'the http function: start an engine run per allowed request, read runs by ID',
      source: ENGINE_SOURCE,
      trust: FUNCTION_ROLE_TRUST,
      tooPowerful: 'stackRoleTooPowerful',
      grants: [
        {
          actions: ['states:StartExecution'],
          resources: machines(f),
          why: 'start a run on the stage engine (POST /instances/{action})',
        },
        {
          actions: ['states:DescribeExecution'],
          resources: executions(f),
          why: 'read a run of the stage engine (GET /runs/{id})',
        },
        {
          actions: ['states:ListTagsForResource'],
          resources: machines(f),
          why: "read the stage's pause switch (the engine's tags) before each run",
        },
        ...ownLogs(f, HTTP_ENGINE_RUNS_ROLE_ID),
      ],
    },
    [ENGINE_START_ROLE_ID]: {
      why: 'the engineStart function: start engine runs for the schedules',
      source: ENGINE_SOURCE,
      trust: FUNCTION_ROLE_TRUST,
      tooPowerful: 'engineRoleTooPowerful',
      grants: [
        {
          actions: ['states:StartExecution'],
          resources: machines(f),
          why: 'start a run on the stage engine',
        },
        {
          actions: ['states:ListTagsForResource'],
          resources: machines(f),
          why: "read the stage's pause switch (the engine's tags) before each run",
        },
        {
          actions: ['events:PutEvents'],
          resources: [defaultBus(f)],
          why: 'put the Run Summary of a scheduled run skipped on a holiday or excluded date on the default bus',
        },
        ...ownLogs(f, ENGINE_START_ROLE_ID),
      ],
    },
    [ENGINE_LOGS_ONLY_ROLE_ID]: {
      why: 'engine steps that only compute (plan): no AWS call but their logs',
      source: ENGINE_SOURCE,
      trust: FUNCTION_ROLE_TRUST,
      tooPowerful: 'engineRoleTooPowerful',
      grants: ownLogs(f, ENGINE_LOGS_ONLY_ROLE_ID),
    },
    [ENGINE_SUMMARISE_ROLE_ID]: {
      why: 'the summary step: one run event per run',
      source: ENGINE_SOURCE,
      trust: FUNCTION_ROLE_TRUST,
      tooPowerful: 'engineRoleTooPowerful',
      grants: [
        {
          actions: ['events:PutEvents'],
          resources: [defaultBus(f)],
          why: "put the run's summary event on this account's default bus",
        },
        ...ownLogs(f, ENGINE_SUMMARISE_ROLE_ID),
      ],
    },
    [`${ENGINE_STATE_MACHINE_ID}Role`]: {
      why: 'the state machine (serverless-step-functions): call its steps, run its Map children',
      source:
        'serverless.yml stepFunctions (serverless-step-functions) and resources/home-stack/engine',
      trust: {
        services: [`states.${f.region}.amazonaws.com`, 'states.amazonaws.com'],
        actions: ASSUME,
        why: 'only Step Functions runs the state machine as it',
      },
      tooPowerful: 'stackRoleTooPowerful',
      grants: [
        {
          actions: ['lambda:InvokeFunction'],
          resources: f.stateMachines.flatMap((m) => m.functionArns),
          why: 'invoke the functions its definition names',
        },
        {
          actions: ['lambda:InvokeFunction'],
          resources: f.stateMachines.flatMap((m) => m.functionArns.map((fn) => `${fn}:*`)),
          why: 'invoke versions of those functions (the definition names none today)',
          required: [],
        },
        {
          actions: ['states:StartExecution'],
          resources: machines(f),
          why: "start the Distributed Map's child executions of the same machine",
        },
        {
          actions: ['states:DescribeExecution', 'states:StopExecution'],
          resources: executions(f),
          why: 'follow and stop its own child executions',
        },
        {
          actions: ['events:PutEvents'],
          resources: [defaultBus(f)],
          why: "put the last-resort Run Summary (LastResortSummary's events:putEvents integration) on this account's default bus",
        },
        {
          actions: ['states:RedriveExecution'],
          // A redriven run redrives its map runs only with this (Step Functions Developer Guide,
          // "IAM policies for using Distributed Map states"): execution:<machine>/<mapLabel>:<id>.
          resources: executions(f).map((e) => e.replace(/:\*$/, '/*:*')),
          why: "redrive the Distributed Map's map runs of a redriven run",
        },
      ],
    },
    [SCHEDULER_ROLE_LOGICAL_ID]: {
      why: "EventBridge Scheduler: invoke what the stage's schedules target",
      source: SCHEDULER_ROLE_SOURCE,
      trust: {
        services: ['scheduler.amazonaws.com'],
        actions: ASSUME,
        why: "only EventBridge Scheduler, for this stage's schedule group (conditions checked by checkSchedulerRole)",
      },
      tooPowerful: 'stackRoleTooPowerful',
      grants: [
        {
          actions: ['lambda:InvokeFunction'],
          resources: f.scheduleTargets,
          why: "invoke exactly the functions the stage's schedules target",
        },
        {
          actions: ['sqs:SendMessage'],
          resources: f.deadLetterQueues,
          why: "send undelivered runs to the schedules' dead-letter queue",
        },
      ],
    },
  };
}

/** What the target role of one account may be given (the target template's one role). */
export interface TargetFacts {
  partition: string;
  accountId: string;
  /** The execution role ARN(s) of the home account that may assume it. */
  executionRoleArns: readonly string[];
  /** The customer-managed keys EC2 may use for the role (KmsKeyArns). */
  kmsKeyArns: readonly string[];
}

export const TARGET_ROLE_SOURCE = 'resources/target-account-role.yml';

/**
 * The target role: assumed by the execution role only; describe instances and databases (on "*"),
 * start and stop instances, DB instances and Aurora clusters of its own account (the control-tag
 * condition is checked by checkTargetRole), grants on the configured keys for EC2 only.
 */
export function targetRoleIntent(f: TargetFacts): RoleIntent {
  return {
    why: 'what the function does in a target account',
    source: `${TARGET_ROLE_SOURCE} (generated from resources/generate/target-account-role.base.yml and handlers/tasks/*/policy.ts)`,
    trust: {
      roles: f.executionRoleArns,
      actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      why: "only the stage's execution role in the home account",
    },
    tooPowerful: 'targetRoleTooPowerful',
    grants: [
      {
        actions: ['ec2:DescribeInstances'],
        resources: ['*'],
        why: 'describe instances (DescribeInstances has no resource-level permissions)',
      },
      {
        actions: ['ec2:StartInstances', 'ec2:StopInstances'],
        resources: [`arn:${f.partition}:ec2:*:${f.accountId}:instance/*`],
        why: "start and stop this account's control-tagged instances",
      },
      {
        actions: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters'],
        resources: ['*'],
        why: 'list the DB instances and clusters of a region (the RDS task reads their tags from the answer)',
      },
      {
        actions: ['rds:DescribeEvents'],
        resources: ['*'],
        why: "read RDS's automatic starts after 7 days stopped (onlyRestartedByAws; DescribeEvents is wildcard-only)",
      },
      {
        actions: ['rds:StartDBInstance', 'rds:StopDBInstance'],
        resources: [`arn:${f.partition}:rds:*:${f.accountId}:db:*`],
        why: "start and stop this account's control-tagged DB instances",
      },
      {
        actions: ['rds:StartDBCluster', 'rds:StopDBCluster'],
        resources: [`arn:${f.partition}:rds:*:${f.accountId}:cluster:*`],
        why: "start and stop this account's control-tagged Aurora clusters",
      },
      ...(f.kmsKeyArns.length > 0
        ? [
            {
              actions: ['kms:CreateGrant'],
              resources: f.kmsKeyArns,
              why: 'let EC2 decrypt the volumes of an instance it starts, on the configured keys',
            },
          ]
        : []),
    ],
  };
}
