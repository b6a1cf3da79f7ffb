/**
 * The serverless-esbuild e2e pattern: run the real `sls package` once per stage, with no AWS
 * credentials, and assert on the CloudFormation and the zips it writes. What deploys is what is
 * tested here, not a copy: the IAM boundaries, runtime, schedules, route and bundles.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { configJsonFromBundle } from '../../handlers/config/bundled-config';
import { type StageConfig, toRuntimeConfig } from '../../handlers/config/stage-config';
import { createServiceDir, type ServiceDir } from '../../scripts/shared/stack/service-dir';
import { readZip, type ZipEntry } from '../../scripts/shared/zip';
import { runAll } from '../helpers/run-all';
import { describeRun, runSls, type SlsResult } from '../helpers/sls';
import {
  PSEUDO,
  REGION,
  readServerlessYml,
  render,
  SERVICE,
  STAGES,
  type Stage,
  stageConfig,
  stageParams,
  withoutServerlessOffline,
} from './service-config';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Template {
  Resources: Record<string, Resource>;
}
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
interface PolicyDocument {
  Statement: Statement[];
}

interface Packaged {
  stage: Stage;
  config: StageConfig;
  run: SlsResult;
  dir: string;
  template: Template;
}

const FUNCTIONS = ['instances', 'http'] as const;
const LOGICAL_IDS = { instances: 'InstancesLambdaFunction', http: 'HttpLambdaFunction' } as const;
/** The role each function runs as: the http function only starts and reads engine runs. */
const ROLES = { instances: 'IamRoleLambdaExecution', http: 'HttpEngineRunsRole' } as const;
/** Uncompressed bundle ceiling per function: a regression in tree-shaking shows up here. */
const MAX_BUNDLE_BYTES = 1.2 * 1024 * 1024;
const LOG_ACTIONS = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'logs:TagResource',
];

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** A resource by logical ID; a missing one fails the test with its name. */
function resource(template: Template, logicalId: string): Resource {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`the template has no resource ${logicalId}`);
  return found;
}

const resourcesOfType = (template: Template, type: string): Array<[string, Resource]> =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/** Every policy statement in the template: inline role policies and standalone policies. */
function allStatements(template: Template): Array<{ owner: string; statement: Statement }> {
  const found: Array<{ owner: string; statement: Statement }> = [];
  for (const [id, { Type, Properties }] of Object.entries(template.Resources)) {
    const documents: PolicyDocument[] = [];
    if (Type === 'AWS::IAM::Role') {
      const policies = asArray(Properties.Policies as Array<{ PolicyDocument: PolicyDocument }>);
      for (const policy of policies) documents.push(policy.PolicyDocument);
    }
    if (Type === 'AWS::IAM::Policy' || Type === 'AWS::IAM::ManagedPolicy') {
      documents.push(Properties.PolicyDocument as PolicyDocument);
    }
    for (const document of documents) {
      for (const statement of document.Statement) found.push({ owner: id, statement });
    }
  }
  return found;
}

const functionName = (stage: Stage, fn: string) => `${SERVICE}-${stage}-${fn}`;
const functionArn = (stage: Stage, fn: string) =>
  `arn:aws:lambda:${REGION}:${PSEUDO['AWS::AccountId']}:function:${functionName(stage, fn)}`;

