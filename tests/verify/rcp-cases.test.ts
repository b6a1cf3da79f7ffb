/**
 * How verify --rcp reads the shipped RCP (resources/rcp-target-role-assume.json) into matrix
 * rows (scripts/verify/matrix-scp.ts), what the RCP decides on its own through the same
 * evaluator, and how a failing RCP row names the file and statement. The rows over a packaged
 * stage, and the RCP broken on purpose, are in verify.test.ts (slow set).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NamedPolicy, PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { evaluateCase } from '../../scripts/verify/case-result';
import type { ResolvedStage } from '../../scripts/verify/execution-role';
import type { MatrixCase } from '../../scripts/verify/matrix-case';
import { buildRcpCases } from '../../scripts/verify/matrix-scp';
import type { PolicyAuthorizer } from '../../scripts/verify/policy-authorizer';
import { type PolicyDecision, simulate } from '../../scripts/verify/simulate';
import { checkGuardrail } from '../../scripts/verify/static-checks';

const FILE = 'rcp-target-role-assume.json';
const SID = 'OnlyTheHomeExecutionRoleAssumesTheTargetRole';
const HOME = '111111111111';
const TARGET = '222222222222';
const TARGET_ROLE = `arn:aws:iam::${TARGET}:role/xacct-ec2-test-target`;
const EXEC_ROLE = `arn:aws:iam::${HOME}:role/xacct-ec2-test-eu-west-1-exec`;

function shipped(): PolicyDocument {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'resources', FILE), 'utf8'));
}

/** Just what the RCP rows read of a stage: a resolved stage needs a package otherwise. */
const stage = {
  stage: 'test',
  service: 'xacct-ec2',
  region: 'eu-west-1',
  partition: 'aws',
  homeAccountId: HOME,
  executionRole: { roleName: 'xacct-ec2-test-eu-west-1-exec', roleArn: EXEC_ROLE },
  functions: [],
  config: {
    targetRoleName: 'xacct-ec2-test-target',
    controlTagKey: 'xacct-ec2:managed',
    controlTagValue: 'test',
    targets: [{ accountId: TARGET, regions: ['eu-west-1'] }],
  },
} as unknown as ResolvedStage;

/** The matrix's own row for the product: the execution role assumes the target role. */
const productRow: MatrixCase = {
  id: 'assume/exec-configured',
  title: 'the function assumes the target role',
  target: TARGET,
  principal: 'exec via xacct-ec2-test-instances',
  action: 'sts:AssumeRole',
  resource: TARGET_ROLE,
  expected: 'Allowed',
  run: async () => {
    throw new Error('not evaluated here');
  },
};

describe('Function: buildRcpCases (the shipped RCP)', () => {
  it('stops others at the target role from every account, spares the execution role, keeps the product', async () => {
    // Act
    const { cases, notes } = await buildRcpCases(
      { stage, targetRoles: [] },
      [{ name: FILE, policy: shipped() }],
      [productRow],
    );

    // Assess
    const rows = cases.map((c) => [c.scp?.role, c.principal, c.action, c.expected]);
    expect(rows).toEqual([
      ['blocks', `role/developer (${TARGET})`, 'sts:AssumeRole', 'Denied'],
      ['blocks', `role/developer (${TARGET})`, 'sts:SetSourceIdentity', 'Denied'],
      ['blocks', `role/developer (${TARGET})`, 'sts:TagSession', 'Denied'],
      ['blocks', `role/developer (${HOME})`, 'sts:AssumeRole', 'Denied'],
      ['blocks', 'role/developer (999999999999)', 'sts:AssumeRole', 'Denied'],
      ['exception', `role/xacct-ec2-x-exec (${HOME})`, 'sts:AssumeRole', 'Allowed'],
      ['product', 'exec via xacct-ec2-test-instances', 'sts:AssumeRole', 'Allowed'],
    ]);
    expect(cases.every((c) => c.resource === TARGET_ROLE)).toBe(true);
    expect(
      cases.every(
        (c) => c.scp?.control === 'rcp' && c.scp.policy === FILE && c.scp.statement === SID,
      ),
    ).toBe(true);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(cases[0]?.title).toBe('RCP blocks: target role');
    expect(notes).toEqual([]);
  });

  it('still shows the target role when the Resource is narrowed past it', async () => {
    // Prepare
    const document = shipped();
    const [statement] = [document.Statement].flat();
    if (!statement) throw new Error(`${FILE} has no statement`);
    statement.Resource = 'arn:aws:iam::*:role/xacct-ec2-prod-target';

    // Act
    const { cases, notes } = await buildRcpCases(
      { stage, targetRoles: [] },
      [{ name: FILE, policy: document }],
      [productRow],
    );

    // Assess
    expect(cases.filter((c) => c.scp?.role === 'blocks').map((c) => c.resource)).toContain(
      TARGET_ROLE,
    );
    expect(notes).toEqual([`no --rcp statement covers the target role ${TARGET_ROLE}`]);
  });
});

