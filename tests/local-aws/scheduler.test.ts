import {
  GetScheduleCommand,
  ListSchedulesCommand,
  paginateListSchedules,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseStageConfig } from '../../handlers/config/stage-config';
import { scheduleResources } from '../../resources/home-stack/schedules/schedule-resources';
import {
  generatedRoleName,
  type LocalAws,
  loadSeedFile,
  schedulesFromTemplate,
  startLocalAws,
  type TemporaryCredentials,
} from '../../scripts/local-aws';
import {
  STAGE_OPERATOR_ROLE,
  stageOperatorCredentials,
  stageOperatorPolicy,
} from '../../scripts/local-aws/scheduler-operator';
import type { ActionCheck, Authorizer } from '../../scripts/shared/authorization';
import type { CfnTemplate } from '../../scripts/shared/stack/package-stage';
import { simulate } from '../../scripts/verify/simulate';
import { TEST_CONFIG } from '../helpers/config';

const SEED = loadSeedFile();
const HOME = SEED.home.accountId;
const REGION = SEED.home.region;
const GROUP = 'xacct-ec2-local';
const OPERATOR_ROLE_ARN = `arn:aws:iam::${HOME}:role/${STAGE_OPERATOR_ROLE}`;
const SCHEDULER_ROLE = `arn:aws:iam::${HOME}:role/${generatedRoleName('xacct-ec2-local', 'SchedulerInvokeRole')}`;

/** The local stage's schedules as scheduleResources generates them, plus what they point at. */
function localTemplate(): CfnTemplate {
  const parsed = parseStageConfig({
    ...TEST_CONFIG,
    schedules: ['a-evening-stop', 'b-morning-start', 'c-weekend-stop'].map((name) => ({
      name,
      expression: 'cron(0 19 ? * MON-FRI *)',
      timezone: 'Europe/Berlin',
      request: { action: name.includes('start') ? 'start' : 'stop' },
    })),
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const { Resources } = scheduleResources(parsed.value, { service: 'xacct-ec2', stage: 'local' });
  return {
    Resources: {
      ...(Resources as CfnTemplate['Resources']),
      InstancesLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: { FunctionName: 'xacct-ec2-local-instances' },
      },
      EngineStartLambdaFunction: {
        Type: 'AWS::Lambda::Function',
        Properties: { FunctionName: 'xacct-ec2-local-engineStart' },
      },
      ScheduleDeadLetterQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: { QueueName: 'xacct-ec2-local-schedule-dlq' },
      },
    },
  };
}

/** The operator role is decided by the switch's own least-privilege policy; nobody else is allowed. */
function operatorAuthorizer(checks: ActionCheck[]): Authorizer {
  const deny = async () => ({
    allowed: false,
    result: 'ImplicitlyDenied' as const,
    explanation: 'not the operator',
  });
  return {
    authorizeAssumeRole: deny,
    authorizeEc2: deny,
    authorizeRequest: async (check) => {
      checks.push(check);
      if (check.callerRoleArn !== OPERATOR_ROLE_ARN) return deny();
      return simulate({
        principal: check.callerSessionArn,
        action: check.action,
        resourceArn: check.resourceArn,
        resourceAccountId: check.resourceAccountId,
        context: {
          ...check.context,
          ...(check.region ? { 'aws:RequestedRegion': check.region } : {}),
        },
        identityPolicies: [
          { name: 'stage-switch', source: 'test', policy: stageOperatorPolicy(SEED) },
        ],
      });
    },
  };
}

interface RawAnswer {
  status: number;
  errorType: string | undefined;
  body: Record<string, unknown>;
}