describe('sls package: generated CloudFormation and artifacts', () => {
  const packaged = new Map<Stage, Packaged>();
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    // Prepare: a private service copy per stage, so the builds do not share .esbuild/.
    const serverlessYml = withoutServerlessOffline(readServerlessYml());
    const services: ServiceDir[] = await Promise.all(
      STAGES.map(() => createServiceDir({ serverlessYml })),
    );
    cleanups.push(...services.map((service) => service.remove));

    // Act: package every stage, two at a time (the CI machine has two cores).
    await runAll(STAGES, 2, async (stage, index) => {
      const service = services[index] as ServiceDir;
      const dir = path.join(service.dir, '.package');
      const run = await runSls(service, ['package', '--stage', stage], {
        packageDir: dir,
        timeoutMs: 150_000,
      });
      const templatePath = path.join(dir, 'cloudformation-template-update-stack.json');
      if (run.code !== 0 || !existsSync(templatePath)) throw new Error(describeRun(run));
      const template = JSON.parse(await readFile(templatePath, 'utf8')) as Template;
      packaged.set(stage, { stage, config: stageConfig(stage), run, dir, template });
    });
  }, 300_000);

  afterAll(async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
  });

  const get = (stage: Stage): Packaged => {
    const result = packaged.get(stage);
    if (!result) throw new Error(`stage ${stage} was not packaged`);
    return result;
  };

  it.each(STAGES)('packages the %s stage without AWS credentials', (stage) => {
    // Assess
    const { run } = get(stage);
    expect(run.code).toBe(0);
    expect(run.stdout + run.stderr).toContain(`Packaging ${SERVICE} for stage ${stage}`);
  });

  describe.each(STAGES)('stage %s', (stage) => {
    const executionRole = () => resource(get(stage).template, 'IamRoleLambdaExecution');
    const executionStatements = () =>
      allStatements(get(stage).template)
        .filter(({ owner }) => owner === 'IamRoleLambdaExecution')
        .map(({ statement }) => statement);

    it("lets the execution role assume exactly the stage's target roles, only from its functions", () => {
      // Prepare
      const { config } = get(stage);
      const expected = config.targets.map(
        (t) => `arn:aws:iam::${t.accountId}:role/${config.targetRoleName}`,
      );

      // Act
      const assume = executionStatements().filter((s) =>
        asArray(s.Action).includes('sts:AssumeRole'),
      );

      // Assess
      expect(assume).toHaveLength(1);
      const [statement] = assume;
      expect(statement?.Effect).toBe('Allow');
      expect(asArray(statement?.Resource).map(render).sort()).toEqual(expected.sort());
      expect(statement?.Condition).toEqual({
        ArnEquals: { 'lambda:SourceFunctionArn': expect.any(Array) },
      });
      const sources = asArray(statement?.Condition?.ArnEquals?.['lambda:SourceFunctionArn']).map(
        render,
      );
      // The engine's workers run the same core on targets; the http function and the engine's
      // other functions have their own roles.
      const assuming = ['instances', 'engineWork', 'engineRecheck'];
      expect(sources.sort()).toEqual(assuming.map((fn) => functionArn(stage, fn)).sort());
    });

    it('allows sts:AssumeRole on no wildcard resource, in any policy', () => {
      // Act
      const assumeStatements = allStatements(get(stage).template).filter(({ statement }) =>
        asArray(statement.Action).some((a) =>
          /^(\*|sts:\*|sts:Assume\*|sts:AssumeRole\*?)$/.test(a),
        ),
      );

      // Assess
      expect(assumeStatements.length).toBeGreaterThan(0);
      for (const { owner, statement } of assumeStatements) {
        expect({ owner, NotResource: statement.NotResource }).toEqual({
          owner,
          NotResource: undefined,
        });
        for (const resource of asArray(statement.Resource).map(render)) {
          expect({ owner, resource }).toEqual({
            owner,
            resource: expect.not.stringContaining('*'),
          });
        }
      }
    });

    it('has an execution role that only Lambda can assume', () => {
      // Act
      const trust = executionRole().Properties.AssumeRolePolicyDocument as PolicyDocument;

      // Assess
      expect(trust.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: ['lambda.amazonaws.com'] },
          Action: ['sts:AssumeRole'],
        },
      ]);
      expect(JSON.stringify(trust)).not.toContain('scheduler.amazonaws.com');
    });

    it("grants the execution role only sts:AssumeRole (with SetSourceIdentity), osls's logging actions, events on its default bus and a read of the pause switch", () => {
      // Act
      const statements = executionStatements();
      const actions = new Set(statements.flatMap((s) => asArray(s.Action)));

      // Assess
      expect([...actions].sort()).toEqual(
        [
          'sts:AssumeRole',
          'sts:SetSourceIdentity',
          'events:PutEvents',
          'states:ListTagsForResource',
          ...LOG_ACTIONS,
        ].sort(),
      );
      // The pause switch is read on the stage's own engine only, never written.
      const pauseReads = statements.filter((s) =>
        asArray(s.Action).includes('states:ListTagsForResource'),
      );
      expect(pauseReads.map((s) => [s.Sid, asArray(s.Action)])).toEqual([
        ['ReadStagePauseSwitch', ['states:ListTagsForResource']],
      ]);
      expect(pauseReads.flatMap((s) => asArray(s.Resource)).map(render)).toEqual([
        `arn:aws:states:${REGION}:${PSEUDO['AWS::AccountId']}:stateMachine:${SERVICE}-${stage}-engine`,
      ]);
      const setsIdentity = statements.filter((s) =>
        asArray(s.Action).includes('sts:SetSourceIdentity'),
      );
      expect(
        setsIdentity.map((s) => [s.Sid, asArray(s.Action).includes('sts:AssumeRole')]),
      ).toEqual([['AssumeConfiguredTargetRoles', true]]);
      const events = statements.filter((s) => asArray(s.Action).includes('events:PutEvents'));
      expect(events.flatMap((s) => asArray(s.Resource)).map(render)).toEqual([
        `arn:aws:events:${REGION}:${PSEUDO['AWS::AccountId']}:event-bus/default`,
      ]);
      expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
      expect(executionRole().Properties.ManagedPolicyArns).toBeUndefined();
      expect(executionRole().Properties.RoleName).toBe(`${SERVICE}-${stage}-${REGION}-exec`);
      for (const statement of statements.filter((s) => asArray(s.Action)[0]?.startsWith('logs:'))) {
        for (const resource of asArray(statement.Resource).map(render)) {
          expect(resource).toContain(`:log-group:/aws/lambda/${SERVICE}-${stage}`);
        }
      }
    });

    it.each(FUNCTIONS)('runs %s on nodejs24.x and arm64 under its predictable name', (fn) => {
      // Act
      const properties = resource(get(stage).template, LOGICAL_IDS[fn]).Properties;

      // Assess
      expect(properties).toMatchObject({
        FunctionName: functionName(stage, fn),
        Handler: `handlers/${fn}.handler`,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Role: { 'Fn::GetAtt': [ROLES[fn], 'Arn'] },
      });
    });

    it('lets the http function only start the engine, read its pause switch and describe its executions, and write its logs: no sts:AssumeRole', () => {
      // Prepare
      const { template } = get(stage);
      const role = resource(template, 'HttpEngineRunsRole').Properties;
      const statements = allStatements(template)
        .filter(({ owner }) => owner === 'HttpEngineRunsRole')
        .map(({ statement }) => ({
          ...statement,
          Resource: asArray(statement.Resource).map(render),
        }));

      // Assess
      const engine = `arn:aws:states:${REGION}:${PSEUDO['AWS::AccountId']}:execution:${SERVICE}-${stage}-engine:*`;
      expect(statements).toEqual([
        {
          Sid: 'StartEngineRuns',
          Effect: 'Allow',
          Action: 'states:StartExecution',
          Resource: ['{"Ref":"EngineStateMachine"}'],
        },
        {
          Sid: 'ReadStagePauseSwitch',
          Effect: 'Allow',
          Action: 'states:ListTagsForResource',
          Resource: ['{"Ref":"EngineStateMachine"}'],
        },
        {
          Sid: 'ReadEngineRuns',
          Effect: 'Allow',
          Action: 'states:DescribeExecution',
          Resource: [engine],
        },
        {
          Sid: 'WriteOwnLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: [
            `arn:aws:logs:${REGION}:${PSEUDO['AWS::AccountId']}:log-group:/aws/lambda/${functionName(stage, 'http')}:*`,
          ],
        },
      ]);
      // Its own policies: the trust below is the only place sts:AssumeRole may appear.
      expect(JSON.stringify(role.Policies)).not.toMatch(/sts:|"\*"/);
      expect(role.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'lambda.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      });
      expect(resource(template, 'HttpLambdaFunction').Properties.Environment).toMatchObject({
        Variables: { ENGINE_STATE_MACHINE_ARN: { Ref: 'EngineStateMachine' } },
      });
    });

    it("bundles the stage's validated configuration into both functions, not their environment", () => {
      // Prepare
      const { template, config, dir } = get(stage);

      // Act
      const configs = FUNCTIONS.map((fn) => {
        const { Variables: env } = resource(template, LOGICAL_IDS[fn]).Properties.Environment as {
          Variables: Record<string, string>;
        };
        const bundle = readZip(readFileSync(path.join(dir, `${fn}.zip`)))
          .find((e) => e.name === `handlers/${fn}.js`)
          ?.read()
          .toString('utf8');
        return {
          env,
          bundled: JSON.parse(configJsonFromBundle(bundle ?? '') ?? 'null') as unknown,
        };
      });

      // Assess
      for (const { env, bundled } of configs) {
        expect(bundled).toEqual(toRuntimeConfig(config));
        expect(env).toMatchObject({ SERVICE_NAME: SERVICE, STAGE: stage });
        expect(env).not.toHaveProperty('STAGE_CONFIG');
        // Nothing credential-like travels in the environment.
        expect(Object.keys(env).filter((k) => k.startsWith('AWS_'))).toEqual([]);
      }
    });

    it('declares exactly the configured schedules, each invoking the function of its path, and prints the path of each', () => {
      // Prepare
      const { template, config, run } = get(stage);
      const scheduled =
        config.scheduledRuns === 'engine' ? 'EngineStartLambdaFunction' : 'InstancesLambdaFunction';

      // Act
      const schedules = resourcesOfType(template, 'AWS::Scheduler::Schedule').map(
        ([, r]) => r.Properties,
      );
      const printed = run.stderr.split('\n').filter((line) => line.startsWith('schedule '));

      // Assess
      expect(schedules).toHaveLength(config.schedules.length);
      for (const schedule of config.schedules) {
        const resource = schedules.find((s) => s.Name === `${SERVICE}-${stage}-${schedule.name}`);
        expect(resource).toMatchObject({
          ScheduleExpression: schedule.expression,
          ScheduleExpressionTimezone: schedule.timezone,
          State: schedule.enabled ? 'ENABLED' : 'DISABLED',
          GroupName: { Ref: 'ScheduleGroup' },
          Target: {
            Arn: { 'Fn::GetAtt': [scheduled, 'Arn'] },
            RoleArn: { 'Fn::GetAtt': ['SchedulerInvokeRole', 'Arn'] },
          },
        });
        const target = resource?.Target as { Input: string };
        // The engine's starter names the run after the schedule and its time (a duplicate
        // delivery finds the name taken); the instances function gets the request wrapped with
        // the schedule's name (handlers/signals/schedule-input.ts).
        expect(JSON.parse(target.Input)).toEqual(
          config.scheduledRuns === 'engine'
            ? {
                schedule: schedule.name,
                scheduledTime: '<aws.scheduler.scheduled-time>',
                request: schedule.request,
              }
            : {
                schedule: { name: schedule.name, scheduledTime: '<aws.scheduler.scheduled-time>' },
                request: schedule.request,
              },
        );
        expect(printed).toContainEqual(
          expect.stringMatching(
            config.scheduledRuns === 'engine'
              ? `^schedule ${schedule.name}: engine \\(.*params\\.scheduledRuns is "engine", the default$`
              : `^schedule ${schedule.name}: single invocation \\(the instances function, 256 MB\\), \\d+ target\\(s\\), within its limit of (2,894|3,683) \\(memory 10,000, time (2,894|3,683) in 300 s.*params\\.scheduledRuns is "single-invocation"$`,
          ),
        );
      }
      expect(printed).toHaveLength(config.schedules.length);
      expect(template.Resources.SchedulerInvokeRole !== undefined).toBe(
        config.schedules.length > 0,
      );
    });

    it('exposes only the IAM-authorised POST /instances/{action} and GET /runs/{id} routes, served by the http function', () => {
      // Prepare
      const { template } = get(stage);

      // Act
      const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(
        ([, r]) => r.Properties,
      );
      const integrations = resourcesOfType(template, 'AWS::ApiGatewayV2::Integration').map(
        ([, r]) => r.Properties,
      );

      // Assess
      expect(routes.map((r) => [r.RouteKey, r.AuthorizationType]).sort()).toEqual([
        ['GET /runs/{id}', 'AWS_IAM'],
        ['POST /instances/{action}', 'AWS_IAM'],
      ]);
      expect(integrations).toHaveLength(1);
      expect(integrations[0]).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        IntegrationUri: { 'Fn::GetAtt': ['HttpLambdaFunction', 'Arn'] },
        PayloadFormatVersion: '2.0',
      });
    });

    it('logs each HTTP API request (caller, route, status, request ID) to a log group with retention', () => {
      // Prepare
      const { template } = get(stage);

      // Act
      const stages = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage').map(([, r]) => r);
      const settings = stages[0]?.Properties.AccessLogSettings as
        | { DestinationArn: unknown; Format: string }
        | undefined;
      const logGroup = resource(template, 'HttpApiLogGroup').Properties;

      // Assess
      expect(stages).toHaveLength(1);
      expect(settings?.DestinationArn).toEqual({ 'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'] });
      expect(JSON.parse(settings?.Format ?? '{}')).toMatchObject({
        requestId: '$context.requestId',
        caller: '$context.identity.caller',
        userArn: '$context.identity.userArn',
        routeKey: '$context.routeKey',
        status: '$context.status',
      });
      expect(logGroup).toEqual({
        LogGroupName: `/aws/http-api/${SERVICE}-${stage}`,
        RetentionInDays: 30,
      });
    });

    it.each(FUNCTIONS)('writes %s.zip, one artifact per function', (fn) => {
      // Assess
      expect(existsSync(path.join(get(stage).dir, `${fn}.zip`))).toBe(true);
    });
  });

  describe('stage test: artifacts', () => {
    describe.each(FUNCTIONS)('%s.zip', (fn) => {
      const entries = (): ZipEntry[] => {
        const { dir } = get('test');
        return readZip(readFileSync(path.join(dir, `${fn}.zip`)));
      };

      it('holds the minified bundle, without a source map or node_modules', () => {
        // Act
        const files = entries();
        const names = files.map((e) => e.name).filter((n) => !n.endsWith('/'));
        const bundle =
          files
            .find((e) => e.name === `handlers/${fn}.js`)
            ?.read()
            .toString('utf8') ?? '';

        // Assess
        expect(names).toEqual([`handlers/${fn}.js`]);
        // Individually packaged: the other function's bundle is not in this zip.
        const other = FUNCTIONS.find((f) => f !== fn);
        expect(names).not.toContain(`handlers/${other}.js`);
        // Minified: a few long lines (some string literals hold newlines), not thousands of short ones.
        const lines = bundle.split('\n');
        expect(lines.length).toBeLessThan(1000);
        expect(bundle.length / lines.length).toBeGreaterThan(1000);
        // No map to point at: it would be 80% of the artifact and parsed on every cold start.
        expect(bundle).not.toContain('sourceMappingURL');
        // keepNames: stack traces name the product's functions despite minification.
        expect(bundle).toContain('"actOnInstances"');
      });

      it('keeps the bundle under 1.2 MB', () => {
        // Act
        const bundle = entries().find((e) => e.name === `handlers/${fn}.js`);

        // Assess
        expect(bundle?.size).toBeGreaterThan(0);
        expect(bundle?.size).toBeLessThan(MAX_BUNDLE_BYTES);
      });
    });
  });

  describe('stage test: schedules', () => {
    it('schedules in two time zones, Europe/Berlin and America/New_York', () => {
      // Act
      const zones = resourcesOfType(get('test').template, 'AWS::Scheduler::Schedule').map(
        ([, r]) => r.Properties.ScheduleExpressionTimezone,
      );

      // Assess
      expect(zones.sort()).toEqual(['America/New_York', 'Europe/Berlin']);
    });

    it('invokes through a role that only EventBridge Scheduler of this account, for the stage group, can assume, and that may only invoke the instances function (scheduledRuns: single-invocation)', () => {
      // Prepare
      const role = resource(get('test').template, 'SchedulerInvokeRole');

      // Act
      const trust = role.Properties.AssumeRolePolicyDocument as PolicyDocument;
      const statements = (
        role.Properties.Policies as Array<{ PolicyDocument: PolicyDocument }>
      ).flatMap((p) => p.PolicyDocument.Statement);

      // Assess
      expect(get('test').config.scheduledRuns).toBe('single-invocation');
      expect(role.Type).toBe('AWS::IAM::Role');
      // The schedule-group ARN, the aws:SourceArn EventBridge Scheduler sends (Scheduler User
      // Guide, "Cross-service confused deputy prevention"; aws-cdk-lib aws-scheduler-targets).
      expect(trust.Statement).toEqual([
        {
          Sid: 'SchedulesOfThisStage',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': {
                'Fn::Join': [
                  '',
                  [
                    'arn:',
                    { Ref: 'AWS::Partition' },
                    ':scheduler:',
                    { Ref: 'AWS::Region' },
                    ':',
                    { Ref: 'AWS::AccountId' },
                    ':schedule-group/xacct-ec2-test',
                  ],
                ],
              },
            },
          },
        },
      ]);
      expect(resource(get('test').template, 'ScheduleGroup').Properties).toEqual({
        Name: 'xacct-ec2-test',
      });
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: { 'Fn::GetAtt': ['InstancesLambdaFunction', 'Arn'] },
        },
      ]);
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    });

    it('lets the Scheduler role of an engine stage invoke the starter only, not the instances function', () => {
      // Prepare
      const { template, config } = get('prod');

      // Act
      const invoking = allStatements(template).filter(({ statement }) =>
        asArray(statement.Action).includes('lambda:InvokeFunction'),
      );

      // Assess
      expect(config.scheduledRuns).toBe('engine');
      expect(invoking.filter(({ owner }) => owner === 'SchedulerInvokeRole')).toEqual([
        {
          owner: 'SchedulerInvokeRole',
          statement: {
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: { 'Fn::GetAtt': ['EngineStartLambdaFunction', 'Arn'] },
          },
        },
      ]);
    });
  });

  // Signals: scripts/lib/signals builds these; handlers/signals/SIGNALS.md explains them.
  describe.each(STAGES)('stage %s: signals', (stage) => {
    const template = () => get(stage).template;
    const alarms = (): Array<Record<string, unknown>> =>
      resourcesOfType(template(), 'AWS::CloudWatch::Alarm').map(([id, r]) => ({
        id,
        ...r.Properties,
      }));

    it('has an SNS topic encrypted with a customer-managed key that CloudWatch and EventBridge may use', () => {
      // Act
      const topic = resource(template(), 'SignalsTopic');
      const key = resource(template(), 'SignalsKey');
      const keyStatements = (key.Properties.KeyPolicy as PolicyDocument).Statement;

      // Assess
      expect(topic.Type).toBe('AWS::SNS::Topic');
      expect(topic.Properties.KmsMasterKeyId).toEqual({ Ref: 'SignalsKey' });
      expect(key).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
      for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
        expect(keyStatements).toContainEqual(
          expect.objectContaining({
            Effect: 'Allow',
            Principal: { Service: service },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        );
      }
    });

    it('subscribes the alarm email only when params set one', () => {
      // Act
      const subscriptions = resourcesOfType(template(), 'AWS::SNS::Subscription');

      // Assess
      const email = stageParams(stage).alarmEmail;
      expect(subscriptions.map(([, r]) => r.Properties)).toEqual(
        email ? [{ Protocol: 'email', Endpoint: email, TopicArn: { Ref: 'SignalsTopic' } }] : [],
      );
    });

    it('alarms on failed resources and targets from the EMF metrics, with bounded dimensions, to the topic', () => {
      // Act
      const byMetric = (name: string) => alarms().filter((a) => a.MetricName === name);

      // Assess
      const expected = [
        ['ResourcesFailed', ['start', 'stop']],
        ['TargetsFailed', ['start', 'stop', 'status']],
        ['EventsFailed', ['start', 'stop']],
        ['RunsRefused', ['start', 'stop']],
      ] as const;
      for (const [metric, actions] of expected) {
        expect(byMetric(metric)).toHaveLength(actions.length);
        for (const action of actions) {
          expect(byMetric(metric)).toContainEqual(
            expect.objectContaining({
              Namespace: SERVICE,
              Dimensions: [
                { Name: 'service', Value: SERVICE },
                { Name: 'stage', Value: stage },
                { Name: 'action', Value: action },
              ],
              Statistic: 'Sum',
              Period: 300,
              EvaluationPeriods: 1,
              DatapointsToAlarm: 1,
              Threshold: 1,
              ComparisonOperator: 'GreaterThanOrEqualToThreshold',
              TreatMissingData: 'notBreaching',
              AlarmActions: [{ Ref: 'SignalsTopic' }],
            }),
          );
        }
      }
      const values = alarms().flatMap((a) => asArray(a.Dimensions as Array<{ Value: unknown }>));
      expect(values.map((d) => render(d.Value)).filter((v) => /^\d{12}$|^i-/.test(v))).toEqual([]);
    });

    it('alarms on HTTP 500s, per stage, from the EMF metric', () => {
      // Act
      const http = alarms().filter((a) => a.MetricName === 'HttpInternalErrors');

      // Assess
      expect(http).toEqual([
        expect.objectContaining({
          AlarmName: `${SERVICE}-${stage}-http-internal-errors`,
          Namespace: SERVICE,
          Dimensions: [
            { Name: 'service', Value: SERVICE },
            { Name: 'stage', Value: stage },
          ],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: 'SignalsTopic' }],
        }),
      ]);
    });

    it.each(FUNCTIONS)('alarms on Lambda errors and throttles of the %s function', (fn) => {
      // Act
      const forFunction = alarms().filter((a) =>
        asArray(a.Dimensions as Array<{ Name: string; Value: unknown }>).some(
          (d) => d.Name === 'FunctionName' && d.Value === functionName(stage, fn),
        ),
      );

      // Assess
      expect(forFunction.map((a) => [a.Namespace, a.MetricName, a.Threshold]).sort()).toEqual([
        ['AWS/Lambda', 'Errors', 1],
        ['AWS/Lambda', 'Throttles', 1],
      ]);
    });

    it("alarms on the engine's failed, timed-out and stopped executions", () => {
      // Act
      const forEngine = alarms().filter((a) => a.Namespace === 'AWS/States');

      // Assess
      expect(forEngine.map((a) => a.MetricName).sort()).toEqual([
        'ExecutionsAborted',
        'ExecutionsFailed',
        'ExecutionsTimedOut',
      ]);
      for (const alarm of forEngine) {
        expect(alarm).toMatchObject({
          Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: 'EngineStateMachine' } }],
          Threshold: 1,
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: 'SignalsTopic' }],
        });
      }
    });

    it('gives each schedule an encrypted dead-letter queue, an age-bounded retry policy, and an alarm on the queue', () => {
      // Prepare
      const { config } = get(stage);
      const schedules = resourcesOfType(template(), 'AWS::Scheduler::Schedule');

      // Act
      const queue = template().Resources.ScheduleDeadLetterQueue;

      // Assess
      if (config.schedules.length === 0) {
        expect(queue).toBeUndefined();
        return;
      }
      expect(queue?.Properties).toMatchObject({
        QueueName: `${SERVICE}-${stage}-schedule-dlq`,
        SqsManagedSseEnabled: true,
      });
      for (const [, schedule] of schedules) {
        expect(schedule.Properties.Target).toMatchObject({
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 900 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ScheduleDeadLetterQueue', 'Arn'] } },
        });
      }
      expect(allStatements(template())).toContainEqual({
        owner: 'SchedulerDeadLetterPolicy',
        statement: {
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': ['ScheduleDeadLetterQueue', 'Arn'] },
        },
      });
      expect(resource(template(), 'SchedulerDeadLetterPolicy').Properties.Roles).toEqual([
        { Ref: 'SchedulerInvokeRole' },
      ]);
      expect(resource(template(), 'ScheduleDeadLetterQueuePolicy').Properties).toMatchObject({
        Queues: [{ Ref: 'ScheduleDeadLetterQueue' }],
        PolicyDocument: {
          Statement: [
            expect.objectContaining({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ],
        },
      });
      expect(alarms()).toContainEqual(
        expect.objectContaining({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: `${SERVICE}-${stage}-schedule-dlq` }],
          Threshold: 1,
        }),
      );
    });

    it('has a heartbeat per enabled schedule that pages a silence after a run, not a deploy before the first', () => {
      // Prepare
      const { config } = get(stage);

      // Act
      const heartbeats = alarms().filter((a) => a.MetricName === 'ScheduledRunsCompleted');

      // Assess
      expect(
        heartbeats.map((h) => (h.Dimensions as Array<{ Value: string }>)[2]?.Value).sort(),
      ).toEqual(
        config.schedules
          .filter((s) => s.enabled)
          .map((s) => s.name)
          .sort(),
      );
      for (const heartbeat of heartbeats) {
        // A new alarm starts INSUFFICIENT_DATA and CloudWatch acts on state changes only; with
        // missing data left missing, a silence after a run turns OK into INSUFFICIENT_DATA
        // (CloudWatch User Guide, "Configuring how CloudWatch alarms treat missing data").
        expect(heartbeat).toMatchObject({
          Namespace: SERVICE,
          Statistic: 'Sum',
          ComparisonOperator: 'LessThanThreshold',
          Threshold: 1,
          EvaluationPeriods: 1,
          TreatMissingData: 'missing',
          InsufficientDataActions: [{ Ref: 'SignalsTopic' }],
        });
        // A weekday schedule's longest silence is the weekend: 72 h, plus the grace.
        expect(heartbeat.Period).toBe(74 * 3600);
      }
    });

    it("alarms on EventBridge Scheduler's own delivery metrics for the stage's group (Scheduler User Guide, list of metrics)", () => {
      // Prepare
      const { config } = get(stage);

      // Act
      const delivery = alarms().filter((a) => a.Namespace === 'AWS/Scheduler');

      // Assess
      if (config.schedules.length === 0) {
        expect(delivery).toEqual([]);
        return;
      }
      expect(delivery.map((a) => a.MetricName).sort()).toEqual([
        'InvocationDroppedCount',
        'InvocationsFailedToBeSentToDeadLetterCount',
        'InvocationsSentToDeadLetterCount',
        'TargetErrorCount',
      ]);
      for (const alarm of delivery) {
        expect(alarm).toMatchObject({
          Dimensions: [{ Name: 'ScheduleGroup', Value: `${SERVICE}-${stage}` }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 1,
          DatapointsToAlarm: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: 'SignalsTopic' }],
        });
      }
      // The group the alarms watch is the one the schedules are in.
      expect(resource(template(), 'ScheduleGroup').Properties.Name).toBe(`${SERVICE}-${stage}`);
    });

    it('alarms on events EventBridge could not deliver to the topic, for each rule of the stack (AWS/Events FailedInvocations)', () => {
      // Prepare
      const rules = resourcesOfType(template(), 'AWS::Events::Rule').map(
        ([, r]) => r.Properties.Name,
      );

      // Act
      const failed = alarms().filter((a) => a.Namespace === 'AWS/Events');

      // Assess
      expect(rules).toEqual([`${SERVICE}-${stage}-failed-runs`]);
      expect(failed).toEqual([
        expect.objectContaining({
          AlarmName: `${SERVICE}-${stage}-failed-runs-failed-invocations`,
          MetricName: 'FailedInvocations',
          Dimensions: [{ Name: 'RuleName', Value: `${SERVICE}-${stage}-failed-runs` }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          // EventBridge sends the metric only when it is not zero.
          TreatMissingData: 'notBreaching',
          AlarmActions: [{ Ref: 'SignalsTopic' }],
        }),
      ]);
    });

    it('does not let Lambda replay a scheduled run that threw, nor retry the starter after 15 minutes', () => {
      // Act
      const config = resource(template(), 'InstancesAsyncInvokeConfig');
      const starter = resource(template(), 'EngineStartAsyncInvokeConfig');

      // Assess
      expect(config.Properties).toEqual({
        FunctionName: { Ref: 'InstancesLambdaFunction' },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 0,
        MaximumEventAgeInSeconds: 900,
      });
      // A retried start finds the run's name taken; a late one would start a run hours late.
      expect(starter.Properties).toEqual({
        FunctionName: { Ref: 'EngineStartLambdaFunction' },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 900,
      });
    });

    it('forwards failed runs of this stage to the topic with an example rule the topic policy admits', () => {
      // Act
      const rule = resource(template(), 'SignalsFailedRunsRule');
      const policy = resource(template(), 'SignalsTopicPolicy').Properties
        .PolicyDocument as PolicyDocument;

      // Assess
      expect(rule.Properties).toMatchObject({
        EventBusName: 'default',
        EventPattern: {
          source: [SERVICE],
          'detail-type': ['Run Summary'],
          detail: { stage: [stage], outcome: ['failed'] },
        },
        Targets: [{ Id: 'signals-topic', Arn: { Ref: 'SignalsTopic' } }],
      });
      expect(policy.Statement).toContainEqual(
        expect.objectContaining({
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: {
            ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': ['SignalsFailedRunsRule', 'Arn'] } },
          },
        }),
      );
    });

    it('has a dashboard of runs, outcomes by action, failed targets and duration', () => {
      // Act
      const body = render(resource(template(), 'SignalsDashboard').Properties.DashboardBody);
      const widgets = (
        JSON.parse(body) as { widgets: Array<{ properties: { title: string; region: string } }> }
      ).widgets;

      // Assess
      expect(widgets.map((w) => w.properties.title)).toEqual([
        'Runs by action',
        'Resource outcomes by action',
        'Failed targets by action',
        'Run duration (ms, max)',
      ]);
      expect(widgets.every((w) => w.properties.region === REGION)).toBe(true);
    });
  });
});
