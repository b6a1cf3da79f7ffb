import * as z from 'zod/mini';
import '../formats/zod-messages';
import { parseRequest, requestSchema } from '../contract/request';
import {
  ACCOUNT_ID_PATTERN,
  EXTERNAL_ID_PATTERN,
  ROLE_NAME_PATTERN,
  TAG_KEY_MAX,
  TAG_VALUE_MAX,
} from '../formats/ids';
import { type Parsed, type Problem, problemsFromZod } from '../formats/problems';
import { isAwsRegion } from '../formats/regions';

/** Lambda allows 4 KB for all environment variables together; the stage config travels in one. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

function isIanaTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value.includes('/') || value === 'UTC';
  } catch {
    return false;
  }
}

const targetSchema = z.strictObject({
  accountId: z
    .string({ error: 'must be a 12-digit AWS account ID, quoted as a string' })
    .check(z.regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account ID, quoted as a string')),
  externalId: z.optional(
    z
      .string()
      .check(
        z.regex(
          EXTERNAL_ID_PATTERN,
          'must be 2-1224 characters of letters, digits and +=,.@:/-_ (the form STS accepts)',
        ),
      ),
  ),
  regions: z
    .array(
      z.string().check(
        z.refine(isAwsRegion, {
          message: 'is not an AWS region name (for example "eu-west-1")',
        }),
      ),
    )
    .check(z.minLength(1, 'list at least one region for this account')),
});

const scheduleSchema = z.strictObject({
  name: z
    .string()
    .check(z.regex(/^[0-9A-Za-z_.-]{1,48}$/, 'must be 1-48 characters of letters, digits and _.-')),
  expression: z
    .string()
    .check(
      z.regex(
        /^(cron\(.+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|at\(.+\))$/,
        'must be an EventBridge Scheduler expression: cron(...), rate(...) or at(...)',
      ),
    ),
  timezone: z.string().check(
    z.refine(isIanaTimeZone, {
      message: 'must be an IANA time zone such as "Europe/Berlin" or "UTC"',
    }),
  ),
  enabled: z._default(z.boolean(), true),
  request: requestSchema,
});

export const stageConfigSchema = z.strictObject({
  targetRoleName: z
    .string()
    .check(
      z.regex(
        ROLE_NAME_PATTERN,
        'must be an IAM role name: 1-64 characters of letters, digits and +=,.@_-',
      ),
    ),
  controlTagKey: z.string().check(
    z.minLength(1, 'cannot be empty'),
    z.maxLength(TAG_KEY_MAX, `is at most ${TAG_KEY_MAX} characters`),
    z.refine((key) => !key.toLowerCase().startsWith('aws:'), {
      message: 'cannot start with "aws:" (reserved by AWS)',
    }),
  ),
  controlTagValue: z.string().check(z.minLength(1, 'cannot be empty'), z.maxLength(TAG_VALUE_MAX)),
  targets: z
    .array(targetSchema)
    .check(z.minLength(1, 'list at least one target account (accountId and regions)')),
  concurrency: z
    .number()
    .check(
      z.int('must be a whole number'),
      z.minimum(1, 'must be at least 1'),
      z.maximum(100, 'must be at most 100'),
    ),
  /** Assumed-role session length. Role chaining caps it at one hour. */
  sessionDurationSeconds: z
    .number()
    .check(
      z.int(),
      z.minimum(900, 'must be at least 900 (STS minimum)'),
      z.maximum(
        3600,
        'must be at most 3600: Lambda credentials are a role session, so this is role chaining, capped at one hour',
      ),
    ),
  /** Stop launching new targets when the invocation has less than this left. */
  reserveMillis: z.number().check(z.int(), z.minimum(0)),
  /** Longest a `wait: true` request waits for the final state. */
  waitTimeoutSeconds: z.number().check(z.int(), z.minimum(1), z.maximum(840)),
  schedules: z._default(z.array(scheduleSchema), []),
});

export type StageConfig = z.infer<typeof stageConfigSchema>;
export type TargetConfig = StageConfig['targets'][number];
export type ScheduleConfig = StageConfig['schedules'][number];

/**
 * Validates a stage's configuration. Used at package time (`scripts/stage-config.cjs`, with
 * prefix `params`) and again at cold start on the environment copy.
 */
export function parseStageConfig(input: unknown, prefix = ''): Parsed<StageConfig> {
  const parsed = z.safeParse(stageConfigSchema, input);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error, prefix) };
  const config = parsed.data;
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  const problems: Problem[] = [];

  const seenAccounts = new Map<string, number>();
  config.targets.forEach((target, index) => {
    const first = seenAccounts.get(target.accountId);
    if (first !== undefined) {
      problems.push({
        field: at(`targets[${index}].accountId`),
        message: `account ${target.accountId} is already listed at targets[${first}]; merge their regions into one entry`,
      });
    } else seenAccounts.set(target.accountId, index);
    const regions = new Set<string>();
    target.regions.forEach((region, r) => {
      if (regions.has(region)) {
        problems.push({
          field: at(`targets[${index}].regions[${r}]`),
          message: `region ${region} is listed twice; remove the duplicate`,
        });
      }
      regions.add(region);
    });
  });

  const names = new Set<string>();
  config.schedules.forEach((schedule, index) => {
    if (names.has(schedule.name)) {
      problems.push({
        field: at(`schedules[${index}].name`),
        message: `schedule name "${schedule.name}" is used twice; names must be unique`,
      });
    }
    names.add(schedule.name);
  });

  if (problems.length > 0) return { ok: false, problems };

  config.schedules.forEach((schedule, index) => {
    const request = parseRequest(schedule.request, config);
    if (!request.ok) {
      for (const p of request.problems) {
        problems.push({ field: at(`schedules[${index}].request.${p.field}`), message: p.message });
      }
    }
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: config };
}

/** The stage configuration as the function receives it: only what the runtime needs. */
export type RuntimeConfig = Omit<StageConfig, 'schedules'>;

export function toRuntimeConfig(config: StageConfig): RuntimeConfig {
  const { schedules: _schedules, ...runtime } = config;
  return runtime;
}
