import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ACKNOWLEDGEMENTS, type Acknowledgement } from '../../scripts/verify/nag-acknowledgements';
import type { LintDocument } from '../../scripts/verify/nag-documents';
import { judge, staleAcknowledgements } from '../../scripts/verify/nag-findings';
import type { Finding } from '../../scripts/verify/nag-pack';
import { formatLintReport, lintCfn } from '../../scripts/verify/run-lint';
import { renderTargetRoleTemplate } from '../../scripts/verify/target-role';

const ACCOUNT = '222222222222';

interface RoleTemplate {
  Resources: {
    TargetRole: {
      Properties: {
        Policies: { PolicyDocument: { Statement: Record<string, unknown>[] } }[];
      };
    };
  };
}

/** The target role as it deploys for one account, in object form. */
function renderedRole(): RoleTemplate {
  return renderTargetRoleTemplate(
    {
      HomeAccountId: '111111111111',
      ExecutionRoleName: 'xacct-ec2-test-eu-west-1-exec',
      ExternalId: 'ext-123',
      RoleName: 'xacct-ec2-test-target',
      ControlTagValue: 'test',
      Regions: ['eu-west-1'],
    },
    { accountId: ACCOUNT, region: 'eu-west-1' },
  ) as unknown as RoleTemplate;
}

function roleDocument(template: object): LintDocument {
  return {
    kind: 'target-role',
    name: `test: target role rendered for ${ACCOUNT}`,
    source: 'resources/target-account-role.yml',
    template,
    accountId: ACCOUNT,
    region: 'eu-west-1',
    vars: { service: 'xacct-ec2', stage: 'test', account: ACCOUNT },
  };
}

/** The statement with this Sid in the role's first policy; throws if it moved. */
function statement(template: RoleTemplate, sid: string): Record<string, unknown> {
  const policy = template.Resources.TargetRole.Properties.Policies[0];
  const found = policy?.PolicyDocument.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`statement ${sid} is no longer in the rendered role`);
  return found;
}

const finding = (rule: string, resource: string): Finding => ({
  pack: 'AwsSolutions',
  rule,
  resource,
  reason: 'reason',
  severity: 'error',
});

describe('Function: lintCfn (AwsSolutions pack on the rendered target role)', () => {
  it('passes the role as it deploys: its wildcards (EC2 and RDS) are acknowledged for their statements', async () => {
    // Prepare
    const documents = [roleDocument(renderedRole())];

    // Act
    const report = await lintCfn({ documents, awsSolutionsOnly: true });

    // Assess
    expect(report.ok).toBe(true);
    expect(report.documents[0]?.acknowledged.map((f) => f.rule)).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      `AwsSolutions-IAM5[Resource::arn:aws:ec2:*:${ACCOUNT}:instance/*]`,
      `AwsSolutions-IAM5[Resource::arn:aws:rds:*:${ACCOUNT}:db:*]`,
      `AwsSolutions-IAM5[Resource::arn:aws:rds:*:${ACCOUNT}:cluster:*]`,
    ]);
  });

  it('fails on a "*" resource given to start/stop, naming the rule, the resource and the statement', async () => {
    // Prepare
    const template = renderedRole();
    statement(template, 'StartStopControlTaggedInstances').Resource = '*';

    // Act
    const report = await lintCfn({ documents: [roleDocument(template)], awsSolutionsOnly: true });
    const output = formatLintReport(report);

    // Assess
    expect(report.ok).toBe(false);
    expect(report.documents[0]?.open).toEqual([
      expect.objectContaining({
        rule: 'AwsSolutions-IAM5[Resource::*]',
        resource: 'TargetRole',
        reason: expect.stringContaining(
          'In statement DescribeInstances, StartStopControlTaggedInstances, DescribeDatabases.',
        ),
      }),
    ]);
    expect(output).toContain('✗ AwsSolutions-IAM5[Resource::*]  TargetRole');
    expect(output).toContain('lint:cfn: FAIL — 1 open');
  });

  it('fails on a wildcard action no acknowledgement covers', async () => {
    // Prepare
    const template = renderedRole();
    statement(template, 'DescribeInstances').Action = 'ec2:*';

    // Act
    const report = await lintCfn({ documents: [roleDocument(template)], awsSolutionsOnly: true });

    // Assess
    expect(report.documents[0]?.open.map((f) => [f.rule, f.resource])).toEqual([
      ['AwsSolutions-IAM5[Action::ec2:*]', 'TargetRole'],
    ]);
  });
});

