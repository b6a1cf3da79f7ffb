/**
 * verify's check of the engine's own roles: the roles come from the builder that packages them
 * (engineRoleResources); each test widens one on purpose and expects the finding to name it.
 */
import { engineRoleResources } from '../../scripts/lib/engine/state-machine';
import { checkEngineRoles } from '../../scripts/lib/policies/engine-role-checks';
import type { CfnTemplate } from '../../scripts/lib/policies/package-stage';

type Statement = Record<string, unknown>;

function packagedRoles(): CfnTemplate {
  return structuredClone(engineRoleResources({ service: 'xacct-ec2', stage: 'local' })) as never;
}

function statementsOf(template: CfnTemplate, roleId: string): Statement[] {
  const properties = template.Resources[roleId]?.Properties as {
    Policies: Array<{ PolicyDocument: { Statement: Statement[] } }>;
  };
  return properties.Policies[0]?.PolicyDocument.Statement ?? [];
}

describe('verify: the engine roles', () => {
  it('finds nothing in the roles as packaged', () => {
    // Prepare
    const template = packagedRoles();

    // Act
    const findings = checkEngineRoles(template);

    // Assess
    expect(findings).toEqual([]);
  });

  it('names the summary step’s role when its events may go to another bus', () => {
    // Prepare
    const template = packagedRoles();
    const events = statementsOf(template, 'EngineSummariseRole').find(
      (s) => s.Action === 'events:PutEvents',
    );
    if (!events) throw new Error('the summarise role has no PutEvents statement');
    events.Resource = 'arn:aws:events:eu-west-1:111111111111:event-bus/*';

    // Act
    const findings = checkEngineRoles(template);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        policy: 'engine role EngineSummariseRole',
        statement: 'PutRunEventsOnDefaultBus',
        message: expect.stringMatching(/events:PutEvents on .*event-bus\/\*/),
        hint: 'engineRoleTooPowerful',
      }),
    ]);
  });

  it('names the plan’s role when it is given an action its step does not need', () => {
    // Prepare
    const template = packagedRoles();
    statementsOf(template, 'EngineLogsOnlyRole').push({
      Sid: 'Extra',
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: '*',
    });

    // Act
    const findings = checkEngineRoles(template);

    // Assess
    expect(findings.map((f) => [f.policy, f.statement, f.message])).toEqual([
      [
        'engine role EngineLogsOnlyRole',
        'Extra',
        'allows events:PutEvents, which its step does not need',
      ],
    ]);
  });
});
