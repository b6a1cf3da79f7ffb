/**
 * The engine through Step Functions' API on the local endpoint: the state machine definition
 * taken from the packaged CloudFormation is registered under the ARN it deploys as, and real
 * SFNClients start and read its executions over the wire, each signing as a role whose packaged
 * (or written-down) policy the endpoint evaluates: the starter's EngineStartRole may start runs,
 * an operator may read and stop them, the instances function's role may do neither.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ListExecutionsCommand,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ENGINE_START_ROLE_ID } from '../../resources/home-stack/engine/state-machine';
import { executionArnOf, realEc2Timings, type TemporaryCredentials } from '../../scripts/local-aws';
import {
  packagedEngineDefinition,
  packagedEngineStateMachineArn,
} from '../../scripts/shared/stack/packaged-definition';
import { ACCOUNT_444, ACCOUNT_555, type Harness, startHarness } from './harness';

const TIME_FACTOR = 0.005;
const REAL_EC2_TIMES = realEc2Timings(TIME_FACTOR);
/** serverless.yml params.default.engineWaitSeconds, scaled like the instances. */
const WAIT_MS = 30_000 * TIME_FACTOR;
const REGION = 'eu-west-1';
const HOME = '111111111111';
const OPERATOR_ROLE = `arn:aws:iam::${HOME}:role/engine-operator`;

type StartHandler = typeof import('../../handlers/engine/start')['handler'];

