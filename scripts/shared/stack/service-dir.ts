/**
 * A private service directory for one CLI run: the project's service files linked in, and a copy
 * of serverless.yml (osls only accepts a real file). serverless-esbuild builds in `.esbuild/` and
 * osls writes `.serverless/` inside the service directory, so runs that share one directory race
 * each other (and any `sls` command someone else runs in the repository). Each run gets its own.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../repo-root';

/** What the service needs besides serverless.yml: the handlers, the config bridge, the templates. */
const LINKED = [
  'package.json',
  'tsconfig.json',
  'handlers',
  'scripts',
  'resources',
  'node_modules',
];

export interface ServiceDir {
  dir: string;
  /** A throw-away HOME for the CLI, inside the directory. */
  home: string;
  remove(): Promise<void>;
}

export interface ServiceDirOptions {
  /** serverless.yml text to use instead of the repository's. */
  serverlessYml?: string;
  /** Prefix of the temporary directory's name. */
  prefix?: string;
}

export async function createServiceDir(options: ServiceDirOptions = {}): Promise<ServiceDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), options.prefix ?? 'xacct-ec2-run-'));
  const links = LINKED.map((name) => path.join(dir, name));
  const home = path.join(dir, '.home');
  const remove = async () => {
    // Unlink first, so removing the directory can never reach into the project.
    await Promise.all(links.map((link) => unlink(link).catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      LINKED.map((name) => symlink(path.join(REPO_ROOT, name), path.join(dir, name))),
    );
    const yml =
      options.serverlessYml ?? (await readFile(path.join(REPO_ROOT, 'serverless.yml'), 'utf8'));
    await writeFile(path.join(dir, 'serverless.yml'), yml);
    await mkdir(home);
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, home, remove };
}
