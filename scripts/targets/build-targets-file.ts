/**
 * Turns an organization snapshot and the user's selection into a targets file
 * (handlers/config/targets-file.ts): active accounts only, OUs and accounts included or
 * excluded (an OU's choice covers the OUs below it), regions per OU (inherited downwards) or per
 * account. Sorted by ID throughout, so a change in the organization shows as a small diff.
 */
import {
  TARGETS_FILE_VERSION,
  type TargetsFile,
  type TargetsFileAccount,
} from '../../handlers/config/targets-file';
import type { OrganizationSnapshot, OrganizationUnit } from './read-organization';

export interface TargetSelection {
  /** Regions for accounts that get none from their OU or their own setting. */
  defaultRegions: string[];
  /** Only accounts in (or below) these OUs; all when empty. The root ID selects everything. */
  includeUnits: string[];
  excludeUnits: string[];
  /** Accounts to add even outside includeUnits, or to leave out. */
  includeAccounts: string[];
  excludeAccounts: string[];
  /** Regions per OU ID (applies below it too) and per account ID. */
  unitRegions: Record<string, string[]>;
  accountRegions: Record<string, string[]>;
  /** ExternalId of each account: `<prefix><accountId>`; none when undefined. */
  externalIdPrefix?: string;
}

export interface BuiltTargets {
  file: TargetsFile;
  /** Accounts left out because they are not ACTIVE (ID and status). */
  inactive: Array<{ id: string; status: string }>;
  /** Selection entries that matched nothing in the organization (probably a typo). */
  unknown: string[];
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** OU IDs on the path from the root down to `path`'s last OU. */
function unitsOnPath(path: string): string[] {
  return path.split('/').filter((part) => part.startsWith('ou-'));
}

export function buildTargetsFile(
  snapshot: OrganizationSnapshot,
  selection: TargetSelection,
): BuiltTargets {
  const unitIds = new Set([snapshot.rootId, ...snapshot.units.map((u) => u.id)]);
  const accountIds = new Set(snapshot.accounts.map((a) => a.id));
  const unknown = [
    ...[...selection.includeUnits, ...selection.excludeUnits, ...Object.keys(selection.unitRegions)]
      .filter((id) => !unitIds.has(id))
      .map((id) => `OU ${id}`),
    ...[
      ...selection.includeAccounts,
      ...selection.excludeAccounts,
      ...Object.keys(selection.accountRegions),
    ]
      .filter((id) => !accountIds.has(id))
      .map((id) => `account ${id}`),
  ];

  const within = (path: string, ids: readonly string[]) => {
    const onPath = new Set([snapshot.rootId, ...unitsOnPath(path)]);
    return ids.some((id) => onPath.has(id));
  };
  /** The nearest OU (from the account's parent up) that sets regions. */
  const regionsFor = (path: string): string[] | undefined => {
    for (const id of unitsOnPath(path).reverse()) {
      const regions = selection.unitRegions[id];
      if (regions) return regions;
    }
    return selection.unitRegions[snapshot.rootId];
  };

  const inactive: BuiltTargets['inactive'] = [];
  const accounts: TargetsFileAccount[] = [];
  const usedUnits = new Map<string, OrganizationUnit>();
  const unitsById = new Map(snapshot.units.map((u) => [u.id, u]));
  for (const account of [...snapshot.accounts].sort(byId)) {
    const included =
      selection.includeAccounts.includes(account.id) ||
      ((selection.includeUnits.length === 0 || within(account.path, selection.includeUnits)) &&
        !within(account.path, selection.excludeUnits));
    if (!included || selection.excludeAccounts.includes(account.id)) continue;
    if (account.status !== 'ACTIVE') {
      inactive.push({ id: account.id, status: account.status });
      continue;
    }
    const unit = unitsById.get(account.parentId);
    if (unit) usedUnits.set(unit.id, unit);
    const own = selection.accountRegions[account.id];
    accounts.push({
      accountId: account.id,
      ...(account.name ? { name: account.name } : {}),
      ...(unit ? { ou: unit.id } : {}),
      ...(own ? { regions: [...own].sort() } : {}),
    });
  }

  const organizationalUnits = [...usedUnits.values()].sort(byId).map((unit) => {
    const regions = regionsFor(unit.path);
    return {
      id: unit.id,
      ...(unit.name ? { name: unit.name } : {}),
      path: unit.path,
      ...(regions ? { regions: [...regions].sort() } : {}),
    };
  });
  // Accounts directly under the root take the root's regions, if set, through the defaults.
  const defaults = {
    regions: [...(selection.unitRegions[snapshot.rootId] ?? selection.defaultRegions)].sort(),
    ...(selection.externalIdPrefix !== undefined
      ? { externalIdPrefix: selection.externalIdPrefix }
      : {}),
  };
  return {
    file: {
      version: TARGETS_FILE_VERSION,
      organizationId: snapshot.organizationId,
      defaults,
      organizationalUnits: organizationalUnits.map((unit) =>
        selection.externalIdPrefix !== undefined
          ? { ...unit, externalIdPrefix: selection.externalIdPrefix }
          : unit,
      ),
      accounts,
    },
    inactive,
    unknown,
  };
}
