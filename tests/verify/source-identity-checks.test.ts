/**
 * verify's static checks for sts:SetSourceIdentity and for trusts wider than the one execution
 * role: each test breaks the document on purpose and expects the finding to name the statement.
 */

import {
  type PolicyStatement,
  statementsOf,
} from '../../resources/home-stack/roles/policy-document';
import type { ExecutionRole } from '../../scripts/verify/execution-role';
import { checkExecutionRole, checkTargetRole } from '../../scripts/verify/static-checks';
import { renderTargetRole } from '../../scripts/verify/target-role';
import { targetTemplate } from './documents';

const TARGET_ROLE_ARN = 'arn:aws:iam::222222222222:role/xacct-ec2-target';
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:111111111111:function:xacct-ec2-test-instances';

function executionRole(statements: PolicyStatement[]): ExecutionRole {
  return {
    logicalId: 'IamRoleLambdaExecution',
    roleName: 'xacct-ec2-test-eu-west-1-exec',
    roleArn: 'arn:aws:iam::111111111111:role/xacct-ec2-test-eu-west-1-exec',
    trustPolicy: {
      name: 'trust',
      source: 'serverless.yml',
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      },
    },
    policies: [
      {
        name: 'xacct-ec2-test-lambda',
        source: 'serverless.yml provider.iam.role',
        policy: { Version: '2012-10-17', Statement: statements },
      },
    ],
    managedPolicyArns: [],
  };
}

const sourceFunction = { ArnEquals: { 'lambda:SourceFunctionArn': [FUNCTION_ARN] } };

function render() {
  return renderTargetRole(
    {
      HomeAccountId: '111111111111',
      ExecutionRoleName: 'xacct-ec2-test-eu-west-1-exec',
      // No defaults since each stage has its own role and tag value.
      RoleName: 'xacct-ec2-test-target',
      ControlTagValue: 'test',
      Regions: ['eu-west-1'],
    },
    { accountId: '222222222222', template: targetTemplate() },
  );
}

function trustStatement(role: ReturnType<typeof render>, sid: string): PolicyStatement {
  const statement = statementsOf(role.trustPolicy.policy).find((s) => s.Sid === sid);
  if (!statement) throw new Error(`no statement ${sid}`);
  return statement;
}

describe('verify: sts:SetSourceIdentity', () => {
  it('accepts sts:SetSourceIdentity beside sts:AssumeRole on the exact target roles', () => {
    // Prepare
    const role = executionRole([
      {
        Sid: 'AssumeConfiguredTargetRoles',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Resource: [TARGET_ROLE_ARN],
        Condition: sourceFunction,
      },
    ]);

    // Act
    const findings = checkExecutionRole(role);

    // Assess
    expect(findings).toEqual([]);
  });

  it('flags sts:SetSourceIdentity without its AssumeRole pairing', () => {
    // Prepare
    const role = executionRole([
      {
        Sid: 'LoneSetSourceIdentity',
        Effect: 'Allow',
        Action: 'sts:SetSourceIdentity',
        Resource: [TARGET_ROLE_ARN],
      },
    ]);

    // Act
    const findings = checkExecutionRole(role);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'LoneSetSourceIdentity',
        hint: 'executionRoleTooPowerful',
        message: expect.stringContaining('without sts:AssumeRole'),
      }),
    ]);
  });

  it('flags sts:SetSourceIdentity with AssumeRole on "*"', () => {
    // Prepare
    const role = executionRole([
      {
        Sid: 'AssumeConfiguredTargetRoles',
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Resource: '*',
        Condition: sourceFunction,
      },
    ]);

    // Act
    const findings = checkExecutionRole(role);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'AssumeConfiguredTargetRoles',
        message: 'allows sts:AssumeRole and sts:SetSourceIdentity on *',
        hint: 'assumeResourceTooWide',
      }),
    ]);
  });

  it('accepts the target role as it deploys: its trust pairs SetSourceIdentity with AssumeRole', () => {
    // Prepare
    const role = render();

    // Act
    const findings = checkTargetRole(role);

    // Assess
    expect(trustStatement(role, 'TrustOnlyTheExecutionRole').Action).toEqual([
      'sts:AssumeRole',
      'sts:SetSourceIdentity',
    ]);
    expect(findings).toEqual([]);
  });

  it('flags a trust statement that allows sts:SetSourceIdentity alone', () => {
    // Prepare
    const role = render();
    trustStatement(role, 'TrustOnlyTheExecutionRole').Action = 'sts:SetSourceIdentity';

    // Act
    const findings = checkTargetRole(role);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'TrustOnlyTheExecutionRole',
        hint: 'trustTooWide',
        message: expect.stringContaining('without sts:AssumeRole'),
      }),
    ]);
  });
});

describe('verify: a trust wider than the one execution role', () => {
  it.each([
    [
      'ArnLike with a wildcard',
      { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/xacct-ec2-*' } },
      'with ArnLike',
    ],
    [
      'StringLike',
      {
        StringLike: {
          'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/xacct-ec2-test-eu-west-1-exec',
        },
      },
      'with StringLike',
    ],
    [
      'ArnEquals with a pattern',
      { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/*' } },
      'patterns',
    ],
  ])('flags %s on aws:PrincipalArn, naming the statement', (_case, condition, words) => {
    // Prepare
    const role = render();
    trustStatement(role, 'TrustOnlyTheExecutionRole').Condition = condition;

    // Act
    const findings = checkTargetRole(role);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'TrustOnlyTheExecutionRole',
        hint: 'trustTooWide',
        message: expect.stringContaining(words),
      }),
    ]);
  });
});
