/**
 * EventBridge Scheduler's input constraints (from the service model, API 2021-06-30), checked
 * before anything else as the service does: every violation is listed in one
 * ValidationException, "N validation error(s) detected: ...". The member paths use the wire
 * names; AWS's exact casing of them in this text is unverified.
 */
import {
  isIanaTimeZone,
  parseScheduleExpression,
} from '../../resources/home-stack/schedule-expression';
import { AwsError } from './aws-error';
import type { ScheduleReplacement, ScheduleState } from './scheduler-store';

const NAME = /^[0-9a-zA-Z-_.]+$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const SQS_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/;
const STATES = ['ENABLED', 'DISABLED'];
const MODES = ['OFF', 'FLEXIBLE'];
const AFTER_COMPLETION = ['NONE', 'DELETE'];

export class ValidationProblems {
  private readonly problems: string[] = [];

  add(path: string, value: unknown, constraint: string): void {
    this.problems.push(
      `Value ${shown(value)} at '${path}' failed to satisfy constraint: ${constraint}`,
    );
  }

  required(path: string, value: unknown): boolean {
    if (value === undefined || value === null) {
      this.add(path, null, 'Member must not be null');
      return false;
    }
    return true;
  }

  string(path: string, value: unknown, min: number, max: number, pattern?: RegExp): void {
    if (value === undefined) return;
    if (typeof value !== 'string') {
      this.add(path, value, 'Member must be a string');
    } else if (value.length < min || value.length > max) {
      this.add(path, value, `Member must have length between ${min} and ${max}`);
    } else if (pattern && !pattern.test(value)) {
      this.add(path, value, `Member must satisfy regular expression pattern: ${pattern.source}`);
    }
  }

  oneOf(path: string, value: unknown, allowed: readonly string[]): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !allowed.includes(value)) {
      this.add(path, value, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
    }
  }

  integer(path: string, value: unknown, min: number, max: number): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      this.add(path, value, 'Member must be an integer');
    } else if (value < min || value > max) {
      this.add(
        path,
        value,
        `Member must have value ${value < min ? `greater than or equal to ${min}` : `less than or equal to ${max}`}`,
      );
    }
  }

  timestamp(path: string, value: unknown): void {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      this.add(path, value, 'Member must be a timestamp in epoch seconds');
    }
  }

  object(path: string, value: unknown): value is Record<string, unknown> {
    if (value === undefined) return false;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.add(path, value, 'Member must be a structure');
      return false;
    }
    return true;
  }

  throwIfAny(): void {
    const n = this.problems.length;
    if (n === 0) return;
    throw new AwsError(
      'ValidationException',
      `${n} validation error${n === 1 ? '' : 's'} detected: ${this.problems.join('; ')}`,
      400,
    );
  }
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

export function checkScheduleName(path: string, value: unknown, problems: ValidationProblems) {
  problems.string(path, value, 1, 64, NAME);
}

export function checkGroupName(path: string, value: unknown, problems: ValidationProblems) {
  problems.string(path, value, 1, 64, NAME);
}

function checkTarget(target: unknown, problems: ValidationProblems): void {
  if (!problems.required('Target', target) || !problems.object('Target', target)) return;
  if (problems.required('Target.Arn', target.Arn))
    problems.string('Target.Arn', target.Arn, 1, 1600);
  if (problems.required('Target.RoleArn', target.RoleArn)) {
    problems.string('Target.RoleArn', target.RoleArn, 1, 1600, ROLE_ARN);
  }
  problems.string('Target.Input', target.Input, 1, 8192);
  if (problems.object('Target.RetryPolicy', target.RetryPolicy)) {
    const retry = target.RetryPolicy;
    problems.integer(
      'Target.RetryPolicy.MaximumEventAgeInSeconds',
      retry.MaximumEventAgeInSeconds,
      60,
      86_400,
    );
    problems.integer('Target.RetryPolicy.MaximumRetryAttempts', retry.MaximumRetryAttempts, 0, 185);
  }
  if (problems.object('Target.DeadLetterConfig', target.DeadLetterConfig)) {
    problems.string('Target.DeadLetterConfig.Arn', target.DeadLetterConfig.Arn, 1, 1600, SQS_ARN);
  }
}

