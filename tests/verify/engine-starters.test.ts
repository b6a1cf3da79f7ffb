/**
 * verify's list of who may start the engine (states:StartExecution): the stack's own starters are
 * listed, and any other role that could start it (by name, states:*, * or a NotAction) is a
 * finding naming the role and the statement.
 */

import type { CfnTemplate } from '../../scripts/shared/stack/package-stage';
import { checkEngineStarters, engineStartersNote } from '../../scripts/verify/engine-starters';

function role(statements: Record<string, unknown>[]) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: { Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: statements } }] },
  };
}

const start = { Sid: 'StartEngineRuns', Effect: 'Allow', Action: 'states:StartExecution' };

function packaged(extra: Record<string, unknown> = {}): CfnTemplate {
  return {
    Resources: {
      HttpEngineRunsRole: role([start, { Effect: 'Allow', Action: 'states:DescribeExecution' }]),
      EngineStartRole: role([start]),
      EngineLogsOnlyRole: role([{ Effect: 'Allow', Action: ['logs:PutLogEvents'] }]),
      ...extra,
    },
  } as unknown as CfnTemplate;
}

describe('verify: who may start the engine', () => {
  it('finds nothing wrong with the stack as it packages, and lists its starters', () => {
    // Act
    const findings = checkEngineStarters(packaged());
    const note = engineStartersNote(packaged());

    // Assess
    expect(findings).toEqual([]);
    expect(note).toMatch(/^states:StartExecution on the engine drives a run too; roles that may: /);
    expect(note).toContain('HttpEngineRunsRole: the http function');
    expect(note).toContain('EngineStartRole: the engineStart function');
    expect(note).not.toContain('EngineLogsOnlyRole');
  });

  it.each([
    ['states:StartExecution', { Sid: 'Oops', Effect: 'Allow', Action: 'states:StartExecution' }],
    ['states:*', { Sid: 'Oops', Effect: 'Allow', Action: ['states:*'] }],
    ['*', { Sid: 'Oops', Effect: 'Allow', Action: '*' }],
    ['a NotAction', { Sid: 'Oops', Effect: 'Allow', NotAction: 'iam:*' }],
  ])(
    'flags another role that may start it through %s, naming role and statement',
    (_how, statement) => {
      // Prepare
      const template = packaged({ IamRoleLambdaExecution: role([statement]) });

      // Act
      const findings = checkEngineStarters(template);

      // Assess
      expect(findings).toEqual([
        expect.objectContaining({
          policy: 'role IamRoleLambdaExecution',
          statement: 'Oops',
          hint: 'engineStarterUnexpected',
        }),
      ]);
    },
  );

  it('does not count a Deny of states:StartExecution as a starter', () => {
    // Prepare
    const template = packaged({
      IamRoleLambdaExecution: role([{ Effect: 'Deny', Action: 'states:StartExecution' }]),
    });

    // Act / Assess
    expect(checkEngineStarters(template)).toEqual([]);
  });
});