describe('Guardrail: resources/rcp-target-role-assume.json', () => {
  const rcp: NamedPolicy = { name: FILE, source: `resources/${FILE}`, policy: shipped() };
  const allowAll: NamedPolicy = {
    name: 'AdministratorAccess',
    source: 'test',
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  };
  /** A trust loosened to anyone: the RCP must hold on its own. */
  const loosened: NamedPolicy & { kind: 'trust' } = {
    name: 'loosened trust',
    source: 'test',
    kind: 'trust',
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
        },
      ],
    },
  };
  const assume = (roleArn: string, action = 'sts:AssumeRole') => {
    const [, , , , account = '', resource = ''] = roleArn.split(':');
    return simulate({
      principal: `arn:aws:sts::${account}:assumed-role/${resource.split('/').pop()}/s`,
      action,
      resourceArn: TARGET_ROLE,
      resourceAccountId: TARGET,
      context: { 'aws:PrincipalArn': roleArn, 'aws:PrincipalAccount': account },
      identityPolicies: [allowAll],
      resourcePolicy: loosened,
      resourceControlPolicies: [rcp],
    });
  };

  it('is a valid RCP of STS actions only', () => {
    // Act
    const findings = checkGuardrail(rcp, 'rcp');
    const ec2 = checkGuardrail(
      {
        ...rcp,
        policy: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Deny', Principal: '*', Action: 'ec2:StartInstances', Resource: '*' },
          ],
        },
      },
      'rcp',
    );

    // Assess
    expect(findings).toEqual([]);
    expect(ec2.map((f) => f.message)).toEqual([
      expect.stringMatching(/RCPs apply only to .*sts.*, not ec2:StartInstances$/),
    ]);
  });

  it('denies a target-account role and tagging a session, naming the statement; allows the execution role', async () => {
    // Act
    const local = await assume(`arn:aws:iam::${TARGET}:role/developer`);
    const tags = await assume(`arn:aws:iam::${TARGET}:role/developer`, 'sts:TagSession');
    const exec = await assume(EXEC_ROLE);

    // Assess
    expect(local.result).toBe('ExplicitlyDenied');
    expect(local.deciding).toEqual([
      expect.objectContaining({ kind: 'rcp', policy: FILE, sid: SID }),
    ]);
    expect(tags.result).toBe('ExplicitlyDenied');
    expect(exec.result).toBe('Allowed');
    expect(exec.explanation).toContain(`RCP "${FILE}" statement ${SID} did not apply`);
  });

  it('names the RCP file and statement in a failing row, and in a matrix row it denies', async () => {
    // Prepare
    const allowed: PolicyDecision = {
      allowed: true,
      result: 'Allowed',
      explanation: '',
      deciding: [],
    };
    const row: MatrixCase = {
      ...productRow,
      id: 'rcp/x/blocks',
      expected: 'Denied',
      scp: { control: 'rcp', policy: FILE, statement: SID, role: 'blocks' },
      run: async () => allowed,
    };

    const deniedByRcp: PolicyDecision = {
      allowed: false,
      result: 'ExplicitlyDenied',
      explanation: '',
      deciding: [{ kind: 'rcp', policy: FILE, sid: SID, effect: 'Deny' }],
    };
    const matrixRow: MatrixCase = { ...productRow, run: async () => deniedByRcp };

    // Act
    const result = await evaluateCase('test', row, {} as PolicyAuthorizer);
    const product = await evaluateCase('test', matrixRow, {} as PolicyAuthorizer);

    // Assess
    expect(result).toMatchObject({ ok: false, hint: 'rcpDoesNotBlock' });
    expect(result.fix).toContain(`Fix: ${FILE}, statement ${SID}: its Resource must match`);
    expect(product).toMatchObject({ ok: false, hint: 'rcpBlocksExecutionRole' });
    expect(product.fix).toContain(`Fix: ${FILE}, statement ${SID}: keep the condition`);
  });
});
