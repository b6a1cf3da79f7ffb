/**
 * How verify --scp reads an SCP into matrix cases (scripts/verify/scp-statements.ts) and
 * how a failing SCP case names the file and statement to fix (case-result.ts). The cases over
 * packaged stages, and the shipped SCPs broken on purpose, are in verify.test.ts (slow set).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import { wildcardMatch } from '../../scripts/shared/iam-wildcard';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import type { CfnTemplate } from '../../scripts/shared/stack/package-stage';
import { decidingShort, evaluateCase } from '../../scripts/verify/case-result';
import type { ResolvedStage } from '../../scripts/verify/execution-role';
import type { MatrixCase } from '../../scripts/verify/matrix-case';
import { buildScpCases } from '../../scripts/verify/matrix-scp';
import type { PolicyAuthorizer } from '../../scripts/verify/policy-authorizer';
import {
  exceptedPrincipal,
  type Protection,
  protectionsOf,
  triggerContexts,
} from '../../scripts/verify/scp-statements';
import type { PolicyDecision } from '../../scripts/verify/simulate';

const CONTROL_TAG = 'xacct-ec2:managed';

function shipped(file: string): PolicyDocument {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'resources', file), 'utf8'));
}

function protections(file: string, document = shipped(file)): Protection[] {
  return protectionsOf(file, document).flatMap((r) => ('protection' in r ? [r.protection] : []));
}

function bySid(list: Protection[], sid: string): Protection {
  const found = list.find((p) => p.statement === sid);
  if (!found) throw new Error(`statement ${sid} is gone`);
  return found;
}

describe('Module: scp-statements', () => {
  it('reads the home SCP: its actions, resources and the deploy-role exception', () => {
    // Act
    const read = protections('scp-home-deployment.json');

    // Assess
    const functions = bySid(read, 'ProtectTheFunctionsExceptDeployRole');
    expect(functions.actions).toContain('lambda:UpdateFunctionCode');
    expect(functions.resources).toEqual(['arn:aws:lambda:*:*:function:xacct-ec2-*']);
    expect(functions.exceptions).toEqual(['arn:aws:iam::*:role/xacct-ec2-deployer']);
    expect(functions.conditions).toEqual([]);
    expect(read.map((p) => p.statement)).toHaveLength(5);
  });

  it('turns the target SCP conditions into the context that triggers each statement', () => {
    // Prepare
    const read = protections('scp-target-control-tag.json');

    // Act
    const changes = triggerContexts(
      bySid(read, 'DenyControlTagChangesExceptTagAdmin'),
      CONTROL_TAG,
    );
    const deleteAll = triggerContexts(
      bySid(read, 'DenyDeletingAllTagsExceptTagAdmin'),
      CONTROL_TAG,
    );
    const launch = triggerContexts(
      bySid(read, 'DenyLaunchingIntoAScheduleExceptTagAdmin'),
      CONTROL_TAG,
    );

    // Assess
    expect(changes).toEqual({
      triggers: { 'aws:TagKeys': [CONTROL_TAG] },
      otherTag: { context: { 'aws:TagKeys': ['Name'] }, key: 'Name' },
    });
    expect(deleteAll).toEqual({
      triggers: {},
      otherTag: { context: { 'aws:TagKeys': ['Name'] }, key: 'Name' },
    });
    expect(launch).toMatchObject({
      triggers: { 'aws:TagKeys': [CONTROL_TAG], 'ec2:CreateAction': 'RunInstances' },
      otherTag: { context: { 'aws:TagKeys': ['Name'], 'ec2:CreateAction': 'RunInstances' } },
    });
  });

  it('says why a statement on another tag key, or an unmodelled condition, gets no cases', () => {
    // Prepare
    const document: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ProtectCostCenter',
          Effect: 'Deny',
          Action: 'ec2:CreateTags',
          Resource: '*',
          Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['CostCenter'] } },
        },
        {
          Sid: 'OnlyFromTheOffice',
          Effect: 'Deny',
          Action: 'ec2:CreateTags',
          Resource: '*',
          Condition: { NotIpAddress: { 'aws:SourceIp': '192.0.2.0/24' } },
        },
        { Sid: 'Wildcard', Effect: 'Deny', Action: 'lambda:Update*', Resource: '*' },
      ],
    };

    // Act
    const reads = protectionsOf('custom.json', document);
    const [tag, ip] = protections('custom.json', document);

    // Assess
    expect(triggerContexts(tag as Protection, CONTROL_TAG)).toBe(
      `its aws:TagKeys (CostCenter) does not name the control tag ${CONTROL_TAG}`,
    );
    expect(triggerContexts(ip as Protection, CONTROL_TAG)).toBe(
      'condition NotIpAddress aws:SourceIp is not modelled',
    );
    expect(reads[2]).toEqual({
      skipped:
        'custom.json statement Wildcard: wildcard actions are not expanded into cases; list the actions',
    });
  });

  it('makes an exception pattern a concrete role in the account, or none for another account', () => {
    // Act
    const anyAccount = exceptedPrincipal('arn:aws:iam::*:role/xacct-ec2-deployer', '111111111111');
    const other = exceptedPrincipal('arn:aws:iam::999999999999:role/deployer', '111111111111');
    const prefix = exceptedPrincipal('arn:aws:iam::*:role/deploy-*', '111111111111');

    // Assess
    expect(anyAccount).toBe('arn:aws:iam::111111111111:role/xacct-ec2-deployer');
    expect(other).toBeUndefined();
    expect(prefix).toBe('arn:aws:iam::111111111111:role/deploy-x');
    expect(wildcardMatch('arn:aws:lambda:*:*:function:xacct-ec2-*', prefix ?? '')).toBe(false);
  });
});

describe('Module: case-result (SCP cases)', () => {
  const authorizer = {} as PolicyAuthorizer;
  const denied: PolicyDecision = {
    allowed: false,
    result: 'ExplicitlyDenied',
    explanation: 'Explicitly denied by SCP "scp-home-deployment.json"',
    deciding: [
      {
        kind: 'scp',
        policy: 'scp-home-deployment.json',
        sid: 'ProtectTheFunctionsExceptDeployRole',
        effect: 'Deny',
      },
    ],
  };
  const allowed: PolicyDecision = {
    allowed: true,
    result: 'Allowed',
    explanation: 'Allowed',
    deciding: [],
  };
  const scpCase = (role: 'blocks' | 'exception', decision: PolicyDecision): MatrixCase => ({
    id: `scp/x/${role}`,
    title: role,
    target: '111111111111',
    principal: 'role/developer (111111111111)',
    action: 'lambda:UpdateFunctionCode',
    resource: 'arn:aws:lambda:eu-west-1:111111111111:function:xacct-ec2-test-http',
    expected: role === 'blocks' ? 'Denied' : 'Allowed',
    scp: {
      policy: 'scp-home-deployment.json',
      statement: 'ProtectTheFunctionsExceptDeployRole',
      role,
    },
    run: async () => decision,
  });

  it('names the statement the case comes from when the SCP does not block', async () => {
    // Act
    const result = await evaluateCase('test', scpCase('blocks', allowed), authorizer);

    // Assess
    expect(result).toMatchObject({ ok: false, hint: 'scpDoesNotBlock' });
    expect(result.fix).toContain(
      'Fix: scp-home-deployment.json, statement ProtectTheFunctionsExceptDeployRole: its Resource must match',
    );
  });

  it('names the statement that denied when the SCP blocks the role it spares', async () => {
    // Act
    const result = await evaluateCase('test', scpCase('exception', denied), authorizer);

    // Assess
    expect(result).toMatchObject({
      ok: false,
      hint: 'scpBlocksException',
      deciding: 'scp(scp-home-deployment.json):ProtectTheFunctionsExceptDeployRole(Deny)',
    });
    expect(result.fix).toContain(
      'Fix: scp-home-deployment.json, statement ProtectTheFunctionsExceptDeployRole: keep the role',
    );
  });

  it('shows an SCP statement that did not apply to an allowed request', () => {
    // Act
    const short = decidingShort([
      { kind: 'identity', policy: 'AdministratorAccess', sid: 'AllowEverything', effect: 'Allow' },
      {
        kind: 'scp',
        policy: 'scp-home-deployment.json',
        sid: 'ProtectTheFunctionsExceptDeployRole',
        effect: 'None',
      },
    ]);

    // Assess
    expect(short).toBe(
      'identity:AllowEverything + scp(scp-home-deployment.json):ProtectTheFunctionsExceptDeployRole(not applied)',
    );
  });
});

describe('Module: matrix-scp', () => {
  /** Just what the SCP cases read of a stage: a resolved stage needs a package otherwise. */
  const stage = {
    stage: 'test',
    service: 'xacct-ec2',
    region: 'eu-west-1',
    partition: 'aws',
    homeAccountId: '111111111111',
    executionRole: { roleName: 'xacct-ec2-test-eu-west-1-exec' },
    functions: ['instances', 'http'].map((name) => ({
      logicalId: name,
      name: `xacct-ec2-test-${name}`,
      arn: `arn:aws:lambda:eu-west-1:111111111111:function:xacct-ec2-test-${name}`,
    })),
    config: {
      targetRoleName: 'xacct-ec2-test-target',
      controlTagKey: CONTROL_TAG,
      controlTagValue: 'test',
      targets: [{ accountId: '222222222222', regions: ['eu-west-1'] }],
    },
  } as unknown as ResolvedStage;
  const template: CfnTemplate = {
    Resources: {
      Exec: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'xacct-ec2-test-eu-west-1-exec' } },
      Engine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { StateMachineName: 'xacct-ec2-test-engine' },
      },
    },
  };
  const scp = (file: string, document = shipped(file)) => ({ name: file, policy: document });

  it('shows every function, role and the state machine blocked, and the deploy role spared', async () => {
    // Act
    const { cases, notes } = await buildScpCases(
      { stage, targetRoles: [] },
      template,
      [scp('scp-home-deployment.json')],
      [],
    );

    // Assess
    const blocked = cases.filter((c) => c.scp?.role === 'blocks');
    expect(
      new Set(blocked.filter((c) => c.action.startsWith('lambda:')).map((c) => c.resource)),
    ).toEqual(new Set(stage.functions.map((f) => f.arn)));
    expect(blocked.map((c) => c.action)).toEqual(
      expect.arrayContaining(['lambda:UpdateFunctionConfiguration', 'iam:UpdateAssumeRolePolicy']),
    );
    expect(
      blocked.every(
        (c) =>
          c.principal === 'role/developer (111111111111)' ||
          c.principal === 'role/developer (222222222222)',
      ),
    ).toBe(true);
    expect(cases.filter((c) => c.scp?.role === 'exception').map((c) => c.principal)).toContain(
      'role/xacct-ec2-deployer (111111111111)',
    );
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    expect(blocked.map((c) => [c.action, c.resource])).toContainEqual([
      'states:UpdateStateMachine',
      'arn:aws:states:eu-west-1:111111111111:stateMachine:xacct-ec2-test-engine',
    ]);
    expect(notes.filter((n) => n.includes('covers the state machine'))).toEqual([]);
  });

  it('names a stage resource no SCP covers', async () => {
    // Prepare: the home SCP without its state machine statement
    const document = shipped('scp-home-deployment.json');
    const statements = [document.Statement].flat();
    const withoutEngine = scp('scp-home-deployment.json', {
      ...document,
      Statement: statements.filter((s) => s.Sid !== 'ProtectTheEngineExceptDeployRole'),
    });

    // Act
    const { notes } = await buildScpCases(
      { stage, targetRoles: [] },
      template,
      [withoutEngine],
      [],
    );

    // Assess
    expect(notes).toContain(
      'no --scp statement covers the state machine arn:aws:states:eu-west-1:111111111111:stateMachine:xacct-ec2-test-engine',
    );
  });

  it('notes a misspelt action instead of dropping it silently', async () => {
    // Prepare
    const document = shipped('scp-home-deployment.json');
    const statements = document.Statement as { Sid?: string; Action?: string[] }[];
    statements
      .find((s) => s.Sid === 'ProtectTheFunctionsExceptDeployRole')
      ?.Action?.push('lambda:UpdateFunctionCod');

    // Act
    const { notes } = await buildScpCases(
      { stage, targetRoles: [] },
      template,
      [scp('scp-home-deployment.json', document)],
      [],
    );

    // Assess
    expect(notes.join('\n')).toContain(
      'scp-home-deployment.json statement ProtectTheFunctionsExceptDeployRole: lambda:UpdateFunctionCod:',
    );
  });
});
