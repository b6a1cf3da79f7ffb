import { z } from 'zod';
import type { StageConfig } from '../config/stage-config';
import { isAwsRegion } from '../config/regions';
import { ACCOUNT_ID_PATTERN, INSTANCE_ID_PATTERN, TAG_KEY_MAX, TAG_VALUE_MAX } from './ids';
import { type Parsed, problemsFromZod } from './problems';

export const ACTIONS = ['start', 'stop', 'status'] as const;
export type Action = (typeof ACTIONS)[number];

/** Most instance IDs one request may name; larger sets belong in a tag selector. */
export const MAX_INSTANCE_IDS = 1000;

const tagValues = z.union([
  z.string().max(TAG_VALUE_MAX, `a tag value is at most ${TAG_VALUE_MAX} characters`),
  z
    .array(z.string().max(TAG_VALUE_MAX, `a tag value is at most ${TAG_VALUE_MAX} characters`))
    .min(1, 'give at least one value, or drop the key'),
]);

/**
 * The event contract shared by every trigger (schedule, HTTP, direct invoke).
 * Unknown fields are rejected so that a typo like `dryrun` is not silently ignored.
 */
export const requestSchema = z.strictObject({
  action: z.enum(ACTIONS, { error: 'must be one of "start", "stop" or "status"' }),
  targets: z
    .strictObject({
      accounts: z
        .array(z.string().regex(ACCOUNT_ID_PATTERN, 'must be a 12-digit AWS account ID, as a string'))
        .min(1, 'give at least one account, or leave "targets.accounts" out to use all')
        .optional(),
      regions: z
        .array(
          z.string().refine(isAwsRegion, {
            message: 'is not an AWS region name (for example "eu-west-1")',
          }),
        )
        .min(1, 'give at least one region, or leave "targets.regions" out to use all')
        .optional(),
    })
    .optional(),
  instanceIds: z
    .array(
      z
        .string()
        .regex(
          INSTANCE_ID_PATTERN,
          'is not an EC2 instance ID: expected "i-" followed by 8 or 17 lowercase hex characters',
        ),
    )
    .min(1, 'give at least one instance ID, or leave "instanceIds" out')
    .max(MAX_INSTANCE_IDS, `at most ${MAX_INSTANCE_IDS} instance IDs; select larger sets by tag`)
    .optional(),
  tags: z
    .record(
      z
        .string()
        .min(1, 'a tag key cannot be empty')
        .max(TAG_KEY_MAX, `a tag key is at most ${TAG_KEY_MAX} characters`),
      tagValues,
    )
    .optional(),
  dryRun: z.boolean({ error: 'must be true or false' }).optional(),
  hibernate: z.boolean({ error: 'must be true or false' }).optional(),
  wait: z.boolean({ error: 'must be true or false' }).optional(),
});

export type RawRequest = z.infer<typeof requestSchema>;

/** A validated request, with defaults applied and targets resolved against the stage's configuration. */
export interface InstanceRequest {
  action: Action;
  /** The (account, region) pairs to work on, in configuration order. */
  targets: Array<{ accountId: string; region: string }>;
  instanceIds?: string[];
  /** Tag filters (key to accepted values); absent means "the control tag". */
  tags?: Record<string, string[]>;
  dryRun: boolean;
  hibernate: boolean;
  wait: boolean;
}

/**
 * Validates an event against the contract and the stage's configuration.
 * Returns every problem at once so an HTTP caller can fix them in one go.
 */
export function parseRequest(
  input: unknown,
  config: Pick<StageConfig, 'targets'>,
): Parsed<InstanceRequest> {
  const parsed = requestSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error) };
  const raw = parsed.data;
  const problems: Parsed<never> & { ok: false } = { ok: false, problems: [] };

  const configuredAccounts = new Set(config.targets.map((t) => t.accountId));
  const configuredRegions = new Set(config.targets.flatMap((t) => t.regions));
  raw.targets?.accounts?.forEach((accountId, index) => {
    if (!configuredAccounts.has(accountId)) {
      problems.problems.push({
        field: `targets.accounts[${index}]`,
        message: `account ${accountId} is not a configured target of this stage; add it to params.targets in serverless.yml or drop it`,
      });
    }
  });
  raw.targets?.regions?.forEach((region, index) => {
    if (!configuredRegions.has(region)) {
      problems.problems.push({
        field: `targets.regions[${index}]`,
        message: `region ${region} is not configured for any target of this stage; add it to a target's regions or drop it`,
      });
    }
  });
  if (raw.hibernate && raw.action !== 'stop') {
    problems.problems.push({
      field: 'hibernate',
      message: 'only applies to "stop"; remove it or use action "stop"',
    });
  }
  if (raw.wait && raw.dryRun) {
    problems.problems.push({
      field: 'wait',
      message: 'a dry run changes nothing to wait for; remove "wait" or "dryRun"',
    });
  }
  if (problems.problems.length > 0) return problems;

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

  const tags = raw.tags
    ? Object.fromEntries(
        Object.entries(raw.tags).map(([key, value]) => [
          key,
          Array.isArray(value) ? value : [value],
        ]),
      )
    : undefined;

  return {
    ok: true,
    value: {
      action: raw.action,
      targets,
      ...(raw.instanceIds ? { instanceIds: [...new Set(raw.instanceIds)] } : {}),
      ...(tags ? { tags } : {}),
      dryRun: raw.dryRun ?? false,
      hibernate: raw.hibernate ?? false,
      wait: raw.wait ?? false,
    },
  };
}
