/**
 * What a new targets file changes against the one already on disk, and the guard against a
 * run that silently drops much of the fleet (an expired session that lists nothing, the wrong
 * OU): a drop above the allowed share is refused unless forced.
 */
import type { TargetConfig } from '../../handlers/config/stage-config';

export interface TargetsChange {
  added: string[];
  removed: string[];
  /** Accounts whose regions or ExternalId changed. */
  changed: string[];
  before: number;
  after: number;
}

function key(target: TargetConfig): string {
  return JSON.stringify([target.externalId ?? null, [...target.regions].sort()]);
}

export function compareTargets(
  before: readonly TargetConfig[],
  after: readonly TargetConfig[],
): TargetsChange {
  const old = new Map(before.map((t) => [t.accountId, t]));
  const now = new Map(after.map((t) => [t.accountId, t]));
  const sorted = (ids: Iterable<string>) => [...ids].sort();
  return {
    added: sorted([...now.keys()].filter((id) => !old.has(id))),
    removed: sorted([...old.keys()].filter((id) => !now.has(id))),
    changed: sorted(
      [...now.entries()]
        .filter(([id, t]) => {
          const previous = old.get(id);
          return previous !== undefined && key(previous) !== key(t);
        })
        .map(([id]) => id),
    ),
    before: before.length,
    after: after.length,
  };
}

export class TooManyAccountsDroppedError extends Error {
  constructor(change: TargetsChange, maxDropShare: number) {
    super(
      `refusing to write: ${change.removed.length} of the ${change.before} accounts in the file would be dropped (${percent(change.removed.length / change.before)}), more than the ${percent(maxDropShare)} allowed. Check the credentials and the OU selection; if the drop is intended, run again with --force (or raise --max-drop)`,
    );
    this.name = 'TooManyAccountsDroppedError';
  }
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** Throws when more than `maxDropShare` (0-1) of the accounts already in the file would go. */
export function guardDrop(change: TargetsChange, maxDropShare: number, force: boolean): void {
  if (force || change.before === 0) return;
  if (change.removed.length / change.before > maxDropShare) {
    throw new TooManyAccountsDroppedError(change, maxDropShare);
  }
}

/** The change in a few lines: counts, then the account IDs (the first ten of each kind). */
export function describeChange(change: TargetsChange): string {
  const list = (label: string, ids: string[]) =>
    ids.length === 0
      ? []
      : [`  ${label} ${ids.length}: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}`];
  const lines = [
    `${change.before} → ${change.after} accounts`,
    ...list('added', change.added),
    ...list('removed', change.removed),
    ...list('changed', change.changed),
  ];
  if (change.added.length + change.removed.length + change.changed.length === 0) {
    lines.push('  no change');
  }
  return lines.join('\n');
}
