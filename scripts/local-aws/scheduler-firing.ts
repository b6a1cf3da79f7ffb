/**
 * EventBridge Scheduler firing the local world's schedules, as it does on AWS:
 *
 * - each ENABLED schedule fires at the times its expression names in its time zone, read by the
 *   project's one evaluator (resources/home-stack/schedule-expression.ts, with Scheduler's DST rule),
 *   never before the schedule existed, nor outside its StartDate/EndDate;
 * - per attempt it assumes the schedule's execution role as `scheduler.amazonaws.com` with the
 *   context Scheduler sends, aws:SourceArn = the schedule GROUP's ARN and aws:SourceAccount
 *   (Scheduler User Guide, "Cross-service confused deputy prevention"), decided by the
 *   Authorizer, the same policy evaluation as every other call here;
 * - with that role it invokes the target function asynchronously (lambda:InvokeFunction,
 *   authorised by the role's policies), with the Input's context attributes filled in
 *   (`<aws.scheduler.schedule-arn>`, `<aws.scheduler.scheduled-time>`,
 *   `<aws.scheduler.execution-id>`, `<aws.scheduler.attempt-number>`: Scheduler User Guide,
 *   "Adding context attributes"). The function's own errors are not delivery failures;
 * - a failed delivery is retried within the RetryPolicy (MaximumRetryAttempts,
 *   MaximumEventAgeInSeconds); when retries are exhausted the event goes to the schedule's
 *   dead-letter queue, written WITH THE SAME ROLE (sqs:SendMessage): a role that could not be
 *   assumed leaves the queue empty, as on AWS (aws-conformance.md, "Scheduler → Lambda");
 * - ActionAfterCompletion DELETE removes a schedule once it has no firing left.
 *
 * Time: a firing and its attempts happen at their own times on the world clock, however far the
 * clock was moved past them (moving it is time passing, not Scheduler falling behind). Retries
 * are spaced 1, 2, 4 ... minutes apart: AWS documents no exact back-off (*unverified*).
 */
import { randomBytes } from 'node:crypto';
import {
  firingTimes,
  nextFiringTime,
  parseScheduleExpression,
  type ScheduleExpression,
} from '../../resources/home-stack/schedule-expression';
import type { Authorizer } from '../shared/authorization';
import { roleUniqueId } from './arns';
import type { Clock } from './clock';
import type { LocalFunctions, LocalInvocation } from './lambda-functions';
import type { ScheduleStore, StoredSchedule } from './scheduler-store';
import type { SessionStore } from './sessions';

export const SCHEDULER_PRINCIPAL = 'scheduler.amazonaws.com';
/** RetryPolicy when a schedule gives none (CreateSchedule API reference: 185 retries, 24 hours). */
const DEFAULT_RETRY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 };

export type AttemptOutcome = 'delivered' | 'RoleNotAssumed' | 'InvokeRefused' | 'FunctionNotFound';

export interface FiringAttempt {
  number: number;
  executionId: string;
  /** When the attempt was made (ISO). */
  at: string;
  outcome: AttemptOutcome;
  detail: string;
}

export interface DeadLetter {
  queueArn: string;
  /** The target's Input as it was sent. */
  body: string;
  /** Attribute names follow the dead-letter event Scheduler writes (*unverified* in full). */
  attributes: Record<string, string>;
}

export interface ScheduleFiring {
  scheduleArn: string;
  scheduleName: string;
  groupName: string;
  accountId: string;
  region: string;
  scheduledTime: string;
  targetArn: string;
  roleArn: string;
  attempts: FiringAttempt[];
  /** `delivered`; `dead-lettered`; `lost` (retries exhausted and the queue not written). */
  outcome: 'delivered' | 'dead-lettered' | 'lost';
  /** The session Scheduler got for the role on the last attempt that could assume it. */
  roleSessionArn?: string;
  /** Why the retries ended, for the two undelivered outcomes. */
  exhausted?: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';
  /** Why the dead-letter queue was not written, for `lost`. */
  lostBecause?: string;
  /** The accepted invocation, for `delivered`: `done` settles with the function's result. */
  invocation?: LocalInvocation;
}

