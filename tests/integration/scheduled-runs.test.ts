/**
 * A schedule of the packaged `local` stage fires in the local world as EventBridge Scheduler
 * fires it on AWS: at its time in its time zone, through its execution role (assumed as
 * scheduler.amazonaws.com with aws:SourceArn = the schedule group's ARN, decided by the packaged
 * trust policy), into its target function (the engine's starter) asynchronously, with the
 * context attributes filled in; the engine run it starts reports its Run Summary.
 * A trust that names the schedule instead of the group (the form AWS stopped sending in 2023) is
 * refused, and then nothing reaches the dead-letter queue either: it is written with that role.
 */

import { localDate } from '../../handlers/config/excluded-dates';
import {
  alarmsOfTemplate,
  alarmTimeline,
  datapointsFromEmf,
  policyWorldFromSeed,
  type ScheduleFiring,
} from '../../scripts/local-aws';
import { startLocalEndpoint } from '../../scripts/run-local';
import type { CfnTemplate, PackagedStage } from '../../scripts/shared/stack/package-stage';
import { createPolicyAuthorizer, type PolicyWorld } from '../../scripts/verify';
import { type Harness, useHarness } from './harness';

const WEEK_SECONDS = 7 * 24 * 3600;
const GROUP_ARN = 'arn:aws:scheduler:eu-west-1:111111111111:schedule-group/xacct-ec2-local';
const SCHEDULE_ARN =
  'arn:aws:scheduler:eu-west-1:111111111111:schedule/xacct-ec2-local/xacct-ec2-local-weekday-evening-stop';

/** Moves the world clock to the stage's next firing and fires it. */
async function advanceToNextFiring(aws: Harness['endpoint']['aws']): Promise<ScheduleFiring[]> {
  const next = aws.firing.nextFiring();
  if (!next) throw new Error('no schedule is due to fire');
  return aws.advanceClock(Math.max(0, next.at.getTime() - aws.clock.now()));
}

/** The packaged stage with the Scheduler role trusting `schedule/<group>/*`, as before 2023-09-07. */
function withScheduleArnTrust(packaged: PackagedStage): PackagedStage {
  const template = structuredClone(packaged.template) as CfnTemplate;
  const trust = template.Resources.SchedulerInvokeRole?.Properties?.AssumeRolePolicyDocument as {
    Statement: { Condition: Record<string, unknown> }[];
  };
  const statement = trust.Statement[0];
  if (!statement) throw new Error('the packaged scheduler role has no trust statement');
  statement.Condition = {
    StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    ArnLike: {
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
            ':schedule/xacct-ec2-local/*',
          ],
        ],
      },
    },
  };
  return { ...packaged, template };
}

