// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${Name} is CloudFormation's Fn::Sub syntax in the planted template changes
/**
 * Planted mutations, one or more per class of widening, run through verify over the real
 * packaged stage and the real target template: each must fail naming the file, the statement
 * and the fix. The auditor's examples are here, and for each class one more of the same kind
 * that no check was told about by name, so the class stays caught (not the example).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import type { PackagedStage } from '../../scripts/shared/stack/package-stage';
import type { HintId } from '../../scripts/verify/hints';
import {
  type StageReport,
  type VerifyOptions,
  type VerifyReport,
  verify,
} from '../../scripts/verify/run-verify';
import type { WorldPolicy } from '../../scripts/verify/world';
import { packaged as packagedDocuments } from '../helpers/packaged';
import { targetTemplate } from './documents';

type Json = Record<string, unknown>;
const HOME = '111111111111';
// Each case runs verify over a whole stage (the matrix and the shipped guardrails): seconds each.
jest.setTimeout(120_000);

let original: PackagedStage;

beforeAll(async () => {
  original = await packagedDocuments({ stage: 'test' });
}, 180_000);

function run(options: VerifyOptions & { stage?: PackagedStage } = {}): Promise<VerifyReport> {
  const { stage, ...rest } = options;
  return verify({
    stages: ['test'],
    ...rest,
    documents: { packaged: async () => stage ?? original, ...rest.documents },
  });
}

const findingsOf = (report: VerifyReport): StageReport['findings'] =>
  report.stages.flatMap((s) => s.findings);

/** The packaged test stage with one change to its template. */
function mutated(change: (resources: Record<string, Json>) => void): PackagedStage {
  const copy = structuredClone(original);
  change(copy.template.Resources as unknown as Record<string, Json>);
  return copy;
}

/** A role's trust statements. */
function trustOf(resources: Record<string, Json>, roleId: string): Json[] {
  const role = resources[roleId]?.Properties as
    | { AssumeRolePolicyDocument: { Statement: Json[] } }
    | undefined;
  if (!role) throw new Error(`${roleId} is gone`);
  return role.AssumeRolePolicyDocument.Statement;
}

/** The statements of a role's first inline policy. */
function statementsOf(resources: Record<string, Json>, roleId: string): Json[] {
  const role = resources[roleId]?.Properties as {
    Policies: { PolicyDocument: { Statement: unknown } }[];
  };
  const document = role.Policies[0]?.PolicyDocument;
  if (!document) throw new Error(`${roleId} has no inline policy`);
  if (!Array.isArray(document.Statement)) document.Statement = [document.Statement];
  return document.Statement as Json[];
}

function expectFailure(
  report: VerifyReport,
  expected: { hint: HintId; source: string | RegExp; statement?: string; message?: RegExp },
): void {
  expect(report.ok).toBe(false);
  expect(findingsOf(report)).toContainEqual(
    expect.objectContaining({
      hint: expected.hint,
      source:
        typeof expected.source === 'string'
          ? expect.stringContaining(expected.source)
          : expect.stringMatching(expected.source),
      ...(expected.statement ? { statement: expected.statement } : {}),
      ...(expected.message ? { message: expect.stringMatching(expected.message) } : {}),
      fix: expect.stringContaining('Fix: '),
    }),
  );
}

