/**
 * Every role against its declared intent (role-intents.ts), on the engine's roles as their
 * builder writes them (engineRoleResources) beside the functions and state machine they serve:
 * as built they pass; each widening, and a role no intent declares, fails naming the statement.
 * The same check over the packaged stages, and the planted mutations of every class, are in
 * verify-mutations.test.ts (slow set).
 */
import { engineRoleResources } from '../../resources/home-stack/engine/state-machine';
import type { CfnTemplate } from '../../scripts/shared/stack/package-stage';
import type { ResolvedStage } from '../../scripts/verify/execution-role';
import { patternCovers } from '../../scripts/verify/pattern-cover';
import { checkStackRoles } from '../../scripts/verify/stack-roles';

type Statement = Record<string, unknown>;
const HOME = '111111111111';

const stage = {
  stage: 'local',
  service: 'xacct-ec2',
  region: 'eu-west-1',
  partition: 'aws',
  homeAccountId: HOME,
  executionRole: {
    roleArn: `arn:aws:iam::${HOME}:role/xacct-ec2-local-eu-west-1-exec`,
    policies: [],
  },
  config: { targets: [], targetRoleName: 'xacct-ec2-local-target' },
} as unknown as ResolvedStage;

/** A function of the stack running as `role`. */
function fn(name: string, role: string) {
  return {
    Type: 'AWS::Lambda::Function',
    Properties: { FunctionName: `xacct-ec2-local-${name}`, Role: { 'Fn::GetAtt': [role, 'Arn'] } },
  };
}

function builtRoles(): CfnTemplate {
  return {
    Resources: {
      ...(structuredClone(
        engineRoleResources({ service: 'xacct-ec2', stage: 'local' }).Resources,
      ) as CfnTemplate['Resources']),
      HttpLambdaFunction: fn('http', 'HttpEngineRunsRole'),
      EnginePlanLambdaFunction: fn('enginePlan', 'EngineLogsOnlyRole'),
      EngineStartLambdaFunction: fn('engineStart', 'EngineStartRole'),
      EngineSummariseLambdaFunction: fn('engineSummarise', 'EngineSummariseRole'),
      // The workers run as the execution role; the state machine's own role invokes them.
      EngineWorkLambdaFunction: fn('engineWork', 'IamRoleLambdaExecution'),
      EngineRecheckLambdaFunction: fn('engineRecheck', 'IamRoleLambdaExecution'),
      EngineStateMachine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          StateMachineName: 'xacct-ec2-local-engine',
          // The steps its definition names, as the packaged definition does.
          DefinitionSubstitutions: Object.fromEntries(
            ['EnginePlan', 'EngineWork', 'EngineRecheck', 'EngineSummarise'].map((id) => [
              id,
              { 'Fn::GetAtt': [`${id}LambdaFunction`, 'Arn'] },
            ]),
          ),
        },
      },
    },
  };
}

function statementsOf(template: CfnTemplate, roleId: string): Statement[] {
  const properties = template.Resources[roleId]?.Properties as {
    Policies: Array<{ PolicyDocument: { Statement: Statement[] } }>;
  };
  return properties.Policies[0]?.PolicyDocument.Statement ?? [];
}

describe('Function: checkStackRoles', () => {
  it('finds nothing in the engine roles as built', () => {
    // Act
    const findings = checkStackRoles(builtRoles(), stage);

    // Assess
    expect(findings).toEqual([]);
  });

  it('names the summary step’s role when its events may go to another bus', () => {
    // Prepare
    const template = builtRoles();
    const events = statementsOf(template, 'EngineSummariseRole').find(
      (s) => s.Action === 'events:PutEvents',
    );
    if (!events) throw new Error('the summarise role has no PutEvents statement');
    events.Resource = `arn:aws:events:eu-west-1:${HOME}:event-bus/*`;

    // Act
    const findings = checkStackRoles(template, stage);

    // Assess
    expect(findings).toContainEqual(
      expect.objectContaining({
        source: expect.stringContaining('EngineSummariseRole policy'),
        statement: 'PutRunEventsOnDefaultBus',
        message: expect.stringMatching(/events:PutEvents on .*event-bus\/\*: beyond its intent/),
        hint: 'engineRoleTooPowerful',
      }),
    );
  });

  it('names the plan’s role when it is given an action its step does not need', () => {
    // Prepare
    const template = builtRoles();
    statementsOf(template, 'EngineLogsOnlyRole').push({
      Sid: 'Extra',
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: '*',
    });

    // Act
    const findings = checkStackRoles(template, stage);

    // Assess
    expect(findings.map((f) => [f.statement, f.hint])).toEqual([
      ['Extra', 'engineRoleTooPowerful'],
    ]);
  });

  it('names a role no intent declares', () => {
    // Prepare
    const template = builtRoles();
    template.Resources.AnotherRole = structuredClone(
      template.Resources.EngineLogsOnlyRole,
    ) as never;

    // Act
    const findings = checkStackRoles(template, stage);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({ policy: 'role AnotherRole', hint: 'roleWithoutIntent' }),
    ]);
  });
});

describe('Function: patternCovers (IAM wildcards, sound for patterns)', () => {
  it.each([
    ['states:StartExecution', 'states:startexecution', true, true],
    ['states:StartExecution', 'states:Start*', true, false],
    ['states:*', 'states:Start*', true, true],
    [
      'arn:aws:logs:r:1:log-group:/aws/lambda/x*',
      'arn:aws:logs:r:1:log-group:/aws/lambda/x-y*:*',
      false,
      true,
    ],
    [
      'arn:aws:logs:r:1:log-group:/aws/lambda/x-y:*',
      'arn:aws:logs:r:1:log-group:/aws/lambda/x-*:*',
      false,
      false,
    ],
    ['arn:aws:s3:::a?c', 'arn:aws:s3:::a*c', false, false],
    ['arn:aws:s3:::a*', 'arn:aws:s3:::a?c', false, true],
  ])('%s covers %s (ignore case %s): %s', (outer, inner, ignoreCase, expected) => {
    expect(patternCovers(outer, inner, ignoreCase)).toBe(expected);
  });
});
