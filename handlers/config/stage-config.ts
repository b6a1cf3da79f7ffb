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
import { SCHEDULE_NAME } from '../formats/origin';
import { type Parsed, type Problem, problemsFromZod } from '../formats/problems';
import { isAwsRegion } from '../formats/regions';
import { TASKS } from '../tasks';
import { broadReach, callerRuleSchema } from './caller-rules';
import { EXCLUDED_ENTRY, excludedDatesProblems, HOLIDAY_CODE } from './excluded-dates';
import { ORGANIZATION_ID_PATTERN, ORGANIZATION_PATH_PATTERN } from './organization-ids';

/** Generous: a fleet-wide stop past this needs a confirmation or a stage that says so. */
export const DEFAULT_MAX_RESOURCES_PER_REQUEST = 500;

function isIanaTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return value.includes('/') || value === 'UTC';
  } catch {
    return false;
  }
}

export const accountIdSchema = z
  .string({ error: 'must be a 12-digit AWS account ID, quoted as a string' })
  .check(z.regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account ID, quoted as a string'));

export const externalIdSchema = z
  .string()
  .check(
    z.regex(
      EXTERNAL_ID_PATTERN,
      'must be 2-1224 characters of letters, digits and +=,.@:/-_ (the form STS accepts)',
    ),
  );

export const regionListSchema = z
  .array(
    z.string().check(
      z.refine(isAwsRegion, {
        message: 'is not an AWS region name (for example "eu-west-1")',
      }),
    ),
  )
  .check(z.minLength(1, 'list at least one region for this account'));

const targetSchema = z.strictObject({
  accountId: accountIdSchema,
  externalId: z.optional(externalIdSchema),
  regions: regionListSchema,
});

export const scheduleSchema = z.strictObject({
  name: z
    .string()
    .check(z.regex(SCHEDULE_NAME, 'must be 1-48 characters of letters, digits and _.-')),
  /** Read in full at package time by resources/home-stack/schedule-expression.ts (schedule-checks.ts). */
  expression: z.string().check(z.minLength(1, 'give cron(...), rate(...) or at(...)')),
  timezone: z.string().check(
    z.refine(isIanaTimeZone, {
      message: 'must be an IANA time zone such as "Europe/Berlin" or "UTC"',
    }),
  ),
  enabled: z._default(z.boolean(), true),
  request: requestSchema,
  /** An RDS stop schedule's companion that stops again what RDS restarts after 7 days (resources/home-stack/schedules/keep-stopped.ts). */
  keepStopped: z.optional(z.boolean()),
  keepStoppedEvery: z.optional(z.string()),
  /** Dates the schedule does nothing on, in its time zone: `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`. */
  excludedDates: z.optional(
    z.array(
      z
        .string()
        .check(
          z.regex(
            EXCLUDED_ENTRY,
            'must be a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD, with the year',
          ),
        ),
    ),
  ),
  /** Public holidays the schedule does nothing on: country or country-region codes (`US`, `DE-BY`). */
  holidays: z.optional(
    z.array(
      z
        .string()
        .check(
          z.regex(
            HOLIDAY_CODE,
            'must be a country code such as "US", or a country-region code such as "DE-BY"',
          ),
        ),
    ),
  ),
  /**
   * The dates of `holidays`, written by packaging into the function's copy of the config
   * (resources/home-stack/stage-config.cjs); serverless.yml never sets it.
   */
  holidayDates: z.optional(
    z.array(
      z.strictObject({
        date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')),
        name: z.string(),
      }),
    ),
  ),
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
  /** Each registered task may limit it further (its service's filters: `checkStage`). */
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
  /**
   * Blast-radius guard: most resources (of every type together, whatever the task) one request
   * may start or stop over all its targets, unless it carries `confirmCount` equal to the count.
   */
  maxResourcesPerRequest: z._default(
    z.number().check(z.int('must be a whole number'), z.minimum(1, 'must be at least 1')),
    DEFAULT_MAX_RESOURCES_PER_REQUEST,
  ),
  schedules: z._default(z.array(scheduleSchema), []),
  /**
   * What the schedules invoke (package time only): `engine`, the Step Functions engine's starter
   * (one run per scheduled time), or `single-invocation`, the instances function doing the whole
   * run, which `sls package` refuses beyond the targets one invocation holds
   * (resources/home-stack/schedules/single-invocation-limit.ts).
   */
  scheduledRuns: z._default(
    z.enum(['engine', 'single-invocation'], {
      error: 'must be "engine" (the default) or "single-invocation" (small fleets only)',
    }),
    'engine',
  ),
  /**
   * Which target roles the execution role may assume (package time only):
   * `exact` lists each target-role ARN; `organization` allows the role name in every account of
   * `organizationId` (or of `organizationalUnitPaths`), for fleets too large to list.
   * Left out, it is `exact`.
   */
  assumeScope: z.optional(
    z.enum(['exact', 'organization'], {
      error: 'must be "exact" (list each target role) or "organization"',
    }),
  ),
  organizationId: z.optional(
    z
      .string()
      .check(z.regex(ORGANIZATION_ID_PATTERN, 'must be an organization ID such as "o-a1b2c3d4e5"')),
  ),
  organizationalUnitPaths: z.optional(
    z
      .array(
        z
          .string()
          .check(
            z.regex(
              ORGANIZATION_PATH_PATTERN,
              'must be an organization path such as "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"',
            ),
          ),
      )
      .check(z.minLength(1, 'list at least one OU path, or leave the setting out')),
  ),
  /** Who may call which action over HTTP (handlers/aws/CALLERS.md); none: every HTTP call is refused. */
  callers: z._default(z.array(callerRuleSchema), []),
  /** Send the caller as STS SourceIdentity (target roles must trust sts:SetSourceIdentity first). */
  sourceIdentity: z._default(z.boolean(), true),
});

export type StageConfig = z.infer<typeof stageConfigSchema>;
export type TargetConfig = StageConfig['targets'][number];
export type ScheduleConfig = StageConfig['schedules'][number];

/**
 * Validates a stage's configuration. Used at package time (`resources/home-stack/stage-config.cjs`, with
 * prefix `params`) and again at cold start on the environment copy.
 */
export function parseStageConfig(input: unknown, prefix = ''): Parsed<StageConfig> {
  const parsed = z.safeParse(stageConfigSchema, input);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error, prefix) };
  const config = parsed.data;
  const at = (field: string) => (prefix ? `${prefix}.${field}` : field);
  const problems: Problem[] = [];

  // What a registered task's service makes of the stage's settings (EC2: the control tag value
  // must fit a filter value).
  const controlTag = { key: config.controlTagKey, value: config.controlTagValue };
  for (const task of TASKS) {
    for (const p of task.checkStage?.({ controlTag }) ?? []) {
      problems.push({ field: at(p.field), message: p.message });
    }
  }

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

  if (config.assumeScope === 'organization' && config.organizationId === undefined) {
    problems.push({
      field: at('organizationId'),
      message:
        'is required with assumeScope: organization (the ID of the organization whose accounts the role may reach, "o-…")',
    });
  }
  config.organizationalUnitPaths?.forEach((ouPath, index) => {
    if (config.assumeScope !== 'organization') {
      problems.push({
        field: at(`organizationalUnitPaths[${index}]`),
        message: 'only applies with assumeScope: organization; set it or remove the paths',
      });
    } else if (config.organizationId && !ouPath.startsWith(`${config.organizationId}/`)) {
      problems.push({
        field: at(`organizationalUnitPaths[${index}]`),
        message: `does not lie in organizationId ${config.organizationId}`,
      });
    }
  });

  // An HTTP API has no resource policy, so IAM lets only principals of its own account call it
  // (AWS Knowledge Center, "cross-account IAM authorization for API Gateway HTTP APIs": assume a
  // role in the API's account). The home account is known only at deploy time; rules naming two
  // accounts are wrong whichever it is. verify --home-account checks the one account named.
  const firstAccount = config.callers[0]?.account;
  config.callers.forEach((rule, index) => {
    if (rule.account !== firstAccount) {
      problems.push({
        field: at(`callers[${index}].account`),
        message: `names account ${rule.account}, but callers[0] names ${firstAccount}: only principals of the home account (where the HTTP API is) can call it, as an HTTP API has no resource policy. A caller of another account assumes a role in the home account and is named by that role`,
      });
    }
    if (rule.acknowledgeBroad !== undefined) {
      const broad = broadReach(rule) !== undefined;
      const changes = rule.actions.some((action) => action !== 'status');
      if (!broad || !changes) {
        problems.push({
          field: at(`callers[${index}].acknowledgeBroad`),
          message: `acknowledges a breadth the rule does not have (${broad ? 'it may only read status' : `${rule.principal} names no broad set of people`}); remove it, so it cannot hide the next broad rule`,
        });
      }
    }
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
    if (schedule.excludedDates) {
      problems.push(
        ...excludedDatesProblems(schedule.excludedDates, at(`schedules[${index}].excludedDates`)),
      );
    }
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
export type RuntimeConfig = Omit<
  StageConfig,
  'schedules' | 'scheduledRuns' | 'assumeScope' | 'organizationId' | 'organizationalUnitPaths'
> & {
  /** The configured schedules: only their names may carry a schedule's identity. Absent: none. */
  schedules?: StageConfig['schedules'];
};

export function toRuntimeConfig(config: StageConfig): RuntimeConfig {
  const {
    scheduledRuns: _scheduledRuns,
    assumeScope: _assumeScope,
    organizationId: _organizationId,
    organizationalUnitPaths: _paths,
    ...runtime
  } = config;
  return runtime;
}
