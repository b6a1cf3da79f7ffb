// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${Name} is CloudFormation's Fn::Sub syntax in a policy fragment
/**
 * The target-account templates are rendered from a base and every registered task's policy
 * fragment (npm run generate). The committed files must be that rendering, and a new task's
 * fragment must reach both templates by registration alone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PolicyFragment } from '../../handlers/core/policy-fragment';
import { TASKS } from '../../handlers/tasks';
import { renderTargetTemplates } from '../../resources/generate/render';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { parseCfnYaml } from '../../scripts/shared/stack/cfn-yaml';
import { renderTargetRole } from '../../scripts/verify/target-role';

/** A fragment shaped like a second task's (per-resource start/stop, its own tag-scoped ARNs). */
const SECOND_TASK: PolicyFragment = {
  parameters: {
    DbTagValue: {
      Type: 'String',
      Default: 'yes',
      MinLength: 1,
      Description: 'Value the control tag must have on DB instances.',
    },
  },
  policies: [
    {
      name: 'start-stop-control-tagged-db-instances',
      statements: [
        {
          Sid: 'StartStopControlTaggedDbInstances',
          Effect: 'Allow',
          Action: ['rds:StartDBInstance', 'rds:StopDBInstance'],
          Resource: 'arn:${AWS::Partition}:rds:*:${AWS::AccountId}:db:*',
          Condition: { StringEquals: { 'aws:ResourceTag/${ControlTagKey}': '${DbTagValue}' } },
        },
      ],
    },
  ],
  requiredActions: ['rds:StartDBInstance', 'rds:StopDBInstance'],
  tagScopedActions: ['rds:StartDBInstance', 'rds:StopDBInstance'],
};

describe('Function: renderTargetTemplates', () => {
  it('renders exactly the committed templates from the registered tasks (run npm run generate)', () => {
    // Act
    const rendered = renderTargetTemplates();

    // Assess
    expect(rendered.map((t) => t.file)).toEqual([
      'resources/target-account-role.yml',
      'resources/target-account-stackset.yml',
    ]);
    for (const { file, text } of rendered) {
      expect({ file, text }).toEqual({
        file,
        text: readFileSync(path.join(REPO_ROOT, file), 'utf8'),
      });
    }
  });

  it('adds a second task’s parameters and policy to the role, and passes them through the StackSet', () => {
    // Prepare
    const fragments = [...TASKS.map((t) => t.policy), SECOND_TASK];

    // Act
    const [role, stackSet] = renderTargetTemplates(fragments).map(({ file, text }) =>
      parseCfnYaml(text, file),
    ) as Array<{ Parameters: Record<string, unknown>; Resources: Record<string, unknown> }>;
    const rendered = renderTargetRole(
      {
        HomeAccountId: '111111111111',
        ExecutionRoleName: 'exec',
        RoleName: 'xacct-ec2-test-target',
        ControlTagValue: 'test',
        Regions: ['eu-west-1'],
        DbTagValue: 'yes',
      },
      { accountId: '222222222222', template: role },
    );

    // Assess
    expect(Object.keys(role?.Parameters ?? {})).toContain('DbTagValue');
    expect(Object.keys(stackSet?.Parameters ?? {})).toContain('DbTagValue');
    expect(JSON.stringify(stackSet?.Resources)).toContain('"ParameterKey":"DbTagValue"');
    const dbPolicy = rendered.permissionPolicies.find(
      (p) => p.name === 'start-stop-control-tagged-db-instances',
    );
    expect(dbPolicy?.policy.Statement).toEqual([
      {
        Sid: 'StartStopControlTaggedDbInstances',
        Effect: 'Allow',
        Action: ['rds:StartDBInstance', 'rds:StopDBInstance'],
        Resource: 'arn:aws:rds:*:222222222222:db:*',
        Condition: { StringEquals: { 'aws:ResourceTag/xacct-ec2:managed': 'yes' } },
      },
    ]);
  });

  it('refuses two tasks that declare the same parameter differently', () => {
    // Prepare
    const clash: PolicyFragment = {
      ...SECOND_TASK,
      parameters: { ControlTagKey: { Type: 'String', Description: 'another meaning' } },
      policies: [],
    };

    // Act / Assess
    expect(() => renderTargetTemplates([...TASKS.map((t) => t.policy), clash])).toThrow(
      /parameter ControlTagKey is declared differently/,
    );
  });
});