export interface SchedulerFiringOptions {
  schedules: ScheduleStore;
  clock: Clock;
  authorizer: Authorizer;
  functions: LocalFunctions;
  sessions: SessionStore;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The schedule group's ARN: what Scheduler sends as aws:SourceArn. */
export function scheduleGroupArn(region: string, accountId: string, group: string): string {
  return `arn:aws:scheduler:${region}:${accountId}:schedule-group/${group}`;
}

export class SchedulerFiring {
  private checkedUntil: number;
  private readonly fired: ScheduleFiring[] = [];
  private readonly letters: DeadLetter[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SchedulerFiringOptions) {
    this.checkedUntil = options.clock.now();
  }

  /** Fires, oldest first, every firing due since the last call up to the world clock's now. */
  fireDue(): Promise<ScheduleFiring[]> {
    const run = this.queue.then(() => this.fireUntil(this.options.clock.now()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The earliest firing still to come of any enabled schedule, after the world clock's now. */
  nextFiring(): { at: Date; scheduleArn: string } | undefined {
    const after = new Date(Math.max(this.checkedUntil, this.options.clock.now()));
    let best: { at: Date; scheduleArn: string } | undefined;
    for (const { schedule } of this.options.schedules.all()) {
      const expression = enabledExpression(schedule);
      if (!expression) continue;
      const at = nextFiringTime(expression, {
        timezone: schedule.ScheduleExpressionTimezone ?? 'UTC',
        after,
        rateStart: new Date((schedule.StartDate ?? schedule.CreationDate) * 1000),
      });
      if (at && (!best || at < best.at)) best = { at, scheduleArn: schedule.Arn };
    }
    return best;
  }

  firings(): ScheduleFiring[] {
    return [...this.fired];
  }

  deadLetters(): DeadLetter[] {
    return structuredClone(this.letters);
  }

  private async fireUntil(now: number): Promise<ScheduleFiring[]> {
    const from = this.checkedUntil;
    if (now <= from) return [];
    this.checkedUntil = now;
    const due = this.options.schedules
      .all()
      .flatMap(({ accountId, region, schedule }) => {
        const expression = enabledExpression(schedule);
        if (!expression) return [];
        const notBefore = Math.max(schedule.CreationDate, schedule.StartDate ?? 0) * 1000;
        const notAfter = schedule.EndDate === undefined ? Infinity : schedule.EndDate * 1000;
        return firingTimes(expression, {
          timezone: schedule.ScheduleExpressionTimezone ?? 'UTC',
          after: new Date(from),
          until: new Date(now),
          rateStart: new Date((schedule.StartDate ?? schedule.CreationDate) * 1000),
        })
          .filter((t) => t.getTime() >= notBefore && t.getTime() <= notAfter)
          .map((time) => ({ accountId, region, schedule, time: time.getTime(), expression }));
      })
      .sort((a, b) => a.time - b.time);
    const out: ScheduleFiring[] = [];
    for (const item of due) {
      const firing = await this.deliver(item.accountId, item.region, item.schedule, item.time);
      out.push(firing);
      this.fired.push(firing);
      this.deleteIfCompleted(
        item.accountId,
        item.region,
        item.schedule,
        item.expression,
        item.time,
      );
    }
    return out;
  }

  private async deliver(
    accountId: string,
    region: string,
    schedule: StoredSchedule,
    scheduledTime: number,
  ): Promise<ScheduleFiring> {
    const target = schedule.Target as {
      Arn: string;
      RoleArn: string;
      Input?: string;
      RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
      DeadLetterConfig?: { Arn?: string };
    };
    const retry = { ...DEFAULT_RETRY, ...target.RetryPolicy };
    const firing: ScheduleFiring = {
      scheduleArn: schedule.Arn,
      scheduleName: schedule.Name,
      groupName: schedule.GroupName,
      accountId,
      region,
      scheduledTime: isoSeconds(scheduledTime),
      targetArn: target.Arn,
      roleArn: target.RoleArn,
      attempts: [],
      outcome: 'lost',
    };
    let input = '';
    for (let number = 1; number <= retry.MaximumRetryAttempts + 1; number++) {
      const at = scheduledTime + (number === 1 ? 0 : 2 ** (number - 2) * 60_000);
      if (at - scheduledTime > retry.MaximumEventAgeInSeconds * 1000) {
        firing.exhausted = 'MaximumEventAgeInSeconds';
        break;
      }
      const executionId = randomBytes(8).toString('hex');
      input = fillContext(target.Input ?? '{}', {
        'schedule-arn': schedule.Arn,
        'scheduled-time': firing.scheduledTime,
        'execution-id': executionId,
        'attempt-number': String(number),
      });
      const attempt = await this.attempt(accountId, region, schedule, target, input, at);
      firing.attempts.push({ number, executionId, at: isoSeconds(at), ...attempt.result });
      if (attempt.sessionArn) firing.roleSessionArn = attempt.sessionArn;
      if (attempt.invocation) {
        firing.outcome = 'delivered';
        firing.invocation = attempt.invocation;
        return firing;
      }
    }
    firing.exhausted ??= 'MaximumRetryAttempts';
    await this.deadLetter(firing, target, input);
    return firing;
  }

  private async attempt(
    accountId: string,
    region: string,
    schedule: StoredSchedule,
    target: { Arn: string; RoleArn: string },
    input: string,
    at: number,
  ): Promise<{
    result: { outcome: AttemptOutcome; detail: string };
    sessionArn?: string;
    invocation?: LocalInvocation;
  }> {
    const assumed = await this.assume(accountId, region, schedule.GroupName, target.RoleArn, at);
    if ('refused' in assumed) {
      return { result: { outcome: 'RoleNotAssumed', detail: assumed.refused } };
    }
    const invoke = await this.asRole(
      assumed.sessionArn,
      target.RoleArn,
      'lambda:InvokeFunction',
      target.Arn,
      region,
    );
    if (!invoke.allowed) {
      return {
        sessionArn: assumed.sessionArn,
        result: { outcome: 'InvokeRefused', detail: invoke.explanation },
      };
    }
    let event: unknown;
    try {
      event = JSON.parse(input);
    } catch {
      event = input;
    }
    const invocation = this.options.functions.invokeAsync(target.Arn, event);
    if (!invocation) {
      return {
        sessionArn: assumed.sessionArn,
        result: { outcome: 'FunctionNotFound', detail: `Function not found: ${target.Arn}` },
      };
    }
    return {
      sessionArn: assumed.sessionArn,
      invocation,
      result: { outcome: 'delivered', detail: `invoked ${target.Arn} asynchronously` },
    };
  }

  /** sts:AssumeRole as the Scheduler service, with the context it sends. */
  private async assume(
    accountId: string,
    region: string,
    group: string,
    roleArn: string,
    at: number,
  ): Promise<{ sessionArn: string } | { refused: string }> {
    const { authorizer, sessions } = this.options;
    if (!authorizer.authorizeServiceAssumeRole) {
      return { refused: 'the Authorizer decides no service AssumeRole' };
    }
    const decision = await authorizer.authorizeServiceAssumeRole({
      servicePrincipal: SCHEDULER_PRINCIPAL,
      targetRoleArn: roleArn,
      sourceArn: scheduleGroupArn(region, accountId, group),
      sourceAccount: accountId,
    });
    if (!decision.allowed) return { refused: decision.explanation };
    const [, , , , roleAccount = '', resource = ''] = roleArn.split(':');
    const session = sessions.issue({
      role: {
        accountId: roleAccount,
        name: resource.split('/').at(-1) ?? resource,
        arn: roleArn,
        roleId: roleUniqueId(roleArn),
        maxSessionDurationSeconds: 3600,
      },
      // Scheduler's own session name is not documented (*unverified*).
      sessionName: `scheduler-${Math.floor(at / 1000)}`,
      lifetimeSeconds: 3600,
    });
    return { sessionArn: session.sessionArn };
  }

  private async asRole(
    sessionArn: string,
    roleArn: string,
    action: string,
    resourceArn: string,
    region: string,
  ) {
    const { authorizer } = this.options;
    if (!authorizer.authorizeRequest) {
      return { allowed: false, explanation: `the Authorizer decides no ${action}` };
    }
    return authorizer.authorizeRequest({
      callerSessionArn: sessionArn,
      callerRoleArn: roleArn,
      action,
      resourceArn,
      resourceAccountId: resourceArn.split(':')[4] ?? '',
      region,
    });
  }

  /** The dead-letter queue is written with the schedule's role, or not at all. */
  private async deadLetter(
    firing: ScheduleFiring,
    target: { DeadLetterConfig?: { Arn?: string } },
    body: string,
  ): Promise<void> {
    const queueArn = target.DeadLetterConfig?.Arn;
    const last = firing.attempts.at(-1);
    if (!queueArn) {
      firing.lostBecause = 'the schedule has no dead-letter queue';
      return;
    }
    if (!firing.roleSessionArn) {
      firing.lostBecause = `Scheduler could not assume ${firing.roleArn}, the role that writes to ${queueArn}`;
      return;
    }
    const send = await this.asRole(
      firing.roleSessionArn,
      firing.roleArn,
      'sqs:SendMessage',
      queueArn,
      firing.region,
    );
    if (!send.allowed) {
      firing.lostBecause = `${firing.roleArn} may not send to ${queueArn}: ${send.explanation}`;
      return;
    }
    this.letters.push({
      queueArn,
      body,
      attributes: {
        ERROR_CODE: last?.outcome ?? 'Unknown',
        ERROR_MESSAGE: last?.detail ?? '',
        EXHAUSTED_RETRY_CONDITION: firing.exhausted ?? 'MaximumRetryAttempts',
        RETRY_ATTEMPTS: String(Math.max(0, firing.attempts.length - 1)),
        SCHEDULE_ARN: firing.scheduleArn,
        TARGET_ARN: firing.targetArn,
      },
    });
    firing.outcome = 'dead-lettered';
  }

  private deleteIfCompleted(
    accountId: string,
    region: string,
    schedule: StoredSchedule,
    expression: ScheduleExpression,
    time: number,
  ): void {
    if (schedule.ActionAfterCompletion !== 'DELETE') return;
    const next = nextFiringTime(expression, {
      timezone: schedule.ScheduleExpressionTimezone ?? 'UTC',
      after: new Date(time),
      rateStart: new Date((schedule.StartDate ?? schedule.CreationDate) * 1000),
    });
    const ended =
      schedule.EndDate !== undefined && (!next || next.getTime() > schedule.EndDate * 1000);
    if (!next || ended) {
      this.options.schedules.delete(accountId, region, schedule.GroupName, schedule.Name);
    }
  }
}

function enabledExpression(schedule: StoredSchedule): ScheduleExpression | undefined {
  if (schedule.State !== 'ENABLED') return undefined;
  const parsed = parseScheduleExpression(schedule.ScheduleExpression);
  return parsed.ok ? parsed.expression : undefined;
}

/** Replaces each `<aws.scheduler.NAME>` keyword with its value, wherever it stands in the Input. */
function fillContext(input: string, values: Record<string, string>): string {
  return input.replace(
    /<aws\.scheduler\.([a-z-]+)>/g,
    (keyword, name: string) => values[name] ?? keyword,
  );
}
