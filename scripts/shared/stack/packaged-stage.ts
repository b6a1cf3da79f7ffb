/**
 * The packaged CloudFormation of a stage, from the real `sls package` (scripts/verify/
 * package-stage.ts: credential-free, in a temporary service directory).
 *
 * `reuse: true` keeps the result in node_modules/.cache/xacct-ec2/, keyed by a hash of every input that
 * shapes the template (serverless.yml, the config bridge and the handler code it loads, the
 * lockfile), so the suites of one test run package a stage once instead of once each. Any
 * change to those inputs packages again; nothing is reused across different documents.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../repo-root';
import { type PackagedStage, packageStage } from './package-stage';

export type { PackagedStage } from './package-stage';

const KEY_FILES = [
  'serverless.yml',
  'package-lock.json',
  'resources/home-stack/stage-config.cjs',
  'resources/home-stack/engine.cjs',
  'scripts/shared/stack/package-stage.ts',
];
// resources/home-stack/schedules, signals, execution-policy and engine build what stage-config.cjs adds to the template.
const KEY_DIRS = ['handlers', 'resources/targets', 'resources/home-stack'];

export interface PackagedStageOptions {
  region?: string;
  /** serverless.yml text to package instead of the file (tests package modified documents). */
  serverlessYml?: string;
  /** Reuse an identical earlier packaging from the temp directory (tests); default false. */
  reuse?: boolean;
}

export interface PackagedStageResult {
  packaged: PackagedStage;
  /** Whether `sls package` ran now (false: an identical earlier run was reused). */
  packagedNow: boolean;
  durationMs: number;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(REPO_ROOT, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const relative = path.join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(relative) : Promise.resolve([relative]);
    }),
  );
  return nested.flat();
}

/** A digest of everything that shapes the packaged template of `stage`. */
export async function packagingKey(
  stage: string,
  region = '',
  serverlessYml?: string,
): Promise<string> {
  const files = [...KEY_FILES, ...(await Promise.all(KEY_DIRS.map(filesUnder))).flat()].sort();
  const hash = createHash('sha256').update(`${stage}\0${region}\0${serverlessYml ?? ''}\0`);
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(path.join(REPO_ROOT, file)));
  }
  return hash.digest('hex').slice(0, 32);
}

export async function packagedStage(
  stage: string,
  options: PackagedStageOptions = {},
): Promise<PackagedStageResult> {
  const started = Date.now();
  const packageOptions = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.serverlessYml !== undefined ? { serverlessYml: options.serverlessYml } : {}),
  };
  if (!options.reuse) {
    const packaged = await packageStage(stage, packageOptions);
    return { packaged, packagedNow: true, durationMs: Date.now() - started };
  }
  const dir = path.join(REPO_ROOT, 'node_modules', '.cache', 'xacct-ec2');
  const file = path.join(
    dir,
    `${stage}-${await packagingKey(stage, options.region, options.serverlessYml)}.json`,
  );
  try {
    const packaged = JSON.parse(await readFile(file, 'utf8')) as PackagedStage;
    return { packaged, packagedNow: false, durationMs: Date.now() - started };
  } catch {
    // Not packaged with these inputs yet.
  }
  const packaged = await packageStage(stage, packageOptions);
  await mkdir(dir, { recursive: true });
  // Write then rename: a parallel reader sees the whole file or none.
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(packaged));
  await rename(partial, file);
  return { packaged, packagedNow: true, durationMs: Date.now() - started };
}
