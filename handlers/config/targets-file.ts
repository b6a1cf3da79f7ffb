/**
 * A stage's targets kept in a JSON file (`params.targetsFile`), hand-written or written by
 * `npm run targets`. Accounts may carry their own ExternalId and regions, or take them from the
 * organizational unit they sit in, or from the file's defaults. The resolved list has the same
 * shape as an inline `params.targets` list, so everything downstream is unchanged.
 * Read at package time only (resources/home-stack/stage-config.cjs); the function never loads this module.
 */
import * as z from 'zod/mini';
import '../formats/zod-messages';
import { type Parsed, type Problem, problemsFromZod } from '../formats/problems';
import {
  ORGANIZATION_ID_PATTERN,
  ORGANIZATION_PATH_PATTERN,
  ORGANIZATIONAL_UNIT_ID_PATTERN,
} from './organization-ids';
import {
  accountIdSchema,
  externalIdSchema,
  regionListSchema,
  type TargetConfig,
} from './stage-config';

/** Current format of the file; a reader refuses others rather than guess. */
export const TARGETS_FILE_VERSION = 1;

/** ExternalIds derived from a prefix: `<prefix><accountId>`, unique per account. */
const externalIdPrefixSchema = z
  .string()
  .check(
    z.regex(
      /^[\w+=,.@:/-]{1,1200}$/,
      'must be 1-1200 characters of letters, digits and +=,.@:/-_ (the account ID is appended)',
    ),
  );

/** Settings an OU or the file's defaults pass down to their accounts. */
const inheritedSettings = {
  regions: z.optional(regionListSchema),
  externalIdPrefix: z.optional(externalIdPrefixSchema),
};

const organizationalUnitSchema = z.strictObject({
  id: z
    .string()
    .check(z.regex(ORGANIZATIONAL_UNIT_ID_PATTERN, 'must be an OU ID such as "ou-ab12-11111111"')),
  name: z.optional(z.string()),
  /** Its path as `aws:ResourceOrgPaths` reports it (o-…/r-…/ou-…/). */
  path: z.optional(
    z
      .string()
      .check(
        z.regex(
          ORGANIZATION_PATH_PATTERN,
          'must be an organization path such as "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"',
        ),
      ),
  ),
  ...inheritedSettings,
});

const accountSchema = z.strictObject({
  accountId: accountIdSchema,
  name: z.optional(z.string()),
  /** The OU (listed in `organizationalUnits`) the account takes its defaults from. */
  ou: z.optional(z.string()),
  externalId: z.optional(externalIdSchema),
  regions: z.optional(regionListSchema),
});

export const targetsFileSchema = z.strictObject({
  version: z.literal(TARGETS_FILE_VERSION, {
    error: `must be ${TARGETS_FILE_VERSION} (the format this version reads)`,
  }),
  /** The organization the accounts belong to (written by the generator). */
  organizationId: z.optional(
    z
      .string()
      .check(z.regex(ORGANIZATION_ID_PATTERN, 'must be an organization ID such as "o-a1b2c3d4e5"')),
  ),
  /** When and how the file was generated; informational. */
  generated: z.optional(z.record(z.string(), z.unknown())),
  defaults: z.optional(z.strictObject(inheritedSettings)),
  organizationalUnits: z._default(z.array(organizationalUnitSchema), []),
  accounts: z
    .array(accountSchema)
    .check(z.minLength(1, 'list at least one account (accountId, and regions here or inherited)')),
});

export type TargetsFile = z.infer<typeof targetsFileSchema>;
export type TargetsFileAccount = TargetsFile['accounts'][number];

/** Where each resolved account sits in its organization, for the org-scoped policy checks. */
export interface AccountPlacement {
  organizationId?: string;
  /** The OU's path, if the file records it. */
  ouPath?: string;
}

export interface ResolvedTargets {
  targets: TargetConfig[];
  organizationId?: string;
  placement: Map<string, AccountPlacement>;
}

/**
 * Validates a parsed targets file and resolves each account's ExternalId and regions:
 * the account's own value, else its OU's, else the file's defaults. `source` prefixes every
 * field name in the problems (e.g. `resources/targets/prod.json`).
 */
export function resolveTargetsFile(input: unknown, source: string): Parsed<ResolvedTargets> {
  const parsed = z.safeParse(targetsFileSchema, input);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error, source) };
  const file = parsed.data;
  const at = (field: string) => `${source}.${field}`;
  const problems: Problem[] = [];

  const units = new Map<string, TargetsFile['organizationalUnits'][number]>();
  file.organizationalUnits.forEach((unit, index) => {
    if (units.has(unit.id)) {
      problems.push({
        field: at(`organizationalUnits[${index}].id`),
        message: `OU ${unit.id} is listed twice; keep one entry`,
      });
    }
    if (unit.path && file.organizationId && !unit.path.startsWith(`${file.organizationId}/`)) {
      problems.push({
        field: at(`organizationalUnits[${index}].path`),
        message: `does not start with the file's organizationId ${file.organizationId}`,
      });
    }
    units.set(unit.id, unit);
  });

  const targets: TargetConfig[] = [];
  const placement = new Map<string, AccountPlacement>();
  file.accounts.forEach((account, index) => {
    const unit = account.ou === undefined ? undefined : units.get(account.ou);
    if (account.ou !== undefined && !unit) {
      problems.push({
        field: at(`accounts[${index}].ou`),
        message: `OU ${account.ou} is not listed in organizationalUnits; add it there or remove the reference`,
      });
      return;
    }
    const regions = account.regions ?? unit?.regions ?? file.defaults?.regions;
    if (!regions) {
      problems.push({
        field: at(`accounts[${index}].regions`),
        message:
          'no regions for this account: list them on the account, on its OU, or in defaults.regions',
      });
      return;
    }
    const prefix = unit?.externalIdPrefix ?? file.defaults?.externalIdPrefix;
    const externalId =
      account.externalId ?? (prefix === undefined ? undefined : `${prefix}${account.accountId}`);
    targets.push({
      accountId: account.accountId,
      ...(externalId === undefined ? {} : { externalId }),
      regions: [...regions],
    });
    placement.set(account.accountId, {
      ...(file.organizationId ? { organizationId: file.organizationId } : {}),
      ...(unit?.path ? { ouPath: unit.path } : {}),
    });
  });

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      targets,
      ...(file.organizationId ? { organizationId: file.organizationId } : {}),
      placement,
    },
  };
}
