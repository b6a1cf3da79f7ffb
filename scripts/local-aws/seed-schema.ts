import { z } from 'zod';
import { DbClusterSeedSchema, DbInstanceSeedSchema } from './rds-seed-schema';

/**
 * The shape of a world seed (scripts/local-aws/seed.json). `note` fields say why an entry exists;
 * they are documentation and do not change behaviour.
 */

export const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d$/;

export const INSTANCE_STATES = [
  'pending',
  'running',
  'shutting-down',
  'terminated',
  'stopping',
  'stopped',
] as const;
export type InstanceStateName = (typeof INSTANCE_STATES)[number];

const InstanceSeedSchema = z.strictObject({
  instanceId: z.string().regex(INSTANCE_ID, 'must be i- plus 8 or 17 lowercase hex characters'),
  note: z.string().optional(),
  /** `pending` and `stopping` settle (running / stopped) after the configured transition time. */
  state: z.enum(INSTANCE_STATES),
  instanceType: z.string().min(1).default('t3.micro'),
  availabilityZone: z.string().min(1),
  launchTime: z.iso.datetime(),
  imageId: z
    .string()
    .regex(/^ami-[0-9a-f]{8,17}$/)
    .default('ami-0c1a2b3c4d5e6f708'),
  /** Instances sharing one are reported in the same reservation (default: one each). */
  reservationId: z
    .string()
    .regex(/^r-[0-9a-f]{8,17}$/)
    .optional(),
  hibernationConfigured: z.boolean().default(false),
  /** Customer-managed key of its EBS volumes: starting it needs kms:CreateGrant on this key. */
  ebsKmsKeyArn: z
    .string()
    .regex(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/)
    .optional(),
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
});

/**
 * Parameters of resources/target-account-role.yml for this account's deployment, so the policy
 * evaluation can render that template per account. KmsKeyArns is the CommaDelimitedList as an array.
 */
const TargetRoleParametersSchema = z.strictObject({
  HomeAccountId: z.string().regex(ACCOUNT_ID),
  ExecutionRoleName: z.string().regex(ROLE_NAME),
  ExternalId: z.string().regex(/^([\w+=,.@:/-]{2,1224})?$/),
  OrganizationId: z.string().regex(/^(o-[a-z0-9]{10,32})?$/),
  ControlTagKey: z.string().min(1).max(128),
  ControlTagValue: z.string().min(1).max(256),
  /** The regions the role acts in (a CommaDelimitedList, as an array). */
  Regions: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/)).min(1),
  KmsKeyArns: z.array(z.string()),
  RoleName: z.string().regex(ROLE_NAME),
});

const RoleSeedSchema = z.strictObject({
  name: z.string().regex(ROLE_NAME),
  note: z.string().optional(),
  /** IAM's MaxSessionDuration (1 h to 12 h). */
  maxSessionDurationSeconds: z.number().int().min(3600).max(43200).default(3600),
  /** The CloudFormation template that defines the role, relative to the repository root. */
  template: z.string().optional(),
  parameters: TargetRoleParametersSchema.optional(),
});

const AccountSeedSchema = z.strictObject({
  accountId: z.string().regex(ACCOUNT_ID),
  name: z.string().min(1),
  note: z.string().optional(),
  organizationId: z
    .string()
    .regex(/^o-[a-z0-9]{10,32}$/)
    .optional(),
  roles: z.array(RoleSeedSchema).default([]),
  regions: z
    .record(
      z.string().regex(REGION),
      z.strictObject({
        instances: z.array(InstanceSeedSchema),
        /** RDS DB instances (rds-seed-schema.ts), including Aurora cluster members. */
        dbInstances: z.array(DbInstanceSeedSchema).default([]),
        dbClusters: z.array(DbClusterSeedSchema).default([]),
      }),
    )
    .default({}),
});

const HomeSeedSchema = z.strictObject({
  accountId: z.string().regex(ACCOUNT_ID),
  region: z.string().regex(REGION),
  /** serverless.yml stage the names below belong to. */
  stage: z.string().min(1),
  executionRoleName: z.string().regex(ROLE_NAME),
  functionName: z.string().min(1).max(64),
  functionArn: z.string().regex(/^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+$/),
});

/**
 * Transition durations are real-world milliseconds (close to EC2's typical times); the world
 * multiplies each by `timeFactor`, so a demo or a test keeps AWS's proportions but not its waits.
 */
export const WorldSettingsSchema = z.strictObject({
  /** pending → running (EC2: typically 20-60 s). */
  pendingMs: z.number().int().min(0),
  /** stopping → stopped (EC2: typically under a minute to a few minutes; guest OS shutdown). */
  stoppingMs: z.number().int().min(0),
  /** stopping → stopped when hibernating (memory written to the root volume); null: twice stoppingMs. */
  hibernatingMs: z.number().int().min(0).nullable(),
  /** pending → stopped (Client.InternalError) when the caller may not use the volumes' KMS key. */
  kmsFallbackMs: z.number().int().min(0),
  /** Multiplies every transition duration: 1 is real time, 0.01 turns a 60 s stop into 600 ms. */
  timeFactor: z.number().min(0).max(1000),
  /** When set, every session AssumeRole issues lasts this long, whatever DurationSeconds says. */
  sessionLifetimeOverrideSeconds: z.number().positive().nullable(),
  /** Lifetime of the home execution-role session created at start. */
  homeSessionLifetimeSeconds: z.number().positive(),
});
export type WorldSettings = z.infer<typeof WorldSettingsSchema>;

/** EC2's typical durations at real speed; seeds and tests scale them with `timeFactor`. */
export const DEFAULT_SETTINGS: WorldSettings = {
  pendingMs: 30_000,
  stoppingMs: 60_000,
  // null: twice stoppingMs (120 s at real speed), so a test that shortens the stop shortens this too.
  hibernatingMs: null,
  kmsFallbackMs: 20_000,
  timeFactor: 1,
  sessionLifetimeOverrideSeconds: null,
  homeSessionLifetimeSeconds: 12 * 3600,
};

/** EC2's real transition times (a hibernation 120 s), scaled by `timeFactor` for demos and tests. */
export function realEc2Timings(
  timeFactor: number,
): Pick<
  WorldSettings,
  'pendingMs' | 'stoppingMs' | 'hibernatingMs' | 'kmsFallbackMs' | 'timeFactor'
> {
  const { pendingMs, stoppingMs, kmsFallbackMs } = DEFAULT_SETTINGS;
  return { pendingMs, stoppingMs, hibernatingMs: 2 * stoppingMs, kmsFallbackMs, timeFactor };
}

export const SeedSchema = z.strictObject({
  description: z.string().optional(),
  home: HomeSeedSchema,
  settings: WorldSettingsSchema.partial().default({}),
  accounts: z.array(AccountSeedSchema).min(1),
});

export type SeedInput = z.input<typeof SeedSchema>;
export type Seed = z.output<typeof SeedSchema>;
export type AccountSeed = Seed['accounts'][number];
export type RoleSeed = AccountSeed['roles'][number];
export type InstanceSeed = AccountSeed['regions'][string]['instances'][number];
export type TargetRoleParameters = z.output<typeof TargetRoleParametersSchema>;