describe('Function: judge', () => {
  const ack = (overrides: Partial<Acknowledgement>): Acknowledgement => ({
    kind: 'service',
    rule: 'AwsSolutions-IAM5[Resource::log-group:/aws/lambda/{service}-{stage}*:*]',
    resource: 'IamRoleLambdaExecution',
    reason: 'Lambda names its log streams at run time.',
    ...overrides,
  });
  const serviceFindings = (findings: Finding[]) => ({
    kind: 'service' as const,
    name: 'prod: packaged service template',
    source: 'serverless.yml',
    vars: { service: 'xacct-ec2', stage: 'prod' },
    template: { Resources: {} },
    findings,
  });

  it("acknowledges a finding whose rule matches once the document's names are filled in", () => {
    // Prepare
    const found = finding(
      'AwsSolutions-IAM5[Resource::log-group:/aws/lambda/xacct-ec2-prod*:*]',
      'IamRoleLambdaExecution',
    );

    // Act
    const judged = judge(serviceFindings([found]), [ack({})]);

    // Assess
    expect(judged.open).toEqual([]);
    expect(judged.acknowledged).toEqual([
      { ...found, acknowledgement: 'Lambda names its log streams at run time.' },
    ]);
  });

  it('leaves open the same rule on another resource, and the same resource under another stage', () => {
    // Prepare
    const otherResource = finding(
      'AwsSolutions-IAM5[Resource::log-group:/aws/lambda/xacct-ec2-prod*:*]',
      'SchedulerInvokeRole',
    );
    const otherStage = finding(
      'AwsSolutions-IAM5[Resource::log-group:/aws/lambda/xacct-ec2-dev*:*]',
      'IamRoleLambdaExecution',
    );

    // Act
    const judged = judge(serviceFindings([otherResource, otherStage]), [ack({})]);

    // Assess
    expect(judged.open).toEqual([otherResource, otherStage]);
  });

  it('matches a derived logical ID by pattern', () => {
    // Prepare
    const found = finding('W3011', 'InstancesLambdaVersion2PMqmOPbVaJDAshu9Zrx');

    // Act
    const judged = judge(serviceFindings([found]), [
      ack({ rule: 'W3011', resource: /^InstancesLambdaVersion\w+$/ }),
    ]);

    // Assess
    expect(judged.open).toEqual([]);
  });

  it('reports an acknowledgement that matched nothing in a linted kind as stale, and ignores kinds not linted', () => {
    // Prepare
    const unused = ack({ rule: 'AwsSolutions-S1', resource: 'ServerlessDeploymentBucket' });
    const otherKind = ack({ kind: 'stackset', rule: 'AwsSolutions-S1' });
    const judged = judge(serviceFindings([]), [unused, otherKind]);

    // Act
    const stale = staleAcknowledgements([judged], [unused, otherKind]);

    // Assess
    expect(stale).toEqual([unused]);
  });
});

describe('Document: the Outside linter section of scripts/verify/README.md', () => {
  it('names every acknowledged rule on its resource', () => {
    // Prepare
    const readme = readFileSync(path.join(__dirname, '../../scripts/verify/README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Outside linter'));

    // Act
    const missing = ACKNOWLEDGEMENTS.filter((ack) => {
      const rule = ack.rule.replace(/\[.*$/, '');
      const resource = typeof ack.resource === 'string' ? ack.resource : 'LambdaVersion';
      return !section.split('\n').some((line) => line.includes(rule) && line.includes(resource));
    });

    // Assess
    expect(section).toContain('| document | rule | resource | why it is right |');
    expect(missing).toEqual([]);
  });
});
