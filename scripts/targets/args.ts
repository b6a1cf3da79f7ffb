/** The command line of `npm run targets`, checked before any AWS call. */
import { parseArgs } from 'node:util';
import { isAwsRegion } from '../../handlers/formats/regions';
import type { TargetSelection } from './build-targets-file';

export interface TargetsArgs {
  out: string;
  selection: TargetSelection;
  /** Share (0-1) of the file's accounts a run may drop without --force. */
  maxDropShare: number;
  force: boolean;
  /** Print the change, write nothing. */
  check: boolean;
  /** Organizations' region (its endpoint is global, in us-east-1 for the aws partition). */
  region: string;
}

export const USAGE = `Usage: npm run targets -- --from-organization --out resources/targets/<stage>.json [options]

Reads AWS Organizations with your credentials (management or delegated-administrator account)
and writes the stage's targets file: active accounts only, sorted, with what changed printed.

  --regions r1,r2               regions of accounts that get none otherwise (required)
  --include-ou ID[,ID]          only accounts in or below these OUs (default: the whole organization)
  --exclude-ou ID[,ID]          leave out accounts in or below these OUs
  --include-account ID[,ID]     add these accounts even outside --include-ou
  --exclude-account ID[,ID]     leave out these accounts
  --ou-regions ID=r1,r2         regions for an OU and the OUs below it (repeatable)
  --account-regions ID=r1,r2    regions for one account (repeatable)
  --external-id-prefix P        give each account the ExternalId P<accountId>
  --max-drop 10%                refuse a run that drops more of the file's accounts (default 10%)
  --force                       write even so
  --check                       print the change, write nothing`;

export class TargetsArgsError extends Error {
  constructor(message: string) {
    super(`${message}\n\n${USAGE}`);
    this.name = 'TargetsArgsError';
  }
}

const list = (values: readonly string[] | undefined) =>
  (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');

function regionList(value: string, flag: string): string[] {
  const regions = list([value]);
  const bad = regions.filter((r) => !isAwsRegion(r));
  if (regions.length === 0 || bad.length > 0) {
    throw new TargetsArgsError(
      `${flag}: "${bad.join(', ') || value}" is not a list of AWS regions`,
    );
  }
  return regions;
}

function assignments(values: readonly string[] | undefined, flag: string, idPattern: RegExp) {
  const out: Record<string, string[]> = {};
  for (const value of values ?? []) {
    const at = value.indexOf('=');
    const id = value.slice(0, at);
    if (at < 0 || !idPattern.test(id)) {
      throw new TargetsArgsError(`${flag}: "${value}" is not ID=region[,region]`);
    }
    out[id] = regionList(value.slice(at + 1), flag);
  }
  return out;
}

function share(value: string): number {
  const percent = value.endsWith('%');
  const n = Number(percent ? value.slice(0, -1) : value);
  const result = percent || n > 1 ? n / 100 : n;
  if (!Number.isFinite(result) || result < 0 || result > 1) {
    throw new TargetsArgsError(`--max-drop: "${value}" is not a share such as 10% or 0.1`);
  }
  return result;
}

const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const ACCOUNT_ID = /^\d{12}$/;

export function parseTargetsArgs(argv: readonly string[]): TargetsArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new TargetsArgsError(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (!v['from-organization']) throw new TargetsArgsError('--from-organization is required');
  if (!v.out) throw new TargetsArgsError('--out is required (e.g. resources/targets/prod.json)');
  if (!v.regions) throw new TargetsArgsError('--regions is required (e.g. --regions eu-west-1)');
  const ids = (values: string[] | undefined, flag: string, pattern: RegExp) => {
    const out = list(values);
    const bad = out.filter((id) => !pattern.test(id));
    if (bad.length > 0)
      throw new TargetsArgsError(`${flag}: "${bad.join(', ')}" is not a valid ID`);
    return out;
  };
  const prefix = v['external-id-prefix'];
  if (prefix !== undefined && !/^[\w+=,.@:/-]{1,1200}$/.test(prefix)) {
    throw new TargetsArgsError('--external-id-prefix: use letters, digits and +=,.@:/-_ only');
  }
  return {
    out: v.out,
    selection: {
      defaultRegions: regionList(v.regions, '--regions'),
      includeUnits: ids(v['include-ou'], '--include-ou', PARENT_ID),
      excludeUnits: ids(v['exclude-ou'], '--exclude-ou', PARENT_ID),
      includeAccounts: ids(v['include-account'], '--include-account', ACCOUNT_ID),
      excludeAccounts: ids(v['exclude-account'], '--exclude-account', ACCOUNT_ID),
      unitRegions: assignments(v['ou-regions'], '--ou-regions', PARENT_ID),
      accountRegions: assignments(v['account-regions'], '--account-regions', ACCOUNT_ID),
      ...(prefix !== undefined ? { externalIdPrefix: prefix } : {}),
    },
    maxDropShare: share(v['max-drop'] ?? '10%'),
    force: v.force ?? false,
    check: v.check ?? false,
    region: v.region ?? 'us-east-1',
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      'from-organization': { type: 'boolean' },
      out: { type: 'string' },
      regions: { type: 'string' },
      'include-ou': { type: 'string', multiple: true },
      'exclude-ou': { type: 'string', multiple: true },
      'include-account': { type: 'string', multiple: true },
      'exclude-account': { type: 'string', multiple: true },
      'ou-regions': { type: 'string', multiple: true },
      'account-regions': { type: 'string', multiple: true },
      'external-id-prefix': { type: 'string' },
      'max-drop': { type: 'string' },
      force: { type: 'boolean' },
      check: { type: 'boolean' },
      region: { type: 'string' },
    },
  });
}