describe('Scheduled runs in the local world (EventBridge Scheduler firing)', () => {
  // The clock moves up to three days to the next weekday evening: the home session must last.
  const harness = useHarness({
    settings: { homeSessionLifetimeSeconds: WEEK_SECONDS },
    startTimeoutMs: 240_000,
  });

  it('fires weekday-evening-stop at 19:00 Berlin through its role into the engine, whose run reports its summary', async () => {
    // Prepare
    const { aws } = harness.endpoint;
    const starterArn = await harness.registerStarter();
    aws.events.reset();

    // Act
    const [firing, ...more] = await advanceToNextFiring(aws);
    const started = (await firing?.invocation?.done)?.result as
      | { started: boolean; name: string; executionArn: string }
      | undefined;
    await aws.executions.finished(started?.executionArn ?? '');

    // Assess: the time, in Berlin's zone, and the path AWS takes.
    expect(more).toEqual([]);
    expect(firing).toMatchObject({
      scheduleArn: SCHEDULE_ARN,
      targetArn: starterArn,
      outcome: 'delivered',
      attempts: [expect.objectContaining({ number: 1, outcome: 'delivered' })],
    });
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(firing?.scheduledTime ?? 0));
    expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 19:00$/);
    expect(firing?.roleSessionArn).toMatch(
      /^arn:aws:sts::111111111111:assumed-role\/xacct-ec2-local-SchedulerInvokeRole-[A-Z2-7]{12}\//,
    );
    // The context attribute was filled in: the run is named after the schedule and its time.
    const stamp = (firing?.scheduledTime ?? '').replace(/[-:]/g, '');
    expect(started).toMatchObject({ started: true, name: `weekday-evening-stop-${stamp}` });
    // The run's summary on the bus, attributed to the schedule.
    expect(aws.events.list()).toContainEqual(
      expect.objectContaining({
        detailType: 'Run Summary',
        detail: expect.objectContaining({
          stage: 'local',
          runId: started?.name,
          origin: {
            kind: 'schedule',
            schedule: 'weekday-evening-stop',
            scheduledTime: firing?.scheduledTime,
          },
        }),
      }),
    );
  }, 120_000);

  it('skips the run on a holiday: no run, no target call, a Run Summary marked skipped sent as EngineStartRole, and the heartbeat alarm stays quiet', async () => {
    // Prepare: the next firing's Berlin date is a holiday, written into the function's copy of the
    // config as packaging writes `holidays` (resources/home-stack/schedules/holiday-dates.ts).
    const { aws } = harness.endpoint;
    const next = aws.firing.nextFiring();
    const holiday = localDate(next?.at ?? new Date(0), 'Europe/Berlin');
    await harness.registerStarter((config) => ({
      ...config,
      schedules: (config.schedules ?? []).map((schedule) => ({
        ...schedule,
        holidays: ['DE-BY'],
        holidayDates: [{ date: holiday, name: 'Test holiday (DE-BY)' }],
      })),
    }));
    const engineArn = aws.homeEngineArn ?? '';
    const runsBefore = aws.executions.list(engineArn).length;
    const describesBefore = harness.calls({ action: 'DescribeInstances' });
    const eventsBefore = aws.events.list().length;
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      printed.push(String(line));
    });

    // Act
    let outcome: unknown;
    try {
      const [firing] = await advanceToNextFiring(aws);
      outcome = (await firing?.invocation?.done)?.result;
    } finally {
      log.mockRestore();
      delete process.env.POWERTOOLS_METRICS_DISABLED;
    }

    // Assess: nothing started, nothing called in a target account.
    expect(outcome).toMatchObject({
      started: false,
      skipped: { reason: 'holiday', date: holiday, detail: 'Test holiday (DE-BY)' },
    });
    expect(aws.executions.list(engineArn)).toHaveLength(runsBefore);
    expect(harness.calls({ action: 'DescribeInstances' })).toBe(describesBefore);
    // The run still ends with its summary, accepted by the endpoint under the starter's own role
    // (its packaged policy decides PutEvents), named as the execution would have been.
    const sent = aws.events.list().slice(eventsBefore);
    expect(sent.map((e) => e.detailType)).toEqual(['Run Summary']);
    expect(sent[0]?.detail).toMatchObject({
      runId: (outcome as { name: string }).name,
      outcome: 'skipped',
      skipped: { reason: 'holiday', date: holiday, detail: 'Test holiday (DE-BY)' },
      counts: { targets: 0 },
    });
    // The heartbeat the packaged alarm watches (same namespace, name and full dimension set).
    const emf = printed.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as unknown);
    const alarm = alarmsOfTemplate(harness.packaged.template).find(
      (a) => a.metricName === 'ScheduledRunsCompleted',
    );
    if (!alarm) throw new Error('the packaged stage has no heartbeat alarm');
    const beats = datapointsFromEmf(emf).filter(
      (d) =>
        d.namespace === alarm.namespace &&
        d.metricName === alarm.metricName &&
        JSON.stringify(Object.entries(d.dimensions).sort()) ===
          JSON.stringify(Object.entries(alarm.dimensions).sort()),
    );
    expect(beats).toHaveLength(1);
    // The previous run beat one period earlier. Right after the skipped run the alarm is OK
    // because of the skipped run's beat; without it, the period would have no data, which the
    // heartbeat notifies on (OK -> INSUFFICIENT_DATA).
    const skippedAt = beats[0]?.timestamp ?? 0;
    const previous = {
      ...(beats[0] as (typeof beats)[number]),
      timestamp: skippedAt - alarm.periodSeconds * 1000,
    };
    const after = skippedAt + 60_000;
    const states = (points: typeof beats) =>
      alarmTimeline(alarm, points, skippedAt, after).map((t) => t.state);
    expect(states([previous, ...beats])).toEqual(['OK']);
    expect(states([previous])).toEqual(['INSUFFICIENT_DATA']);
    expect(alarm.notifyInsufficientData).toBe(true);
  }, 120_000);

  it('writes the dead-letter queue with the role when the target is gone, after the retries', async () => {
    // Prepare: a world whose instances function was never deployed.
    const endpoint = await startLocalEndpoint({
      packaged: harness.packaged,
      settings: { homeSessionLifetimeSeconds: WEEK_SECONDS },
      log: () => undefined,
    });
    try {
      await endpoint.ready;

      // Act
      const [firing] = await advanceToNextFiring(endpoint.aws);

      // Assess: 1 + MaximumRetryAttempts (3) attempts, then the queue, written by the role.
      expect(firing?.attempts.map((a) => a.outcome)).toEqual([
        'FunctionNotFound',
        'FunctionNotFound',
        'FunctionNotFound',
        'FunctionNotFound',
      ]);
      expect(firing?.outcome).toBe('dead-lettered');
      expect(endpoint.aws.firing.deadLetters()).toEqual([
        expect.objectContaining({
          queueArn: 'arn:aws:sqs:eu-west-1:111111111111:xacct-ec2-local-schedule-dlq',
          attributes: expect.objectContaining({
            EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
            RETRY_ATTEMPTS: '3',
            SCHEDULE_ARN,
          }),
        }),
      ]);
    } finally {
      await endpoint.stop();
    }
  }, 120_000);

  it('refuses a trust that names the schedule ARN: nothing runs, and the dead-letter queue stays empty', async () => {
    // Prepare
    const endpoint = await startLocalEndpoint({
      packaged: withScheduleArnTrust(harness.packaged),
      settings: { homeSessionLifetimeSeconds: WEEK_SECONDS },
      log: () => undefined,
    });
    try {
      await endpoint.ready;
      const received: unknown[] = [];
      for (const { schedule } of endpoint.aws.schedules.all()) {
        endpoint.aws.functions.register(String(schedule.Target.Arn), async (event) =>
          received.push(event),
        );
      }

      // Act
      const [firing] = await advanceToNextFiring(endpoint.aws);

      // Assess: STS (the packaged trust, evaluated) refused every attempt.
      expect(firing?.attempts).toHaveLength(4);
      for (const attempt of firing?.attempts ?? []) {
        expect(attempt.outcome).toBe('RoleNotAssumed');
        expect(attempt.detail).toContain('condition aws:SourceArn did not match');
      }
      expect(firing).toMatchObject({
        outcome: 'lost',
        lostBecause: expect.stringContaining('could not assume'),
      });
      expect(firing?.roleSessionArn).toBeUndefined();
      expect(received).toEqual([]);
      expect(endpoint.aws.firing.deadLetters()).toEqual([]);
    } finally {
      await endpoint.stop();
    }
  }, 120_000);

  it('asks the packaged trust with the group ARN that Scheduler sends, never the schedule ARN', async () => {
    // Prepare
    const authorizer = createPolicyAuthorizer(
      policyWorldFromSeed(harness.endpoint.seed) as unknown as PolicyWorld,
      { packaged: harness.packaged },
    );
    const roleArn = (await authorizer.ready()).stage.scheduler?.roleArn ?? '';

    // Act
    const decide = (sourceArn: string) =>
      authorizer.authorizeServiceAssumeRole({
        servicePrincipal: 'scheduler.amazonaws.com',
        targetRoleArn: roleArn,
        sourceArn,
        sourceAccount: '111111111111',
      });
    const group = await decide(GROUP_ARN);
    const schedule = await decide(SCHEDULE_ARN);
    const otherAccount = await decide(GROUP_ARN.replace('111111111111', '999999999999'));

    // Assess
    expect([group.result, schedule.result, otherAccount.result]).toEqual([
      'Allowed',
      'ImplicitlyDenied',
      'ImplicitlyDenied',
    ]);
  });
});
