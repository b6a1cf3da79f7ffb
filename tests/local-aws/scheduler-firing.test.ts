/**
 * When the local Scheduler fires and what it sends, on a frozen clock. The role's trust is a
 * stand-in here (allow all); tests/integration/scheduled-runs.test.ts fires through the packaged
 * policies.
 */
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import {
  type LocalAws,
  ManualClock,
  type ScheduleSeed,
  startLocalAws,
} from '../../scripts/local-aws';
import type { Authorizer } from '../../scripts/shared/authorization';

const HOME = '111111111111';
const REGION = 'eu-west-1';
const FUNCTION = `arn:aws:lambda:${REGION}:${HOME}:function:xacct-ec2-local-instances`;
const ROLE = `arn:aws:iam::${HOME}:role/xacct-ec2-local-SchedulerInvokeRole-ABCDEFGHIJKL`;
const QUEUE = `arn:aws:sqs:${REGION}:${HOME}:xacct-ec2-local-schedule-dlq`;

const allow = async () => ({ allowed: true, result: 'Allowed' as const, explanation: 'allowed' });
const ALLOW_ALL: Authorizer = {
  authorizeAssumeRole: allow,
  authorizeEc2: allow,
  authorizeRequest: allow,
  authorizeServiceAssumeRole: allow,
};

function schedule(name: string, changes: Partial<ScheduleSeed> = {}): ScheduleSeed {
  return {
    accountId: HOME,
    region: REGION,
    group: 'xacct-ec2-local',
    name,
    scheduleExpression: 'cron(30 2 * * ? *)',
    scheduleExpressionTimezone: 'Europe/Berlin',
    state: 'ENABLED',
    flexibleTimeWindow: { Mode: 'OFF' },
    target: {
      Arn: FUNCTION,
      RoleArn: ROLE,
      Input: JSON.stringify({
        arn: '<aws.scheduler.schedule-arn>',
        time: '<aws.scheduler.scheduled-time>',
        id: '<aws.scheduler.execution-id>',
        attempt: '<aws.scheduler.attempt-number>',
      }),
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 900 },
      DeadLetterConfig: { Arn: QUEUE },
    },
    ...changes,
  };
}