describe('verify: planted mutations, the stack roles (every role against its intent)', () => {
  it('passes the shipped documents, with the shipped guardrails proven', async () => {
    // Act
    const report = await run();

    // Assess
    expect(findingsOf(report)).toEqual([]);
    expect(report.ok).toBe(true);
    const guardrailRows = report.stages[0]?.cases.filter((c) => c.scp?.role === 'blocks') ?? [];
    const statements = new Set(guardrailRows.map((c) => c.scp?.statement));
    // Ten guardrail statements block a row, DenyRdsControlTagChangesExceptTagAdmin among them.
    expect(statements.size).toBe(10);
    expect(statements).toContain('DenyRdsControlTagChangesExceptTagAdmin');
  });

  it.each([
    ['HttpEngineRunsRole', 'states:StartExecution', '*', 'stackRoleTooPowerful'],
    ['HttpEngineRunsRole', 'ec2:*', '*', 'stackRoleTooPowerful'],
    ['SchedulerInvokeRole', 'lambda:InvokeFunction', '*', 'stackRoleTooPowerful'],
    // New of the same kind: a pattern that looks scoped but reaches every function of the stage.
    [
      'EngineStateMachineRole',
      'lambda:InvokeFunction',
      `arn:aws:lambda:eu-west-1:${HOME}:function:xacct-ec2-test-*`,
      'stackRoleTooPowerful',
    ],
    [
      'EngineSummariseRole',
      'events:PutEvents',
      `arn:aws:events:eu-west-1:${HOME}:event-bus/*`,
      'engineRoleTooPowerful',
    ],
  ] as const)('fails when %s is given %s on %s', async (roleId, action, resource, hint) => {
    // Prepare
    const stage = mutated((r) =>
      statementsOf(r, roleId).push({
        Sid: 'Planted',
        Effect: 'Allow',
        Action: action,
        Resource: resource,
      }),
    );

    // Act
    const report = await run({ stage });

    // Assess
    expectFailure(report, {
      hint,
      source: `(${roleId} policy`,
      statement: 'Planted',
      message: /beyond its intent/,
    });
  });

  it('reports, without crashing, the http role given sts:AssumeRole (no longer "expected one execution role")', async () => {
    // Prepare
    const stage = mutated((r) =>
      statementsOf(r, 'HttpEngineRunsRole').push({
        Sid: 'Planted',
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Resource: '*',
      }),
    );

    // Act
    const report = await run({ stage });

    // Assess
    expectFailure(report, {
      hint: 'stackRoleTooPowerful',
      source: 'HttpEngineRunsRole',
      statement: 'Planted',
    });
    expect(report.stages[0]?.cases.length).toBeGreaterThan(100);
  });

  it('reads an AWS::IAM::Policy attached through Roles, and fails on what it grants', async () => {
    // Prepare
    const stage = mutated((r) => {
      r.PlantedPolicy = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'planted',
          Roles: [{ Ref: 'EngineStartRole' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: {
              Sid: 'ReadEverything',
              Effect: 'Allow',
              Action: 's3:GetObject',
              Resource: '*',
            },
          },
        },
      };
    });

    // Act
    const report = await run({ stage });

    // Assess
    expectFailure(report, {
      hint: 'engineRoleTooPowerful',
      source: 'Resources.PlantedPolicy',
      statement: 'ReadEverything',
    });
  });

  it('fails on a managed policy attached by ARN (it cannot be read offline)', async () => {
    // Prepare
    const stage = mutated((r) => {
      const role = r.EngineLogsOnlyRole?.Properties as Json;
      role.ManagedPolicyArns = ['arn:aws:iam::aws:policy/AdministratorAccess'];
    });

    // Act
    const report = await run({ stage });

    // Assess
    expectFailure(report, {
      hint: 'unverifiable',
      source: 'EngineLogsOnlyRole.Properties.ManagedPolicyArns',
    });
  });

  it('fails on a role no intent declares, and on NotAction in an Allow', async () => {
    // Prepare
    const stage = mutated((r) => {
      r.PlantedRole = structuredClone(r.EngineLogsOnlyRole) as Json;
      statementsOf(r, 'EngineSummariseRole').push({
        Sid: 'AllButIam',
        Effect: 'Allow',
        NotAction: 'iam:*',
        Resource: '*',
      });
    });

    // Act
    const report = await run({ stage });

    // Assess
    expectFailure(report, { hint: 'roleWithoutIntent', source: 'Resources.PlantedRole' });
    expectFailure(report, {
      hint: 'engineRoleTooPowerful',
      source: 'EngineSummariseRole',
      statement: 'AllButIam',
      message: /NotAction/,
    });
  });

  it('fails when a role loses a grant the product needs (the http role cannot read runs)', async () => {
    // Prepare
    const stage = mutated((r) => {
      const statements = statementsOf(r, 'HttpEngineRunsRole');
      statements.splice(
        statements.findIndex((s) => s.Sid === 'ReadEngineRuns'),
        1,
      );
    });

    // Act
    const report = await run({ stage });

    // Assess
    expectFailure(report, {
      hint: 'roleCannotDoItsJob',
      source: 'Resources.HttpEngineRunsRole',
      message: /states:DescribeExecution/,
    });
  });
});

