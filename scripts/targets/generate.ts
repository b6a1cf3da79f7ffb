/**
 * `npm run targets`: read the organization, build the targets file, compare it with the one on
 * disk, refuse a large drop, write it (or only report, with --check).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { TargetConfig } from '../../handlers/config/stage-config';
import { resolveTargetsFile } from '../../handlers/config/targets-file';
import type { TargetsArgs } from './args';
import { buildTargetsFile } from './build-targets-file';
import { compareTargets, describeChange, guardDrop, type TargetsChange } from './compare-targets';
import { readOrganization } from './read-organization';

export interface GenerateResult {
  change: TargetsChange;
  written: boolean;
  /** The report printed for the user. */
  report: string;
}

export class GeneratedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeneratedFileError';
  }
}

/** The targets already in the file, or none when there is no file yet. */
async function currentTargets(file: string): Promise<TargetConfig[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const resolved = resolveTargetsFile(JSON.parse(text), file);
  if (!resolved.ok) {
    throw new GeneratedFileError(
      `${file} exists but is not a valid targets file (${resolved.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}); fix or remove it first`,
    );
  }
  return resolved.value.targets;
}

export async function generateTargets(
  args: TargetsArgs,
  client: OrganizationsClient,
): Promise<GenerateResult> {
  const snapshot = await readOrganization(client);
  const built = buildTargetsFile(snapshot, args.selection);
  if (built.unknown.length > 0) {
    throw new GeneratedFileError(
      `not in organization ${snapshot.organizationId}: ${built.unknown.join(', ')}; check the IDs`,
    );
  }
  const resolved = resolveTargetsFile(built.file, args.out);
  if (!resolved.ok) {
    throw new GeneratedFileError(
      `the selection gives no usable targets file: ${resolved.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
    );
  }
  const change = compareTargets(await currentTargets(args.out), resolved.value.targets);
  guardDrop(change, args.maxDropShare, args.force);

  const lines = [
    `organization ${snapshot.organizationId}: ${snapshot.accounts.length} accounts in ${snapshot.units.length} OUs`,
    ...(built.inactive.length > 0
      ? [
          `skipped ${built.inactive.length} not active: ${built.inactive
            .slice(0, 10)
            .map((a) => `${a.id} (${a.status})`)
            .join(', ')}${built.inactive.length > 10 ? ', …' : ''}`,
        ]
      : []),
    `${args.out}: ${describeChange(change)}`,
  ];
  if (!args.check) {
    // Write then rename: a reader (or a crash) never sees half a file.
    const partial = `${args.out}.${process.pid}.tmp`;
    await writeFile(partial, `${JSON.stringify(built.file, null, 2)}\n`);
    await rename(partial, args.out);
  }
  lines.push(args.check ? '(--check: nothing written)' : `wrote ${args.out}`);
  return { change, written: !args.check, report: lines.join('\n') };
}