describe('Local Scheduler firing', () => {
  let aws: LocalAws;
  let received: unknown[];

  async function start(schedules: ScheduleSeed[], at: string, register = true) {
    aws = await startLocalAws({
      authorizer: ALLOW_ALL,
      clock: new ManualClock(Date.parse(at)),
      schedules,
      log: () => undefined,
    });
    received = [];
    if (register) aws.functions.register(FUNCTION, async (event) => received.push(event));
  }

  afterEach(async () => {
    await aws?.stop();
  });

  it('fires at the schedule’s times in its zone, skipping the time spring-forward removes', async () => {
    // Prepare
    await start([schedule('nightly')], '2026-03-27T00:00:00Z');

    // Act
    const fired = await aws.advanceClock(4 * 86_400_000);

    // Assess: 02:30 Berlin on 27, 28 and 30 March; 29 March has no 02:30.
    expect(fired.map((f) => f.scheduledTime)).toEqual([
      '2026-03-27T01:30:00Z',
      '2026-03-28T01:30:00Z',
      '2026-03-30T00:30:00Z',
    ]);
    expect(fired.every((f) => f.outcome === 'delivered')).toBe(true);
  });

  it('fills the context attributes of the Input for each attempt', async () => {
    // Prepare
    await start([schedule('nightly')], '2026-03-27T00:00:00Z');

    // Act
    const [firing] = await aws.advanceClock(86_400_000);
    await aws.functions.settled();

    // Assess
    expect(received).toEqual([
      {
        arn: `arn:aws:scheduler:${REGION}:${HOME}:schedule/xacct-ec2-local/nightly`,
        time: '2026-03-27T01:30:00Z',
        id: firing?.attempts[0]?.executionId,
        attempt: '1',
      },
    ]);
    expect(firing?.attempts[0]?.executionId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('does not fire a DISABLED schedule', async () => {
    // Prepare
    await start([schedule('paused', { state: 'DISABLED' })], '2026-03-27T00:00:00Z');

    // Act
    const fired = await aws.advanceClock(2 * 86_400_000);

    // Assess
    expect(fired).toEqual([]);
    expect(received).toEqual([]);
  });

  it('stops retrying when the event is older than MaximumEventAgeInSeconds, then dead-letters it', async () => {
    // Prepare: no function at the target; retries 1, 2, 4 ... minutes apart.
    const short = schedule('short-lived');
    short.target.RetryPolicy = { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 120 };
    await start([short], '2026-03-27T00:00:00Z', false);

    // Act
    const [firing] = await aws.advanceClock(86_400_000);

    // Assess: attempts at +0, +1 and +2 minutes; the next (+4) would be older than 120 s.
    expect(firing?.attempts.map((a) => [a.at, a.outcome])).toEqual([
      ['2026-03-27T01:30:00Z', 'FunctionNotFound'],
      ['2026-03-27T01:31:00Z', 'FunctionNotFound'],
      ['2026-03-27T01:32:00Z', 'FunctionNotFound'],
    ]);
    expect(firing?.exhausted).toBe('MaximumEventAgeInSeconds');
    expect(aws.firing.deadLetters()).toEqual([
      expect.objectContaining({
        queueArn: QUEUE,
        attributes: expect.objectContaining({
          ERROR_CODE: 'FunctionNotFound',
          EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds',
          RETRY_ATTEMPTS: '2',
        }),
      }),
    ]);
  });

  it('fires an at() schedule once and deletes it with ActionAfterCompletion DELETE', async () => {
    // Prepare
    await start([], '2026-03-27T00:00:00Z');
    aws.schedules.seed([schedule('one-off', { scheduleExpression: 'at(2026-03-27T09:00:00)' })]);
    const [stored] = aws.schedules.all();
    if (!stored) throw new Error('not seeded');
    aws.schedules.replace(HOME, REGION, 'xacct-ec2-local', 'one-off', {
      ...stored.schedule,
      ActionAfterCompletion: 'DELETE',
    });

    // Act
    const fired = await aws.advanceClock(2 * 86_400_000);

    // Assess: 09:00 Berlin (UTC+1) is 08:00Z.
    expect(fired.map((f) => f.scheduledTime)).toEqual(['2026-03-27T08:00:00Z']);
    expect(aws.schedules.all()).toEqual([]);
  });

  it('answers POST /_local/clock with what fired', async () => {
    // Prepare
    await start([schedule('nightly')], '2026-03-27T00:00:00Z');

    // Act
    const response = await fetch(`${aws.url}/_local/clock`, {
      method: 'POST',
      headers: { 'x-local-aws-admin': '1', 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: 86_400_000 }),
    });
    const body = (await response.json()) as { now: string; fired: { outcome: string }[] };

    // Assess
    expect(response.status).toBe(200);
    expect(body.now).toBe('2026-03-28T00:00:00.000Z');
    expect(body.fired).toEqual([
      expect.objectContaining({ scheduledTime: '2026-03-27T01:30:00Z', outcome: 'delivered' }),
    ]);
  });

  it('creates a one-off schedule over the wire, refuses it twice or malformed, and deletes it', async () => {
    // Prepare
    await start([schedule('nightly')], '2026-03-27T00:00:00Z');
    const client = new SchedulerClient({
      region: REGION,
      endpoint: aws.url,
      credentials: aws.homeCredentials,
    });
    const request = {
      Name: 'xacct-ec2-local-smoke',
      GroupName: 'xacct-ec2-local',
      ScheduleExpression: 'at(2026-03-27T00:05:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      ActionAfterCompletion: 'DELETE' as const,
      Target: { Arn: FUNCTION, RoleArn: ROLE, Input: '{"request":{"action":"status"}}' },
    };

    // Act
    const created = await client.send(new CreateScheduleCommand(request));
    const twice = client.send(new CreateScheduleCommand(request));
    const malformed = client.send(
      new CreateScheduleCommand({ ...request, Name: 'x', ScheduleExpression: 'rate(1 minutes)' }),
    );
    const noGroup = client.send(new CreateScheduleCommand({ ...request, GroupName: 'nope' }));
    const fetched = await client.send(
      new GetScheduleCommand({ Name: request.Name, GroupName: request.GroupName }),
    );
    await client.send(
      new DeleteScheduleCommand({ Name: request.Name, GroupName: request.GroupName }),
    );
    const gone = client.send(
      new DeleteScheduleCommand({ Name: request.Name, GroupName: request.GroupName }),
    );

    // Assess
    expect(created.ScheduleArn).toBe(
      `arn:aws:scheduler:${REGION}:${HOME}:schedule/xacct-ec2-local/xacct-ec2-local-smoke`,
    );
    await expect(twice).rejects.toBeInstanceOf(ConflictException);
    await expect(malformed).rejects.toBeInstanceOf(ValidationException);
    await expect(noGroup).rejects.toBeInstanceOf(ResourceNotFoundException);
    expect(fetched).toMatchObject({ State: 'ENABLED', ActionAfterCompletion: 'DELETE' });
    await expect(gone).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
