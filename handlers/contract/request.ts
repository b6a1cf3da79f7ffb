import * as z from 'zod/mini';
import './zod-messages';
import { isAwsRegion } from '../config/regions';
import type { StageConfig } from '../config/stage-config';
import { ACCOUNT_ID_PATTERN, INSTANCE_ID_PATTERN } from './ids';
import { capProblems, type Parsed, type Problem, problemsFromZod } from './problems';
import { selectionProblems } from './selection-checks';
import { normaliseTags, rawTagProblems, tagsSchema } from './tag-selector';

export const ACTIONS = ['start', 'stop', 'status'] as const;
export type Action = (typeof ACTIONS)[number];

/** Most instance IDs one request may name; larger sets belong in a tag selector. */
export const MAX_INSTANCE_IDS = 1000;

/**
 * The event contract shared by every trigger (schedule, HTTP, direct invoke).
 * Unknown fields are rejected so that a typo like `dryrun` is not silently ignored.
 */
export const requestSchema = z.strictObject({
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
  instanceIds: z.optional(
    z
      .array(
        z
          .string()
          .check(
            z.regex(
              INSTANCE_ID_PATTERN,
              'is not an EC2 instance ID: expected "i-" followed by 8 or 17 lowercase hex characters',
            ),
          ),
      )
      .check(
        z.minLength(1, 'give at least one instance ID, or leave "instanceIds" out'),
        z.maxLength(
          MAX_INSTANCE_IDS,
          `at most ${MAX_INSTANCE_IDS} instance IDs; select larger sets by tag`,
        ),
      ),
  ),
  tags: z.optional(tagsSchema),
  /** The number of instances the caller expects to change, to pass the blast-radius guard. */
  confirmCount: z.optional(
    z
      .number({ error: 'must be a whole number: the instance count the refusal named' })
      .check(
        z.int('must be a whole number: the instance count the refusal named'),
        z.minimum(0, 'cannot be negative'),
      ),
  ),
  dryRun: z.optional(z.boolean({ error: 'must be true or false' })),
  hibernate: z.optional(z.boolean({ error: 'must be true or false' })),
  wait: z.optional(z.boolean({ error: 'must be true or false' })),
});

export type RawRequest = z.infer<typeof requestSchema>;

/** A validated request, with defaults applied and targets resolved against the stage's configuration. */
export interface InstanceRequest {
  action: Action;
  /** The (account, region) pairs to work on, in configuration order. */
  targets: Array<{ accountId: string; region: string }>;
  instanceIds?: string[];
  /** Tag filters (key to accepted values, null prototype); the control tag is added without IDs. */
  tags?: Record<string, string[]>;
  /** Instances the caller confirmed may change, past the stage's maxInstancesPerRequest. */
  confirmCount?: number;
  dryRun: boolean;
  hibernate: boolean;
  wait: boolean;
}

interface RequestView {
  action?: string;
  targets?: { accounts?: string[]; regions?: string[] };
  confirmCount?: number;
  dryRun?: boolean;
  hibernate?: boolean;
  wait?: boolean;
}

/** The fields of an invalid input that have the expected types (others are left out). */
function wellFormedPart(input: unknown): RequestView {
  if (input === null || typeof input !== 'object') return {};
  const raw = input as Record<string, unknown>;
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : '')) : undefined;
  const targets =
    raw.targets !== null && typeof raw.targets === 'object'
      ? (raw.targets as Record<string, unknown>)
      : {};
  const accounts = strings(targets.accounts);
  const regions = strings(targets.regions);
  const flags = Object.fromEntries(
    (['dryRun', 'hibernate', 'wait'] as const)
      .filter((key) => typeof raw[key] === 'boolean')
      .map((key) => [key, raw[key] as boolean]),
  );
  return {
    ...(typeof raw.action === 'string' && (ACTIONS as readonly string[]).includes(raw.action)
      ? { action: raw.action }
      : {}),
    targets: { ...(accounts ? { accounts } : {}), ...(regions ? { regions } : {}) },
    ...(typeof raw.confirmCount === 'number' ? { confirmCount: raw.confirmCount } : {}),
    ...flags,
  };
}

/**
 * Validates an event against the contract and the stage's configuration.
 * Returns every problem at once so an HTTP caller can fix them in one go.
 */
export function parseRequest(
  input: unknown,
  config: Pick<StageConfig, 'targets' | 'controlTagKey' | 'controlTagValue'>,
): Parsed<InstanceRequest> {
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

function checkRequest(
  input: object,
  config: Pick<StageConfig, 'targets' | 'controlTagKey' | 'controlTagValue'>,
): Parsed<InstanceRequest> {
  const parsed = z.safeParse(requestSchema, input);
  const problems: Problem[] = parsed.success ? [] : problemsFromZod(parsed.error);
  problems.push(...rawTagProblems((input as { tags?: unknown }).tags));
  // The cross-field checks also run on a request with type errors, so a caller sees every
  // problem at once; they only look at the fields that have the right shape.
  const view = parsed.success ? parsed.data : wellFormedPart(input);

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
  if (view.hibernate === true && view.action !== undefined && view.action !== 'stop') {
    problems.push({
      field: 'hibernate',
      message: 'only applies to "stop"; remove it or use action "stop"',
    });
  }
  if (view.wait === true && view.dryRun === true) {
    problems.push({
      field: 'wait',
      message: 'a dry run changes nothing to wait for; remove "wait" or "dryRun"',
    });
  }
  if (view.confirmCount !== undefined && view.action === 'status') {
    problems.push({
      field: 'confirmCount',
      message: 'only applies to "start" and "stop" (a status changes nothing); remove it',
    });
  }
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const raw = parsed.data;
  const tags = raw.tags ? normaliseTags(raw.tags) : undefined;
  problems.push(
    ...selectionProblems({
      ...(raw.instanceIds ? { instanceIds: raw.instanceIds } : {}),
      ...(tags ? { tags } : {}),
      controlTag: { key: config.controlTagKey, value: config.controlTagValue },
    }),
  );
  if (problems.length > 0) return { ok: false, problems };

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
      action: raw.action,
      targets,
      ...(raw.instanceIds ? { instanceIds: [...new Set(raw.instanceIds)] } : {}),
      ...(tags ? { tags } : {}),
      ...(raw.confirmCount !== undefined ? { confirmCount: raw.confirmCount } : {}),
      dryRun: raw.dryRun ?? false,
      hibernate: raw.hibernate ?? false,
      wait: raw.wait ?? false,
    },
  };
}
