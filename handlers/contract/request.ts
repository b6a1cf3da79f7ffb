import * as z from 'zod/mini';
import '../formats/zod-messages';
import { supportsDryRun } from '../core/task';
import { ACTIONS, type Action } from '../core/types';
import { ACCOUNT_ID_PATTERN } from '../formats/ids';
import { capProblems, type Parsed, type Problem, problemsFromZod } from '../formats/problems';
import { isAwsRegion } from '../formats/regions';
import { DEFAULT_TASK, TASK_NAMES, TASKS, type TaskRequestUnion } from '../tasks';

export { ACTIONS, type Action };

/** Version of the event contract. Optional in a request; a request may state it as `version: 1`. */
export const CONTRACT_VERSION = 1;

/** The fields every task's request shares. */
const commonShape = {
  version: z.optional(
    z.literal(CONTRACT_VERSION, {
      error: `must be ${CONTRACT_VERSION}, the contract version this function implements; or leave "version" out`,
    }),
  ),
  task: z.optional(
    z.enum(TASK_NAMES as [string, ...string[]], {
      error: `must be one of ${TASK_NAMES.map((n) => `"${n}"`).join(', ')} (default "${DEFAULT_TASK}")`,
    }),
  ),
  action: z.enum(ACTIONS, { error: 'must be one of "start", "stop" or "status"' }),
  targets: z.optional(
    z.strictObject({
      accounts: z.optional(
        z
          .array(
            z
              .string()
              .check(z.regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account ID, as a string')),
          )
          .check(
            z.minLength(1, 'give at least one account, or leave "targets.accounts" out to use all'),
          ),
      ),
      regions: z.optional(
        z
          .array(
            z.string().check(
              z.refine(isAwsRegion, {
                message: 'is not an AWS region name (for example "eu-west-1")',
              }),
            ),
          )
          .check(
            z.minLength(1, 'give at least one region, or leave "targets.regions" out to use all'),
          ),
      ),
    }),
  ),
  dryRun: z.optional(z.boolean({ error: 'must be true or false' })),
  wait: z.optional(z.boolean({ error: 'must be true or false' })),
  /** Honour the resources' snooze tags (default: true for a schedule, false on demand). */
  respectSnooze: z.optional(z.boolean({ error: 'must be true or false' })),
  /** Stop only what has been running for longer than this many hours (handlers/config/README.md). */
  maxRunningHours: z.optional(
    z
      .number({ error: 'must be a number of hours, such as 12' })
      .check(
        z.positive('must be more than 0 hours'),
        z.maximum(8760, 'must be at most 8760 hours (a year)'),
      ),
  ),
  /** The number of resources the caller expects to change, to pass the blast-radius guard. */
  confirmCount: z.optional(
    z
      .number({ error: 'must be a whole number: the count the refusal named' })
      .check(
        z.int('must be a whole number: the count the refusal named'),
        z.minimum(0, 'cannot be negative'),
      ),
  ),
};

/**
 * The event contract of one task: the common fields plus the task's selector. Unknown fields are
 * rejected so that a typo like `dryrun` is not silently ignored.
 */
function requestSchemaOf(taskName: string) {
  const task = TASKS.find((t) => t.name === taskName) ?? TASKS[0];
  return z.strictObject({ ...commonShape, ...(task?.selectorShape ?? {}) });
}

/** The event contract shared by every trigger (schedule, HTTP, direct invoke), default task. */
export const requestSchema = requestSchemaOf(DEFAULT_TASK);

export type RawRequest = z.infer<typeof requestSchema>;

/** A validated request, with defaults applied and targets resolved against the stage's configuration. */
export type RunRequest = TaskRequestUnion;

/** What parsing needs to know of the stage: which (account, regions) it may reach, its control tag. */
export interface ConfiguredTargets {
  targets: ReadonlyArray<{ accountId: string; regions: readonly string[] }>;
  controlTagKey: string;
  controlTagValue: string;
}

interface RequestView {
  task?: string;
  action?: Action;
  targets?: { accounts?: string[]; regions?: string[] };
  dryRun?: boolean;
  wait?: boolean;
  confirmCount?: number;
  respectSnooze?: boolean;
  maxRunningHours?: number;
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};

/** The common fields of an invalid input that have the expected types (others are left out). */
function wellFormedPart(input: unknown): RequestView {
  const raw = asRecord(input);
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : '')) : undefined;
  const targets = asRecord(raw.targets);
  const accounts = strings(targets.accounts);
  const regions = strings(targets.regions);
  const flags = Object.fromEntries(
    (['dryRun', 'wait'] as const)
      .filter((key) => typeof raw[key] === 'boolean')
      .map((key) => [key, raw[key] as boolean]),
  );
  return {
    ...(typeof raw.task === 'string' ? { task: raw.task } : {}),
    ...(typeof raw.action === 'string' && (ACTIONS as readonly string[]).includes(raw.action)
      ? { action: raw.action as Action }
      : {}),
    targets: { ...(accounts ? { accounts } : {}), ...(regions ? { regions } : {}) },
    ...(typeof raw.confirmCount === 'number' ? { confirmCount: raw.confirmCount } : {}),
    ...flags,
  };
}

