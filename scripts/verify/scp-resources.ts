/**
 * What of a stage an SCP can protect, read from the packaged template and the stage config: in
 * the home account its roles, functions, schedules, schedule groups, state machines and stack;
 * in a target account the target role and an instance. The SCP cases match these against each
 * statement's Resource, so what is protected comes from the documents, not from a list here.
 */
import { evaluate } from '../shared/stack/cfn-intrinsics';
import type { CfnTemplate } from '../shared/stack/package-stage';
import { contextFor, type ResolvedStage } from './execution-role';
import { DB_CLUSTER_ID, DB_INSTANCE_ID, INSTANCE_ID } from './matrix-case';

export interface StageResource {
  /** What it is, in the words of the matrix: `execution role`, `function`, `schedule`, … */
  kind: string;
  arn: string;
  account: string;
  /** The region a request on it names (aws:RequestedRegion); none for IAM. */
  region?: string;
}

function named(template: CfnTemplate, stage: ResolvedStage, type: string, property: string) {
  const ctx = contextFor(template, {
    partition: stage.partition,
    region: stage.region,
    accountId: stage.homeAccountId,
    stackName: `${stage.service}-${stage.stage}`,
  });
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => ({
      id,
      // Without a name CloudFormation generates <stack>-<logical ID>-<suffix>.
      name:
        r.Properties?.[property] === undefined
          ? `${stage.service}-${stage.stage}-${id}-GENERATED`.slice(0, 64)
          : String(evaluate(r.Properties[property], ctx, id)),
    }));
}

/** The home account's side: every role, function, schedule and state machine of the stack. */
export function homeResources(stage: ResolvedStage, template: CfnTemplate): StageResource[] {
  const { partition: p, region, homeAccountId: home } = stage;
  const at = (kind: string, arn: string, regional = true): StageResource => ({
    kind,
    arn,
    account: home,
    ...(regional ? { region } : {}),
  });
  const roles = named(template, stage, 'AWS::IAM::Role', 'RoleName').map(({ name }) =>
    at(
      name === stage.executionRole.roleName ? 'execution role' : 'stack role',
      `arn:${p}:iam::${home}:role/${name}`,
      false,
    ),
  );
  const functions = stage.functions.map((f) => at('function', f.arn));
  const others = named(template, stage, 'AWS::Lambda::Function', 'FunctionName')
    .map(({ name }) => `arn:${p}:lambda:${region}:${home}:function:${name}`)
    .filter((arn) => !functions.some((f) => f.arn === arn))
    .map((arn) => at('function', arn));
  const schedules = (stage.scheduler?.schedules ?? []).map((s) =>
    at('schedule', `arn:${p}:scheduler:${region}:${home}:schedule/${s.group}/${s.name}`),
  );
  const groups = (stage.scheduler?.groups ?? []).map((g) =>
    at('schedule group', `arn:${p}:scheduler:${region}:${home}:schedule-group/${g}`),
  );
  const machines = named(
    template,
    stage,
    'AWS::StepFunctions::StateMachine',
    'StateMachineName',
  ).map(({ name }) =>
    at('state machine', `arn:${p}:states:${region}:${home}:stateMachine:${name}`),
  );
  // osls names the stack <service>-<stage>; its ID suffix is unknown offline.
  const stack = at(
    'stack',
    `arn:${p}:cloudformation:${region}:${home}:stack/${stage.service}-${stage.stage}/00000000-0000-4000-8000-000000000000`,
  );
  return [...roles, ...functions, ...others, ...schedules, ...groups, ...machines, stack];
}

/** A target account's side: the target role and an instance in the target's first region. */
export function targetResources(stage: ResolvedStage): StageResource[] {
  const target = stage.config.targets[0];
  if (!target) return [];
  const p = stage.partition;
  const region = target.regions[0] ?? stage.region;
  return [
    {
      kind: 'target role',
      arn: `arn:${p}:iam::${target.accountId}:role/${stage.config.targetRoleName}`,
      account: target.accountId,
    },
    {
      kind: 'instance',
      arn: `arn:${p}:ec2:${region}:${target.accountId}:instance/${INSTANCE_ID}`,
      account: target.accountId,
      region,
    },
    {
      kind: 'DB instance',
      arn: `arn:${p}:rds:${region}:${target.accountId}:db:${DB_INSTANCE_ID}`,
      account: target.accountId,
      region,
    },
    {
      kind: 'DB cluster',
      arn: `arn:${p}:rds:${region}:${target.accountId}:cluster:${DB_CLUSTER_ID}`,
      account: target.accountId,
      region,
    },
  ];
}