describe('Local EventBridge Scheduler', () => {
  let aws: LocalAws;
  let operator: TemporaryCredentials;
  let client: SchedulerClient;
  const checks: ActionCheck[] = [];

  const schedulerFor = (
    credentials: TemporaryCredentials | Omit<TemporaryCredentials, 'expiration'>,
  ) => new SchedulerClient({ region: REGION, endpoint: aws.url, credentials, maxAttempts: 1 });

  /** A restJson1 request signed by hand, for bodies the SDK would not send. */
  async function raw(method: string, path: string, body?: unknown): Promise<RawAnswer> {
    const url = new URL(aws.url);
    const text = body === undefined ? '' : JSON.stringify(body);
    const signer = new SignatureV4({
      credentials: operator,
      region: REGION,
      service: 'scheduler',
      sha256: Sha256,
    });
    const [pathname, search] = path.split('?');
    const query = Object.fromEntries(new URLSearchParams(search ?? ''));
    const signed = await signer.sign({
      method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: pathname ?? '/',
      query,
      headers: { host: url.host, 'content-type': 'application/json' },
      body: text,
    });
    const response = await fetch(`${aws.url}${path}`, {
      method,
      headers: signed.headers,
      ...(method === 'GET' ? {} : { body: text }),
    });
    return {
      status: response.status,
      errorType: response.headers.get('x-amzn-errortype') ?? undefined,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  beforeAll(async () => {
    aws = await startLocalAws({
      authorizer: operatorAuthorizer(checks),
      log: () => undefined,
      schedules: schedulesFromTemplate(localTemplate(), {
        accountId: HOME,
        region: REGION,
        stackName: 'xacct-ec2-local',
      }),
    });
    operator = stageOperatorCredentials(aws.world, HOME);
    client = schedulerFor(operator);
  });

  afterAll(async () => {
    client.destroy();
    await aws.stop();
  });

  beforeEach(() => {
    checks.length = 0;
  });

  it('lists the group over several pages with the SDK paginator, authorised on "*"', async () => {
    // Prepare
    aws.schedules.defaultPageSize = 1;
    const names: string[] = [];

    // Act
    for await (const page of paginateListSchedules({ client }, { GroupName: GROUP })) {
      names.push(...(page.Schedules ?? []).map((s) => s.Name ?? ''));
    }

    // Assess
    aws.schedules.defaultPageSize = 100;
    expect(names).toEqual([
      'xacct-ec2-local-a-evening-stop',
      'xacct-ec2-local-b-morning-start',
      'xacct-ec2-local-c-weekend-stop',
    ]);
    expect(checks.map((c) => [c.action, c.resourceArn])).toEqual([
      ['scheduler:ListSchedules', '*'],
      ['scheduler:ListSchedules', '*'],
      ['scheduler:ListSchedules', '*'],
    ]);
  });

  it('answers GetSchedule with the fields the packaged template gave, intrinsics resolved', async () => {
    // Act
    const schedule = await client.send(
      new GetScheduleCommand({ Name: 'xacct-ec2-local-a-evening-stop', GroupName: GROUP }),
    );

    // Assess
    expect(schedule).toMatchObject({
      Arn: `arn:aws:scheduler:${REGION}:${HOME}:schedule/${GROUP}/xacct-ec2-local-a-evening-stop`,
      GroupName: GROUP,
      ScheduleExpression: 'cron(0 19 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: `arn:aws:lambda:${REGION}:${HOME}:function:xacct-ec2-local-engineStart`,
        RoleArn: SCHEDULER_ROLE,
        DeadLetterConfig: { Arn: `arn:aws:sqs:${REGION}:${HOME}:xacct-ec2-local-schedule-dlq` },
      },
    });
    expect(schedule.CreationDate).toBeInstanceOf(Date);
    expect(JSON.parse(schedule.Target?.Input ?? '{}')).toMatchObject({
      request: { action: 'stop' },
    });
  });

  it('replaces the whole schedule on UpdateSchedule: what the request leaves out is gone, and State falls back to ENABLED', async () => {
    // Prepare
    const name = 'xacct-ec2-local-c-weekend-stop';
    const before = await client.send(new GetScheduleCommand({ Name: name, GroupName: GROUP }));
    await client.send(
      new UpdateScheduleCommand({
        Name: name,
        GroupName: GROUP,
        ScheduleExpression: before.ScheduleExpression,
        FlexibleTimeWindow: before.FlexibleTimeWindow,
        Target: before.Target,
        State: 'DISABLED',
      }),
    );

    // Act
    await client.send(
      new UpdateScheduleCommand({
        Name: name,
        GroupName: GROUP,
        ScheduleExpression: 'rate(1 day)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: before.Target?.Arn, RoleArn: before.Target?.RoleArn },
      }),
    );
    const after = await client.send(new GetScheduleCommand({ Name: name, GroupName: GROUP }));

    // Assess
    expect(after.State).toBe('ENABLED');
    expect(after.Description).toBeUndefined();
    expect(after.ScheduleExpressionTimezone).toBeUndefined();
    expect(after.Target?.Input).toBeUndefined();
    expect(checks.map((c) => c.action)).toContain('iam:PassRole');
    expect(checks.find((c) => c.action === 'iam:PassRole')).toMatchObject({
      resourceArn: SCHEDULER_ROLE,
      context: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    });
  });

  it('refuses an UpdateSchedule without its required fields, naming each, and changes nothing', async () => {
    // Prepare
    const name = 'xacct-ec2-local-a-evening-stop';

    // Act
    const answer = await raw('PUT', `/schedules/${name}`, {
      GroupName: GROUP,
      Target: { Arn: 'arn:aws:lambda:eu-west-1:111111111111:function:f' },
      FlexibleTimeWindow: { Mode: 'SOMETIMES' },
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.errorType).toBe('ValidationException');
    expect(answer.body.Message).toBe(
      "3 validation errors detected: Value null at 'ScheduleExpression' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'Target.RoleArn' failed to satisfy constraint: Member must not be null; " +
        "Value 'SOMETIMES' at 'FlexibleTimeWindow.Mode' failed to satisfy constraint: Member must satisfy enum value set: [OFF, FLEXIBLE]",
    );
    const unchanged = aws.schedules.get(HOME, REGION, GROUP, name);
    expect(unchanged?.State).toBe('ENABLED');
    expect(unchanged?.Target.RoleArn).toBe(SCHEDULER_ROLE);
  });

  it.each([
    [{ Target: { Arn: 'x', RoleArn: 'not-a-role' } }, "Value 'not-a-role' at 'Target.RoleArn'"],
    [{ State: 'PAUSED' }, "Value 'PAUSED' at 'State'"],
    [{ FlexibleTimeWindow: { Mode: 'FLEXIBLE' } }, "'FlexibleTimeWindow.MaximumWindowInMinutes'"],
    [
      { Target: { Arn: 'x', RoleArn: SCHEDULER_ROLE, RetryPolicy: { MaximumRetryAttempts: 186 } } },
      'Member must have value less than or equal to 185',
    ],
    [{ Description: 'x'.repeat(513) }, 'Member must have length between 0 and 512'],
    [
      { ScheduleExpression: 'cron(oops) and rate(1 minute)' },
      "Invalid Schedule Expression cron(oops) and rate(1 minute) has 4 fields; AWS's cron has six",
    ],
    [{ ScheduleExpression: 'rate(1 minutes)' }, 'write rate(1 minute)'],
    [{ ScheduleExpressionTimezone: 'Mars/Olympus' }, 'Invalid Timezone Mars/Olympus.'],
  ])('refuses UpdateSchedule with %j', async (patch, message) => {
    // Act
    const answer = await raw('PUT', '/schedules/xacct-ec2-local-a-evening-stop', {
      GroupName: GROUP,
      ScheduleExpression: 'rate(1 day)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: 'x', RoleArn: SCHEDULER_ROLE },
      ...patch,
    });

    // Assess
    expect(answer.errorType).toBe('ValidationException');
    expect(String(answer.body.Message)).toContain(message);
  });

  it('answers ResourceNotFoundException for a schedule or group that does not exist', async () => {
    // Act
    const get = await raw('GET', `/schedules/xacct-ec2-local-nope?groupName=${GROUP}`);
    const list = await raw('GET', '/schedules?ScheduleGroup=xacct-ec2-other');
    const update = client.send(
      new UpdateScheduleCommand({
        Name: 'xacct-ec2-local-nope',
        GroupName: GROUP,
        ScheduleExpression: 'rate(1 day)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: 'x', RoleArn: SCHEDULER_ROLE },
      }),
    );

    // Assess
    expect([get.status, get.errorType, get.body.Message]).toEqual([
      404,
      'ResourceNotFoundException',
      'Schedule xacct-ec2-local-nope does not exist.',
    ]);
    expect([list.status, list.errorType]).toEqual([404, 'ResourceNotFoundException']);
    await expect(update).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Schedule xacct-ec2-local-nope does not exist.',
    });
  });

  it('refuses bad ListSchedules parameters before anything is listed', async () => {
    // Act
    const answer = await raw('GET', `/schedules?ScheduleGroup=${GROUP}&MaxResults=101`);
    const token = await raw('GET', `/schedules?ScheduleGroup=${GROUP}&NextToken=forged`);

    // Assess
    expect(answer.errorType).toBe('ValidationException');
    expect(String(answer.body.Message)).toContain("at 'MaxResults'");
    expect(token.errorType).toBe('ValidationException');
  });

  it('refuses callers the policy does not allow: another role, another group, another role to pass', async () => {
    // Prepare
    const home = schedulerFor(aws.homeCredentials);
    aws.schedules.seed([
      {
        accountId: HOME,
        region: REGION,
        group: 'xacct-ec2-prod',
        name: 'xacct-ec2-prod-stop',
        scheduleExpression: 'rate(1 day)',
        state: 'ENABLED',
        flexibleTimeWindow: { Mode: 'OFF' },
        target: { Arn: 'x', RoleArn: SCHEDULER_ROLE },
      },
    ]);

    const refusal = (sent: Promise<unknown>) =>
      sent.then(
        () => 'allowed',
        (error: unknown) => error,
      );

    // Act
    const byExecutionRole = await refusal(
      home.send(new ListSchedulesCommand({ GroupName: GROUP })),
    );
    const otherGroup = await refusal(
      client.send(
        new GetScheduleCommand({ Name: 'xacct-ec2-prod-stop', GroupName: 'xacct-ec2-prod' }),
      ),
    );
    const otherRole = await refusal(
      client.send(
        new UpdateScheduleCommand({
          Name: 'xacct-ec2-local-b-morning-start',
          GroupName: GROUP,
          ScheduleExpression: 'rate(1 day)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: { Arn: 'x', RoleArn: `arn:aws:iam::${HOME}:role/admin` },
        }),
      ),
    );

    // Assess
    expect(byExecutionRole).toMatchObject({ name: 'AccessDeniedException' });
    expect(otherGroup).toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        `scheduler:GetSchedule on resource: arn:aws:scheduler:${REGION}:${HOME}:schedule/xacct-ec2-prod/xacct-ec2-prod-stop`,
      ),
    });
    expect(otherRole).toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(`iam:PassRole on resource: arn:aws:iam::${HOME}:role/admin`),
    });
    expect(aws.schedules.get(HOME, REGION, GROUP, 'xacct-ec2-local-b-morning-start')?.State).toBe(
      'ENABLED',
    );
    home.destroy();
  });

  it('checks the signature: a wrong secret and an unknown key are refused as Scheduler words them', async () => {
    // Prepare
    const wrongSecret = schedulerFor({ ...operator, secretAccessKey: 'not-the-secret' });
    const unknownKey = schedulerFor({ ...operator, accessKeyId: 'ASIAUNKNOWN000000000' });

    // Act
    const forged = wrongSecret.send(new ListSchedulesCommand({ GroupName: GROUP }));
    const unknown = unknownKey.send(new ListSchedulesCommand({ GroupName: GROUP }));

    // Assess
    await expect(forged).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    await expect(unknown).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
    expect(checks).toEqual([]);
    wrongSecret.destroy();
    unknownKey.destroy();
  });
});