function targetProblems(view: RequestView, config: ConfiguredTargets): Problem[] {
  const problems: Problem[] = [];
  const configuredAccounts = new Set(config.targets.map((t) => t.accountId));
  const configuredRegions = new Set<string>(config.targets.flatMap((t) => t.regions));
  view.targets?.accounts?.forEach((accountId, index) => {
    if (ACCOUNT_ID_PATTERN.test(accountId) && !configuredAccounts.has(accountId)) {
      problems.push({
        field: `targets.accounts[${index}]`,
        message: `account ${accountId} is not a configured target of this stage; add it to params.targets in serverless.yml or drop it`,
      });
    }
  });
  view.targets?.regions?.forEach((region, index) => {
    if (isAwsRegion(region) && !configuredRegions.has(region)) {
      problems.push({
        field: `targets.regions[${index}]`,
        message: `region ${region} is not configured for any target of this stage; add it to a target's regions or drop it`,
      });
    }
  });
  return problems;
}

/**
 * Validates an event against the contract of its task and the stage's configuration.
 * Returns every problem at once so an HTTP caller can fix them in one go.
 */
export function parseRequest(input: unknown, config: ConfiguredTargets): Parsed<RunRequest> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      problems: [
        {
          field: '(root)',
          message: `the event must be a JSON object such as {"action": "status"}, not ${input === null ? 'null' : Array.isArray(input) ? 'an array' : `a ${typeof input}`}`,
        },
      ],
    };
  }
  const result = checkRequest(input, config);
  return result.ok ? result : { ok: false, problems: capProblems(result.problems) };
}

function checkRequest(input: object, config: ConfiguredTargets): Parsed<RunRequest> {
  const named = asRecord(input).task;
  const task = TASKS.find((t) => t.name === (named ?? DEFAULT_TASK));
  // An unknown task is reported by the schema (the default task's, which lists the names).
  const parsed = z.safeParse(requestSchemaOf(task?.name ?? DEFAULT_TASK), input);
  const problems: Problem[] = parsed.success ? [] : problemsFromZod(parsed.error);
  // The cross-field checks also run on a request with type errors, so a caller sees every
  // problem at once; they only look at the fields that have the right shape.
  const view: RequestView = parsed.success ? (parsed.data as RequestView) : wellFormedPart(input);

  problems.push(...targetProblems(view, config));
  if (task?.checkRequest) {
    const controlTag = { key: config.controlTagKey, value: config.controlTagValue };
    problems.push(...task.checkRequest(asRecord(input), view.action, { controlTag }));
  }
  if (task && view.dryRun === true && !supportsDryRun(task)) {
    problems.push({
      field: 'dryRun',
      message: `dry run not supported by task "${task.name}"; remove "dryRun"`,
    });
  }
  if (view.wait === true && view.dryRun === true) {
    problems.push({
      field: 'wait',
      message: 'a dry run changes nothing to wait for; remove "wait" or "dryRun"',
    });
  }
  problems.push(...ruleProblems(asRecord(input), view.action, task));
  if (view.confirmCount !== undefined && view.action === 'status') {
    problems.push({
      field: 'confirmCount',
      message: 'only applies to "start" and "stop" (a status changes nothing); remove it',
    });
  }
  if (!parsed.success || problems.length > 0 || !task) return { ok: false, problems };
  const raw = parsed.data as RequestView & Record<string, unknown>;

  const wantedAccounts = raw.targets?.accounts ? new Set(raw.targets.accounts) : undefined;
  const wantedRegions = raw.targets?.regions ? new Set(raw.targets.regions) : undefined;
  const targets = config.targets
    .filter((t) => !wantedAccounts || wantedAccounts.has(t.accountId))
    .flatMap((t) =>
      t.regions
        .filter((region) => !wantedRegions || wantedRegions.has(region))
        .map((region) => ({ accountId: t.accountId, region })),
    );
  if (targets.length === 0) {
    return {
      ok: false,
      problems: [
        {
          field: 'targets',
          message:
            'no configured (account, region) pair matches both "targets.accounts" and "targets.regions"; widen one of them',
        },
      ],
    };
  }

  return {
    ok: true,
    value: {
      // Only when named: a request without `task` stays exactly what it was before tasks existed.
      ...(raw.task !== undefined ? { task: raw.task } : {}),
      action: raw.action as Action,
      targets,
      ...task.readSelector(raw),
      dryRun: raw.dryRun ?? false,
      wait: raw.wait ?? false,
      ...(raw.confirmCount !== undefined ? { confirmCount: raw.confirmCount } : {}),
      ...(raw.respectSnooze !== undefined ? { respectSnooze: raw.respectSnooze } : {}),
      ...(raw.maxRunningHours !== undefined ? { maxRunningHours: raw.maxRunningHours } : {}),
    },
  };
}

/** The resource rules' fields (core/resource-rules.ts): a stop's, and a task with resource facts'. */
function ruleProblems(
  input: Record<string, unknown>,
  action: Action | undefined,
  task: (typeof TASKS)[number] | undefined,
): Problem[] {
  const problems: Problem[] = [];
  if (input.maxRunningHours !== undefined && action !== undefined && action !== 'stop') {
    problems.push({
      field: 'maxRunningHours',
      message: 'only applies to "stop" (it stops what has run too long); remove it',
    });
  }
  for (const field of ['respectSnooze', 'maxRunningHours'] as const) {
    const asked = field === 'respectSnooze' ? input[field] === true : input[field] !== undefined;
    if (task && !task.factsOf && asked) {
      problems.push({
        field,
        message: `task "${task.name}" does not expose its resources' facts (factsOf), so it cannot read snooze tags or running times; remove "${field}"`,
      });
    }
  }
  return problems;
}