function checkWindow(window: unknown, problems: ValidationProblems): void {
  if (!problems.required('FlexibleTimeWindow', window)) return;
  if (!problems.object('FlexibleTimeWindow', window)) return;
  if (problems.required('FlexibleTimeWindow.Mode', window.Mode)) {
    problems.oneOf('FlexibleTimeWindow.Mode', window.Mode, MODES);
  }
  problems.integer(
    'FlexibleTimeWindow.MaximumWindowInMinutes',
    window.MaximumWindowInMinutes,
    1,
    1440,
  );
  if (window.Mode === 'FLEXIBLE' && window.MaximumWindowInMinutes === undefined) {
    problems.add(
      'FlexibleTimeWindow.MaximumWindowInMinutes',
      null,
      'Member must not be null when Mode is FLEXIBLE',
    );
  }
}

/**
 * What the service refuses beyond the model's lengths: an expression it cannot read, a time zone
 * that is no IANA name. Read by the project's one evaluator; the texts are *unverified* against
 * AWS's own ("Invalid Schedule Expression ...").
 */
export function checkExpressionMeaning(expression: unknown, timezone: unknown): void {
  const parsed = parseScheduleExpression(String(expression));
  if (!parsed.ok) {
    throw new AwsError('ValidationException', `Invalid Schedule Expression ${parsed.message}`, 400);
  }
  if (timezone !== undefined && !isIanaTimeZone(String(timezone))) {
    throw new AwsError('ValidationException', `Invalid Timezone ${String(timezone)}.`, 400);
  }
}

export interface UpdateScheduleRequest {
  group: string;
  replacement: ScheduleReplacement;
}

/** The body of `PUT /schedules/{Name}`, checked in full; nothing is changed on any violation. */
export function parseUpdateSchedule(name: string, body: string): UpdateScheduleRequest {
  let input: Record<string, unknown>;
  try {
    const parsed = body === '' ? {} : (JSON.parse(body) as unknown);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
    input = parsed as Record<string, unknown>;
  } catch {
    throw new AwsError('SerializationException', 'The request body is not a JSON object.', 400);
  }
  const problems = new ValidationProblems();
  checkScheduleName('Name', name, problems);
  checkGroupName('GroupName', input.GroupName, problems);
  if (problems.required('ScheduleExpression', input.ScheduleExpression)) {
    problems.string('ScheduleExpression', input.ScheduleExpression, 1, 256);
  }
  problems.string('ScheduleExpressionTimezone', input.ScheduleExpressionTimezone, 1, 50);
  checkTarget(input.Target, problems);
  checkWindow(input.FlexibleTimeWindow, problems);
  problems.string('Description', input.Description, 0, 512);
  problems.oneOf('State', input.State, STATES);
  problems.string('KmsKeyArn', input.KmsKeyArn, 1, 2048);
  problems.oneOf('ActionAfterCompletion', input.ActionAfterCompletion, AFTER_COMPLETION);
  problems.string('ClientToken', input.ClientToken, 1, 64);
  problems.timestamp('StartDate', input.StartDate);
  problems.timestamp('EndDate', input.EndDate);
  problems.throwIfAny();
  checkExpressionMeaning(input.ScheduleExpression, input.ScheduleExpressionTimezone);

  const optional = {
    ScheduleExpressionTimezone: input.ScheduleExpressionTimezone as string | undefined,
    Description: input.Description as string | undefined,
    StartDate: input.StartDate as number | undefined,
    EndDate: input.EndDate as number | undefined,
    KmsKeyArn: input.KmsKeyArn as string | undefined,
  };
  return {
    group: (input.GroupName as string | undefined) ?? 'default',
    replacement: {
      ScheduleExpression: input.ScheduleExpression as string,
      // A replaced schedule without State is ENABLED again, as in AWS: why the switch sends it.
      State: (input.State as ScheduleState | undefined) ?? 'ENABLED',
      ActionAfterCompletion: (input.ActionAfterCompletion as string | undefined) ?? 'NONE',
      FlexibleTimeWindow: input.FlexibleTimeWindow as Record<string, unknown>,
      Target: input.Target as Record<string, unknown>,
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    },
  };
}
