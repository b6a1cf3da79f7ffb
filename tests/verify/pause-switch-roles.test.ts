/**
 * The stage's pause switch is the engine's tags: the functions' roles may read them
 * (states:ListTagsForResource on the engine only) and none may write them, so a function (or
 * whoever controls one) cannot resume a paused stage; only the operator's policy may
 * (switch-operator-policy.test.ts). Decided by the evaluator verify uses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { engineRoleResources } from '../../resources/home-stack/engine/state-machine';
import type { PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { parseCfnYaml } from '../../scripts/shared/stack/cfn-yaml';
import { simulate } from '../../scripts/verify/simulate';

const HOME = '111111111111';
const REGION = 'eu-west-1';
const ENGINE = `arn:aws:states:${REGION}:${HOME}:stateMachine:xacct-ec2-prod-engine`;
const OTHER_ENGINE = `arn:aws:states:${REGION}:${HOME}:stateMachine:xacct-ec2-dev-engine`;

/** Fn::Sub / Ref of the templates, resolved for stage prod in the home account. */
function resolved(value: unknown): unknown {
  const text = JSON.stringify(value)
    .replaceAll('{"Ref":"EngineStateMachine"}', JSON.stringify(ENGINE))
    .replaceAll(/\$\{AWS::Partition\}/g, 'aws')
    .replaceAll(/\$\{AWS::Region\}/g, REGION)
    .replaceAll(/\$\{AWS::AccountId\}/g, HOME)
    .replaceAll(/\$\{self:service\}/g, 'xacct-ec2')
    .replaceAll(/\$\{sls:stage\}/g, 'prod');
  return JSON.parse(text.replace(/\{"Fn::Sub":("[^"]*")\}/g, '$1'));
}

type Resource = { Properties: { Policies: Array<{ PolicyDocument: PolicyDocument }> } };

function stackRoles(): Array<[string, PolicyDocument]> {
  const roles = Object.entries(
    resolved(engineRoleResources({ service: 'xacct-ec2', stage: 'prod' }).Resources) as Record<
      string,
      Resource
    >,
  )
    // The functions' roles (the state machine's own role is verify's: role-intents.ts).
    .filter(([id]) => id !== 'EngineStateMachineRole')
    .map(([id, role]): [string, PolicyDocument] => [
      id,
      role.Properties.Policies[0]?.PolicyDocument as PolicyDocument,
    ]);
  const yml = parseCfnYaml(readFileSync(path.join(REPO_ROOT, 'serverless.yml'), 'utf8')) as {
    provider: { iam: { role: { statements: unknown[] } } };
  };
  // The file-built statement (assume target roles) is not a Step Functions grant: left out.
  const statements = yml.provider.iam.role.statements.filter(
    (s) => typeof s === 'object' && s !== null && 'Sid' in s,
  );
  roles.push([
    'execution role (serverless.yml)',
    resolved({ Version: '2012-10-17', Statement: statements }) as PolicyDocument,
  ]);
  return roles;
}

const decide = (policy: PolicyDocument, action: string, resourceArn: string) =>
  simulate({
    principal: `arn:aws:sts::${HOME}:assumed-role/fn/session`,
    action,
    resourceArn,
    resourceAccountId: HOME,
    context: {
      'aws:PrincipalArn': `arn:aws:iam::${HOME}:role/fn`,
      'aws:RequestedRegion': REGION,
      ...(action === 'states:ListTagsForResource'
        ? {}
        : { 'aws:TagKeys': ['xacct-ec2:paused-by'] }),
    },
    identityPolicies: [{ name: 'role', source: 'stack', policy }],
  });

describe('Pause switch: the stack roles read it, none writes it', () => {
  it.each(stackRoles())('%s may not TagResource or UntagResource the engine', async (_, policy) => {
    // Act
    const tag = await decide(policy, 'states:TagResource', ENGINE);
    const untag = await decide(policy, 'states:UntagResource', ENGINE);

    // Assess
    expect([tag.result, untag.result]).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied']);
  });

  it.each(
    stackRoles().filter(
      ([id]) =>
        ['HttpEngineRunsRole', 'EngineStartRole'].includes(id) || id.startsWith('execution'),
    ),
  )('%s reads the tags of its own engine only', async (_, policy) => {
    // Act
    const own = await decide(policy, 'states:ListTagsForResource', ENGINE);
    const other = await decide(policy, 'states:ListTagsForResource', OTHER_ENGINE);

    // Assess
    expect([own.result, other.result]).toEqual(['Allowed', 'ImplicitlyDenied']);
  });
});