describe('verify: planted mutations, trusts (exactly the intended principals)', () => {
  it('fails when the target role trusts another home role in a second statement', async () => {
    // Prepare
    const template = targetTemplate();
    template.Resources.TargetRole.Properties.AssumeRolePolicyDocument.Statement.push({
      Sid: 'AlsoTheCiRole',
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HomeAccountId}:root' } },
      Action: 'sts:AssumeRole',
      Condition: {
        ArnEquals: {
          'aws:PrincipalArn': { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HomeAccountId}:role/ci' },
        },
      },
    });

    // Act
    const report = await run({ documents: { targetTemplate: template } });

    // Assess
    expectFailure(report, {
      hint: 'trustBeyondIntent',
      source: 'resources/target-account-role.yml',
      statement: 'AlsoTheCiRole',
      message: /role\/ci/,
    });
  });

  it('fails when the target role names another role as its principal directly', async () => {
    // Prepare
    const template = targetTemplate();
    template.Resources.TargetRole.Properties.AssumeRolePolicyDocument.Statement.push({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${HOME}:role/ops` },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    });

    // Act
    const report = await run({ documents: { targetTemplate: template } });

    // Assess
    expectFailure(report, {
      hint: 'trustBeyondIntent',
      source: 'resources/target-account-role.yml',
      message: /role\/ops.*|sts:TagSession/,
    });
  });

  it('fails when a stack role trusts another service, or everyone but a NotPrincipal', async () => {
    // Prepare
    const stage = mutated((r) => {
      const http = trustOf(r, 'HttpEngineRunsRole');
      http.push({
        Sid: 'AlsoEc2',
        Effect: 'Allow',
        Principal: { Service: 'ec2.amazonaws.com' },
        Action: 'sts:AssumeRole',
      });
      const start = trustOf(r, 'EngineStartRole');
      start.push({
        Sid: 'AllButMe',
        Effect: 'Allow',
        NotPrincipal: { AWS: `arn:aws:iam::${HOME}:root` },
        Action: 'sts:AssumeRole',
      });
    });

    // Act
    const report = await run({ stage });

    // Assess
    expectFailure(report, {
      hint: 'trustBeyondIntent',
      source: 'HttpEngineRunsRole AssumeRolePolicyDocument',
      statement: 'AlsoEc2',
    });
    expectFailure(report, {
      hint: 'trustBeyondIntent',
      source: 'EngineStartRole AssumeRolePolicyDocument',
      statement: 'AllButMe',
    });
  });
});

/** The target template's Fn::Sub JSON start/stop policy, changed. */
function withStartStop(change: (statement: Json) => void) {
  const template = targetTemplate();
  for (const policy of template.Resources.TargetRole.Properties.Policies) {
    const sub = (policy.PolicyDocument as Json | undefined)?.['Fn::Sub'];
    if (typeof sub !== 'string') continue;
    const document = JSON.parse(sub) as { Statement: Json[] };
    const statement = document.Statement.find((s) => s.Sid === 'StartStopControlTaggedInstances');
    if (!statement) continue;
    change(statement);
    policy.PolicyDocument = { 'Fn::Sub': JSON.stringify(document) };
    return template;
  }
  throw new Error('StartStopControlTaggedInstances is gone');
}

type Expected = Parameters<typeof expectFailure>[1];

/** What the target role may do: each a mutated target template and the finding it must raise. */
const TARGET_ROLE_MUTATIONS: Array<[title: string, mutated: () => Json, expected: Expected]> = [
  [
    'fails when an AWS managed EC2 policy reaches the target role by ARN',
    () => {
      const template = targetTemplate();
      (template.Resources.TargetRole.Properties as Json).ManagedPolicyArns = [
        'arn:aws:iam::aws:policy/AmazonEC2FullAccess',
      ];
      return template as unknown as Json;
    },
    {
      hint: 'unverifiable',
      source: 'resources/target-account-role.yml Resources.TargetRole.Properties.ManagedPolicyArns',
    },
  ],
  [
    'fails when start/stop is scoped by another tag than the control tag',
    () =>
      withStartStop((s) => {
        s.Condition = { StringEquals: { 'aws:ResourceTag/Owner': '${ControlTagValue}' } };
      }) as unknown as Json,
    {
      hint: 'controlTagNotEnforced',
      source: 'resources/target-account-role.yml',
      statement: 'StartStopControlTaggedInstances',
      message: /another tag/,
    },
  ],
  [
    'fails when the control tag admits another value too (a list)',
    () =>
      withStartStop((s) => {
        s.Condition = {
          StringEquals: { 'aws:ResourceTag/${ControlTagKey}': ['${ControlTagValue}', 'prod'] },
        };
      }) as unknown as Json,
    {
      hint: 'controlTagNotEnforced',
      statement: 'StartStopControlTaggedInstances',
      source: 'resources/target-account-role.yml',
    },
  ],
  [
    'reads an AWS::IAM::Policy of the target template attached to the role, and fails on terminate',
    () => {
      const template = targetTemplate() as unknown as { Resources: Record<string, Json> };
      template.Resources.Planted = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'planted',
          Roles: [{ Ref: 'TargetRole' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'Terminate',
                Effect: 'Allow',
                Action: 'ec2:TerminateInstances',
                Resource: '*',
              },
            ],
          },
        },
      };
      return template as unknown as Json;
    },
    { hint: 'targetRoleTooPowerful', source: 'Resources.Planted', statement: 'Terminate' },
  ],
  [
    'fails when the ExternalId deny gets a second condition that narrows it',
    () => {
      const template = targetTemplate();
      const statements = template.Resources.TargetRole.Properties.AssumeRolePolicyDocument
        .Statement as Json[];
      const branch = statements
        .map((s) => (s['Fn::If'] as Json[] | undefined)?.[1])
        .find((b) => b?.Sid === 'RequireExternalId');
      if (!branch) throw new Error('RequireExternalId is gone');
      (branch.Condition as Json).StringEquals = { 'aws:PrincipalTag/team': 'never' };
      return template as unknown as Json;
    },
    {
      hint: 'externalIdNotEnforced',
      statement: 'RequireExternalId',
      source: 'resources/target-account-role.yml',
    },
  ],
];

describe('verify: planted mutations, what the target role may do', () => {
  it.each(TARGET_ROLE_MUTATIONS)('%s', async (_title, mutated, expected) => {
    // Prepare
    const template = mutated();

    // Act
    const report = await run({ documents: { targetTemplate: template } });

    // Assess
    expectFailure(report, expected);
  });
});

/** The packaged stage with other caller rules in the config its bundles carry. */
function withCallers(callers: Json[]): PackagedStage {
  const copy = structuredClone(original);
  copy.bundledConfigJson = JSON.stringify({ ...JSON.parse(copy.bundledConfigJson), callers });
  return copy;
}

describe('verify: planted mutations, caller rules', () => {
  it.each([
    [
      { account: '999999999999', principal: 'role/ops-oncall', actions: ['stop'] },
      'callerRuleOtherAccount',
    ],
    [{ account: HOME, principal: 'role/AWSReservedSSO_*', actions: ['stop'] }, 'callerRuleTooWide'],
    // New of the same kind: a shorter prefix that still covers every permission set.
    [{ account: HOME, principal: 'role/AWS*', actions: ['start'] }, 'callerRuleTooWide'],
  ] as const)('fails on %j', async (rule, hint) => {
    // Act
    const report = await run({ stage: withCallers([rule]) });

    // Assess
    expectFailure(report, {
      hint,
      source: 'serverless.yml params.callers',
      statement: 'callers[0]',
    });
  });
});

function shippedPolicy(file: string): PolicyDocument {
  return JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'resources', file), 'utf8'),
  ) as PolicyDocument;
}

/** The shipped guardrails with one statement changed (`undefined`: deleted). */
function guardrails(file: string, sid: string, change: (s: Json) => Json | undefined) {
  const all = [
    'scp-home-deployment.json',
    'scp-target-control-tag.json',
    'rcp-target-role-assume.json',
  ];
  const policies: WorldPolicy[] = all.map((name) => {
    const policy = shippedPolicy(name);
    if (name === file) {
      const statements = policy.Statement as Json[];
      const index = statements.findIndex((s) => s.Sid === sid);
      if (index < 0) throw new Error(`${sid} is gone from ${file}`);
      const changed = change(statements[index] as Json);
      if (changed) statements[index] = changed;
      else statements.splice(index, 1);
    }
    return { name, policy };
  });
  return {
    serviceControlPolicies: policies.filter((p) => p.name.startsWith('scp-')),
    resourceControlPolicies: policies.filter((p) => p.name.startsWith('rcp-')),
  };
}

describe('verify: planted mutations, the shipped guardrails', () => {
  it('fails when the statement protecting the control tag is deleted', async () => {
    // Act
    const report = await run(
      guardrails(
        'scp-target-control-tag.json',
        'DenyControlTagChangesExceptTagAdmin',
        () => undefined,
      ),
    );

    // Assess
    expectFailure(report, {
      hint: 'guardrailWeakened',
      source: 'resources/scp-target-control-tag.json',
      statement: 'DenyControlTagChangesExceptTagAdmin',
      message: /is missing/,
    });
  });

  it('fails when an action is removed from a statement', async () => {
    // Act
    const report = await run(
      guardrails('scp-home-deployment.json', 'ProtectTheServiceRolesExceptDeployRole', (s) => ({
        ...s,
        Action: (s.Action as string[]).filter((a) => a !== 'iam:UpdateAssumeRolePolicy'),
      })),
    );

    // Assess
    expectFailure(report, {
      hint: 'guardrailWeakened',
      statement: 'ProtectTheServiceRolesExceptDeployRole',
      source: 'resources/scp-home-deployment.json',
      message: /iam:UpdateAssumeRolePolicy/,
    });
  });

  it('fails when a Resource is narrowed past a kind of the stage (the schedule group)', async () => {
    // Act
    const report = await run(
      guardrails('scp-home-deployment.json', 'ProtectTheSchedulesExceptDeployRole', (s) => ({
        ...s,
        Resource: 'arn:aws:scheduler:*:*:schedule/xacct-ec2-*/*',
      })),
    );

    // Assess
    expectFailure(report, {
      hint: 'guardrailUnproven',
      statement: 'ProtectTheSchedulesExceptDeployRole',
      source: 'resources/scp-home-deployment.json',
      message: /schedule group/,
    });
  });

  it('fails when the exception is widened to every role', async () => {
    // Act
    const report = await run(
      guardrails(
        'rcp-target-role-assume.json',
        'OnlyTheHomeExecutionRoleAssumesTheTargetRole',
        (s) => ({
          ...s,
          Condition: { ArnNotLike: { 'aws:PrincipalArn': [`arn:aws:iam::${HOME}:role/*`] } },
        }),
      ),
    );

    // Assess
    expectFailure(report, {
      hint: 'guardrailWeakened',
      statement: 'OnlyTheHomeExecutionRoleAssumesTheTargetRole',
      source: 'resources/rcp-target-role-assume.json',
      message: /spares/,
    });
  });

  it('proves a statement written with a wildcard action by its declared actions, and fails when it no longer covers them', async () => {
    // Prepare: the same statement as ec2:*Tags (still the declared CreateTags and DeleteTags)
    const wildcard = guardrails(
      'scp-target-control-tag.json',
      'DenyControlTagChangesExceptTagAdmin',
      (s) => ({
        ...s,
        Action: 'ec2:*Tags',
      }),
    );
    const narrowed = guardrails(
      'scp-target-control-tag.json',
      'DenyControlTagChangesExceptTagAdmin',
      (s) => ({
        ...s,
        Action: 'ec2:Create*',
      }),
    );

    // Act
    const proven = await run(wildcard);
    const weakened = await run(narrowed);

    // Assess
    expect(findingsOf(proven)).toEqual([]);
    const rows = proven.stages[0]?.cases.filter(
      (c) => c.scp?.statement === 'DenyControlTagChangesExceptTagAdmin' && c.scp.role === 'blocks',
    );
    expect(rows?.map((c) => c.action).sort()).toEqual(['ec2:CreateTags', 'ec2:DeleteTags']);
    expectFailure(weakened, {
      hint: 'guardrailWeakened',
      statement: 'DenyControlTagChangesExceptTagAdmin',
      source: 'resources/scp-target-control-tag.json',
      message: /ec2:DeleteTags/,
    });
  });

  it('fails on a new statement without a declared purpose', async () => {
    // Prepare
    const options = guardrails(
      'scp-target-control-tag.json',
      'DenyDeletingAllTagsExceptTagAdmin',
      (s) => s,
    );
    const controlTag = options.serviceControlPolicies.find(
      (p) => p.name === 'scp-target-control-tag.json',
    );
    if (!controlTag) throw new Error('scp-target-control-tag.json is gone');
    (controlTag.policy.Statement as Json[]).push({
      Sid: 'Undeclared',
      Effect: 'Deny',
      Action: 'ec2:TerminateInstances',
      Resource: '*',
    });

    // Act
    const report = await run(options);

    // Assess
    expectFailure(report, {
      hint: 'guardrailWeakened',
      statement: 'Undeclared',
      source: 'resources/scp-target-control-tag.json',
    });
  });
});

describe('verify: planted mutations, odd shapes are findings, never a crash', () => {
  it('reads Statement as an object, Action as a string, Fn::If in a policy, and an unknown operator', async () => {
    // Prepare
    const stage = mutated((r) => {
      const role = r.EngineSummariseRole?.Properties as { Policies: Json[] };
      role.Policies.push({
        PolicyName: 'odd',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: {
            'Fn::If': [
              'NoSuchCondition',
              { Sid: 'Then', Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
              { Ref: 'AWS::NoValue' },
            ],
          },
        },
      });
      statementsOf(r, 'EngineStartRole').push({
        Sid: 'Weird',
        Effect: 'Allow',
        Action: 'states:StartExecution',
        Resource: '*',
        Condition: { NoSuchOperator: { 'aws:SourceIp': null } },
      });
    });

    // Act
    const report = await run({ stage });

    // Assess
    expectFailure(report, {
      hint: 'malformedPolicy',
      source: 'Resources.EngineSummariseRole.Properties.Policies',
      message: /NoSuchCondition/,
    });
    expectFailure(report, {
      hint: 'engineRoleTooPowerful',
      source: 'EngineStartRole',
      statement: 'Weird',
    });
  });
});