describe('integration: engine executions through the local Step Functions API', () => {
  let harness: Harness;
  let machineArn: string;
  let starter: TemporaryCredentials;
  const clients: SFNClient[] = [];

  const sfn = (credentials: TemporaryCredentials) => {
    const client = new SFNClient({
      region: REGION,
      endpoint: harness.endpoint.aws.url,
      credentials,
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };

  /** Reads the execution through the API until it has ended, as a caller would. */
  async function pollUntilEnded(
    operator: SFNClient,
    executionArn: string,
  ): Promise<{ seen: string[]; last: DescribeExecutionCommandOutput }> {
    const seen: string[] = [];
    for (;;) {
      const last = await operator.send(new DescribeExecutionCommand({ executionArn }));
      if (seen.at(-1) !== last.status) seen.push(last.status ?? '');
      if (last.status !== 'RUNNING') return { seen, last };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    harness = await startHarness({
      settings: REAL_EC2_TIMES,
      principals: [
        {
          arn: OPERATOR_ROLE,
          identityPolicies: [
            {
              name: 'read-and-stop-engine-runs',
              policy: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 'states:ListExecutions',
                    Resource: `arn:aws:states:${REGION}:${HOME}:stateMachine:*`,
                  },
                  {
                    Effect: 'Allow',
                    Action: ['states:DescribeExecution', 'states:StopExecution'],
                    Resource: `arn:aws:states:${REGION}:${HOME}:execution:*`,
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const { template } = harness.packaged;
    machineArn = packagedEngineStateMachineArn(template, REGION, HOME);
    const handlers = await harness.loadEngine({ ENGINE_MAX_TARGETS_PER_BATCH: '2' });
    harness.endpoint.aws.executions.register({
      arn: machineArn,
      definition: packagedEngineDefinition(template, REGION, HOME),
      handlers,
      waitMs: WAIT_MS,
    });
    const { loaded } = await harness.endpoint.ready;
    const startRole = loaded.stage.stackRoles?.find((r) => r.logicalId === ENGINE_START_ROLE_ID);
    if (!startRole) throw new Error(`the packaged stage has no ${ENGINE_START_ROLE_ID}`);
    starter = harness.endpoint.aws.issueSession(startRole.roleArn, 'xacct-ec2-local-engineStart');
  }, 180_000);

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await harness?.stop();
  });

  it('runs the nightly stop: RUNNING, then SUCCEEDED with the summary as output', async () => {
    // Prepare
    const operator = sfn(harness.endpoint.aws.issueSession(OPERATOR_ROLE, 'operator'));
    const input = { request: { action: 'stop', hibernate: true, wait: true } };

    // Act
    const started = await sfn(starter).send(
      new StartExecutionCommand({
        stateMachineArn: machineArn,
        name: 'weekday-evening-stop-20261201T180000Z',
        input: JSON.stringify(input),
      }),
    );
    const { seen, last } = await pollUntilEnded(operator, started.executionArn ?? '');

    // Assess
    expect(started.executionArn).toBe(
      `arn:aws:states:${REGION}:${HOME}:execution:xacct-ec2-local-engine:weekday-evening-stop-20261201T180000Z`,
    );
    expect(seen).toEqual(['RUNNING', 'SUCCEEDED']);
    expect(last.stopDate?.getTime()).toBeGreaterThanOrEqual(last.startDate?.getTime() ?? 0);
    const output = JSON.parse(last.output ?? '{}');
    expect(output).toMatchObject({
      execution: 'weekday-evening-stop-20261201T180000Z',
      action: 'stop',
      targets: 5,
      batches: 3,
      failedItems: [],
      summary: { inTransit: 0, failed: 0, targetsFailed: 2 },
    });
    expect(output.summary.changed).toBeGreaterThan(3);
    expect(output.checks).toBeGreaterThanOrEqual(1);
    expect(output.failures.map((f: { accountId: string }) => f.accountId).sort()).toEqual([
      ACCOUNT_444,
      ACCOUNT_555,
    ]);
  }, 60_000);

  it('the starter handler starts one execution for a scheduled delivery; a repeat is a duplicate', async () => {
    // Prepare: the starter as Lambda runs it, its SDK client signing as EngineStartRole
    await harness.loadFunction();
    const start = await loadStarter(starter, machineArn);
    const delivery = {
      schedule: 'weekday-evening-stop',
      scheduledTime: '2026-12-02T18:00:00Z',
      request: { action: 'status' },
    };
    const operator = sfn(harness.endpoint.aws.issueSession(OPERATOR_ROLE, 'operator'));

    // Act
    const first = await start(delivery);
    const firstArn = first.started ? first.executionArn : '';
    await pollUntilEnded(operator, firstArn);
    const second = await start(delivery);
    const listed = await operator.send(new ListExecutionsCommand({ stateMachineArn: machineArn }));

    // Assess
    expect(first).toEqual({
      started: true,
      name: 'weekday-evening-stop-20261202T180000Z',
      executionArn: `arn:aws:states:${REGION}:${HOME}:execution:xacct-ec2-local-engine:weekday-evening-stop-20261202T180000Z`,
    });
    expect(second).toEqual({
      started: false,
      name: 'weekday-evening-stop-20261202T180000Z',
      duplicate: true,
    });
    const runs = listed.executions?.filter((e) => e.name === first.name) ?? [];
    expect(runs.map((e) => e.status)).toEqual(['SUCCEEDED']);
  }, 60_000);

  it('a schedule as the default stage packages it (scheduledRuns: engine) reaches the starter, and two deliveries of one invocation start one run', async () => {
    // Prepare: the local stage's packaged schedule, its context attribute filled in as
    // EventBridge Scheduler fills it; Scheduler delivers at least once, so twice at once here.
    await harness.loadFunction();
    const start = await loadStarter(starter, machineArn);
    const schedule = Object.values(harness.packaged.template.Resources).find(
      (r) => r.Type === 'AWS::Scheduler::Schedule',
    );
    const target = schedule?.Properties?.Target as { Arn: unknown; Input: string };
    const delivery = JSON.parse(
      target.Input.replace('<aws.scheduler.scheduled-time>', '2026-12-03T18:00:00Z'),
    );
    const operator = sfn(harness.endpoint.aws.issueSession(OPERATOR_ROLE, 'operator'));

    // Act
    const outcomes = await Promise.all([start(delivery), start(delivery)]);
    const arns = outcomes.flatMap((o) => (o.started ? [o.executionArn] : []));
    await pollUntilEnded(operator, arns[0] ?? '');
    const listed = await operator.send(new ListExecutionsCommand({ stateMachineArn: machineArn }));

    // Assess
    expect(target.Arn).toEqual({ 'Fn::GetAtt': ['EngineStartLambdaFunction', 'Arn'] });
    const name = 'weekday-evening-stop-20261203T180000Z';
    expect(outcomes.map((o) => o.name)).toEqual([name, name]);
    // Either the second finds the name taken, or Step Functions answers the same name and input
    // with the running execution: one ARN either way.
    expect(new Set(arns).size).toBe(1);
    const runs = listed.executions?.filter((e) => e.name === name) ?? [];
    expect(runs.map((e) => e.status)).toEqual(['SUCCEEDED']);
  }, 60_000);

  it('refuses StartExecution to a role whose policy lacks states:StartExecution', async () => {
    // Prepare: the instances function's execution role (sts:AssumeRole, events:PutEvents only)
    const home = sfn(harness.endpoint.aws.homeCredentials);

    // Act
    const error = await home
      .send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'not-allowed' }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    // Assess
    expect(error).toBeInstanceOf(SFNServiceException);
    expect(error).toMatchObject({ name: 'AccessDeniedException' });
    expect((error as Error).message).toContain(
      `is not authorized to perform: states:StartExecution on resource: ${machineArn}`,
    );
    expect(
      harness.endpoint.aws.executions.find(executionArnOf(machineArn, 'not-allowed')),
    ).toBeUndefined();
  });

  it('refuses the starter everything but StartExecution (its packaged policy)', async () => {
    // Prepare
    const asStarter = sfn(starter);

    // Act
    const error = await asStarter
      .send(new ListExecutionsCommand({ stateMachineArn: machineArn }))
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    // Assess
    expect(error).toMatchObject({ name: 'AccessDeniedException' });
  });
});

/**
 * Imports handlers/engine/start.ts in a fresh module registry with the starter's credentials in
 * the environment, resolves its client's credentials once (the SDK keeps them, as a container
 * keeps its role's), and puts the environment back, so the engine's workers keep signing as the
 * execution role.
 */
async function loadStarter(
  credentials: TemporaryCredentials,
  stateMachineArn: string,
): Promise<StartHandler> {
  const names = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'ENGINE_STATE_MACHINE_ARN',
  ];
  const saved = new Map(names.map((name) => [name, process.env[name]]));
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    ENGINE_STATE_MACHINE_ARN: stateMachineArn,
  });
  try {
    let handler: StartHandler | undefined;
    await jest.isolateModulesAsync(async () => {
      handler = (await import('../../handlers/engine/start')).handler;
      const { stepFunctions } = await import('../../handlers/aws/step-functions');
      await stepFunctions.config.credentials();
    });
    if (!handler) throw new Error('handlers/engine/start did not load');
    return handler;
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
