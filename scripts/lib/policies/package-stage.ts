/**
 * Runs the real `sls package` for a stage and returns the CloudFormation it generates: the
 * policies are read from exactly what would deploy, never from a copy.
 *
 * Each run happens in its own temporary service directory (symlinks to the project, a copy of
 * serverless.yml) so that stages can package in parallel, and so that neither osls's
 * `.serverless/` nor serverless-esbuild's `.esbuild/` work folder in the shared tree is touched.
 * The environment has no AWS_* variables and a throw-away HOME: packaging must not need,
 * or find, credentials.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configJsonFromBundle } from '../../../handlers/config/bundled-config';
import { readZip } from '../zip';
import { PROJECT_ROOT, SERVERLESS_YML } from './paths';

export interface PackagedStage {
  stage: string;
  /** The region osls packaged for: the value of AWS::Region when the stack deploys. */
  region: string;
  service: string;
  /** cloudformation-template-update-stack.json, as generated. */
  template: CfnTemplate;
  /** The stage configuration each function's bundle carries (its banner line), as JSON text. */
  bundledConfigJson: string;
}

export interface CfnTemplate {
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
}

export interface CfnResource {
  Type: string;
  Condition?: string;
  Properties?: Record<string, unknown>;
}

export interface PackageOptions {
  /** Package for this region instead of serverless.yml's default. */
  region?: string;
  /** serverless.yml text to package instead of the file (tests feed modified documents here). */
  serverlessYml?: string;
}

/**
 * serverless-offline only hooks the `offline` commands, so it cannot change what `package`
 * generates, yet loading it is about 40% of a packaging run. It is left out of the copy.
 */
export function withoutOfflinePlugin(serverlessYml: string): string {
  return serverlessYml.replace(/^[ \t]*-[ \t]*['"]?serverless-offline['"]?[ \t]*(#.*)?\r?\n/m, '');
}

/** Entries that must not be shared with the temporary service directory. */
const NOT_LINKED = new Set(['.git', '.serverless', '.esbuild', 'serverless.yml', 'coverage']);

const cache = new Map<string, Promise<PackagedStage>>();

/** Packages a stage once per process (per region and serverless.yml text). */
export function packageStage(stage: string, options: PackageOptions = {}): Promise<PackagedStage> {
  const digest = options.serverlessYml
    ? createHash('sha256').update(options.serverlessYml).digest('hex')
    : 'file';
  const key = `${stage}|${options.region ?? ''}|${digest}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = runPackage(stage, options);
    // A failure is not cached: the next caller retries (e.g. after the handlers appear).
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

/** The environment `sls package` gets: no AWS_* variables, a fresh HOME, no telemetry. */
function credentialFreeEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_')) env[key] = value;
  }
  return {
    ...env,
    HOME: home,
    USERPROFILE: home,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    npm_config_update_notifier: 'false',
  };
}

/** Links the project into `dir`; returns the links so cleanup can unlink them first. */
async function prepareServiceDir(dir: string, serverlessYml: string): Promise<string[]> {
  const links: string[] = [];
  for (const entry of await readdir(PROJECT_ROOT)) {
    if (NOT_LINKED.has(entry)) continue;
    links.push(path.join(dir, entry));
    await symlink(path.join(PROJECT_ROOT, entry), path.join(dir, entry));
  }
  // osls only accepts a real file as the service configuration.
  await writeFile(path.join(dir, 'serverless.yml'), serverlessYml);
  await mkdir(path.join(dir, '.home'));
  return links;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd, env, timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve();
        const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
        reject(new Error(`sls ${args.slice(1).join(' ')} failed:\n${output}`));
      },
    );
  });
}

/** The config line of every function bundle in the package; they must all carry the same. */
async function bundledConfigOf(packageDir: string): Promise<string> {
  const values = new Set<string>();
  for (const name of (await readdir(packageDir)).filter((f) => f.endsWith('.zip')).sort()) {
    for (const entry of readZip(await readFile(path.join(packageDir, name)))) {
      if (!entry.name.endsWith('.js')) continue;
      const json = configJsonFromBundle(entry.read().toString('utf8'));
      if (json === undefined) throw new Error(`${name}: ${entry.name} carries no stage config`);
      values.add(json);
    }
  }
  const [only, ...more] = [...values];
  if (only === undefined) throw new Error('the package holds no function bundle');
  if (more.length > 0) throw new Error('the function bundles disagree on the stage config');
  return only;
}

/** What `sls package --package <dir>` wrote, read back. */
export async function readPackageDir(out: string): Promise<PackagedStage> {
  const template = JSON.parse(
    await readFile(path.join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as CfnTemplate;
  const state = JSON.parse(await readFile(path.join(out, 'serverless-state.json'), 'utf8')) as {
    service: { service: string; provider: { region: string; stage: string } };
  };
  return {
    stage: state.service.provider.stage,
    region: state.service.provider.region,
    service: state.service.service,
    template,
    bundledConfigJson: await bundledConfigOf(out),
  };
}

async function runPackage(stage: string, options: PackageOptions): Promise<PackagedStage> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `xacct-ec2-package-${stage}-`));
  let links: string[] = [];
  try {
    const yml = options.serverlessYml ?? (await readFile(SERVERLESS_YML, 'utf8'));
    links = await prepareServiceDir(dir, withoutOfflinePlugin(yml));
    const out = path.join(dir, '.package');
    const sls = require.resolve('serverless/bin/serverless.js', { paths: [PROJECT_ROOT] });
    const args = [sls, 'package', '--stage', stage, '--package', out];
    if (options.region) args.push('--region', options.region);
    await run(args, dir, credentialFreeEnv(path.join(dir, '.home')));
    return await readPackageDir(out);
  } finally {
    // Unlink the project links first, so removing the directory can never reach the project.
    await Promise.all(links.map((link) => unlink(link).catch(() => undefined)));
    await rm(dir, { recursive: true, force: true });
  }
}
