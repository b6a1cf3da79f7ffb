/**
 * verify's checks of what drives a run over HTTP. The resources are the ones osls packages for
 * serverless.yml's http function (copied from `sls package --stage local`); each test breaks one
 * on purpose and expects the finding to name the resource to fix.
 */
import type { CallerRule } from '../../handlers/config/caller-rules';
import type { CfnTemplate } from '../../scripts/shared/stack/package-stage';
import {
  callerTaskNotes,
  checkCallerRules,
  checkHttpRoutes,
  checkInvokePermissions,
} from '../../scripts/verify/api-checks';

function packagedHttpApi(): CfnTemplate {
  return {
    Resources: {
      HttpApi: {
        Type: 'AWS::ApiGatewayV2::Api',
        Properties: { Name: 'local-xacct-ec2', ProtocolType: 'HTTP' },
      },
      HttpLambdaPermissionHttpApi: {
        Type: 'AWS::Lambda::Permission',
        Properties: {
          FunctionName: { 'Fn::GetAtt': ['HttpLambdaFunction', 'Arn'] },
          Action: 'lambda:InvokeFunction',
          Principal: 'apigateway.amazonaws.com',
          SourceArn: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':execute-api:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':',
                { Ref: 'HttpApi' },
                '/*',
              ],
            ],
          },
        },
      },
      HttpApiRoutePostInstancesActionVar: {
        Type: 'AWS::ApiGatewayV2::Route',
        Properties: {
          ApiId: { Ref: 'HttpApi' },
          RouteKey: 'POST /instances/{action}',
          Target: { 'Fn::Join': ['/', ['integrations', { Ref: 'HttpApiIntegrationHttp' }]] },
          AuthorizationType: 'AWS_IAM',
        },
      },
    },
  } as unknown as CfnTemplate;
}

function propertiesOf(template: CfnTemplate, logicalId: string): Record<string, unknown> {
  return (template.Resources[logicalId] as { Properties: Record<string, unknown> }).Properties;
}

describe('verify: the HTTP route and the Lambda permissions', () => {
  it('finds nothing wrong with what osls packages', () => {
    // Prepare
    const template = packagedHttpApi();

    // Act
    const findings = [...checkHttpRoutes(template), ...checkInvokePermissions(template)];

    // Assess
    expect(findings).toEqual([]);
  });

  it('flags a route without AWS_IAM authorization, naming the route', () => {
    // Prepare
    const template = packagedHttpApi();
    delete propertiesOf(template, 'HttpApiRoutePostInstancesActionVar').AuthorizationType;

    // Act
    const findings = checkHttpRoutes(template);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        policy: 'route POST /instances/{action}',
        statement: 'HttpApiRoutePostInstancesActionVar',
        message: 'has AuthorizationType "NONE", not AWS_IAM',
        hint: 'routeWithoutIam',
      }),
    ]);
  });

  it.each([
    ['no SourceArn', undefined, 'has no SourceArn'],
    [
      'a SourceArn on every API',
      'arn:aws:execute-api:eu-west-1:111111111111:*/*',
      'not this stack',
    ],
  ])('flags a permission with %s', (_case, sourceArn, words) => {
    // Prepare
    const template = packagedHttpApi();
    const permission = propertiesOf(template, 'HttpLambdaPermissionHttpApi');
    if (sourceArn === undefined) delete permission.SourceArn;
    else permission.SourceArn = sourceArn;

    // Act
    const findings = checkInvokePermissions(template);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'HttpLambdaPermissionHttpApi',
        message: expect.stringContaining(words),
        hint: 'invokePermissionTooWide',
      }),
    ]);
  });

  it('flags a permission for another principal, e.g. the account itself', () => {
    // Prepare
    const template = packagedHttpApi();
    propertiesOf(template, 'HttpLambdaPermissionHttpApi').Principal = '111111111111';

    // Act
    const findings = checkInvokePermissions(template);

    // Assess
    expect(findings.map((f) => f.message)).toEqual([
      'grants "111111111111", not apigateway.amazonaws.com',
    ]);
  });
});

describe('verify: caller rules', () => {
  const HOME = { homeAccountId: '111111111111' };
  const rules: CallerRule[] = [
    { account: '111111111111', principal: 'role/*', actions: ['status'] },
    { account: '111111111111', principal: 'sso/Admin', actions: ['start', 'stop'] },
  ];

  it('accepts role/* for status and named roles for start and stop', () => {
    expect(checkCallerRules(rules, HOME)).toEqual([]);
  });

  it('flags a rule naming every role of the account for stop', () => {
    // Prepare
    const wide: CallerRule[] = [
      ...rules,
      { account: '111111111111', principal: 'role/*', actions: ['status', 'stop'] },
    ];

    // Act
    const findings = checkCallerRules(wide, HOME);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        source: 'serverless.yml params.callers',
        statement: 'callers[2]',
        message: 'role/* in 111111111111 may stop: it reaches every role of account 111111111111',
        hint: 'callerRuleTooWide',
      }),
    ]);
  });

  it.each([
    ['role/AWSReservedSSO_*', 'every IAM Identity Center permission set'],
    ['role/AWS*', 'every IAM Identity Center permission set'],
    ['role/AWSReservedSSO_Adm*', 'whose name starts with "Adm"'],
    ['user/*', 'every user of account'],
  ])('flags %s for start: it reaches %s', (principal, reach) => {
    // Act
    const findings = checkCallerRules(
      [{ account: '111111111111', principal, actions: ['start'] }],
      HOME,
    );

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'callers[0]',
        message: expect.stringContaining(reach),
        hint: 'callerRuleTooWide',
      }),
    ]);
  });

  it('accepts a broad rule for stop when the config says why (acknowledgeBroad)', () => {
    // Prepare
    const acknowledged: CallerRule[] = [
      {
        account: '111111111111',
        principal: 'role/AWSReservedSSO_*',
        actions: ['stop'],
        acknowledgeBroad: 'every engineer may stop the sandbox fleet at night',
      },
    ];

    // Act
    const findings = checkCallerRules(acknowledged, HOME);

    // Assess
    expect(findings).toEqual([]);
  });

  it('flags a rule for another account than the home account: only a forged event could match', () => {
    // Act
    const findings = checkCallerRules(
      [{ account: '999999999999', principal: 'role/ops-oncall', actions: ['stop'] }],
      HOME,
    );

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        statement: 'callers[0]',
        message: expect.stringMatching(/999999999999: not the home account 111111111111/),
        hint: 'callerRuleOtherAccount',
      }),
    ]);
  });
});

describe('Function: callerTaskNotes', () => {
  it('shows per rule which tasks its actions cover; a rule without tasks covers only ec2', () => {
    // Prepare
    const rules: CallerRule[] = [
      { account: '111111111111', principal: 'role/operators', actions: ['start', 'stop'] },
      { account: '111111111111', principal: 'role/dba', actions: ['stop'], tasks: ['ec2', 'rds'] },
    ];

    // Act
    const notes = callerTaskNotes(rules);

    // Assess
    expect(notes).toEqual([
      'callers[0] role/operators: start, stop for task ec2 (no "tasks": only ec2)',
      'callers[1] role/dba: stop for task ec2, rds',
    ]);
  });
});
