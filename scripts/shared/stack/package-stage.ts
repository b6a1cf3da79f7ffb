/**
 * Runs the real `sls package` for a stage and returns the CloudFormation it generates: the
 * policies are read from exactly what would deploy, never from a copy.
 *
 * Each run happens in its own temporary service directory (scripts/shared/stack/service-dir.ts)
 * so that stages can package in parallel, and so that neither osls's `.serverless/` nor
 * serverless-esbuild's `.esbuild/` work folder in the shared tree is touched. The environment is
 * the CLI allow-list (no AWS_* variables, a throw-away HOME): packaging must not need, or find,
 * credentials.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { configJsonFromBundle } from '../../../handlers/config/bundled-config';
import { readZip } from '../zip';
import { cliEnvironment } from './cli-env';
import { SERVERLESS_YML } from './paths';
import { createServiceDir } from './service-dir';
import { describeRun, runSls } from './sls-cli';

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
  const yml = options.serverlessYml ?? (await readFile(SERVERLESS_YML, 'utf8'));
  const service = await createServiceDir({
    serverlessYml: withoutOfflinePlugin(yml),
    prefix: `xacct-ec2-package-${stage}-`,
  });
  try {
    const out = path.join(service.dir, '.package');
    const args = ['package', '--stage', stage, '--package', out];
    if (options.region) args.push('--region', options.region);
    const run = await runSls(args, {
      cwd: service.dir,
      env: cliEnvironment(service.home),
      timeoutMs: 180_000,
    });
    if (run.code !== 0) throw new Error(describeRun(run, 40));
    return await readPackageDir(out);
  } finally {
    await service.remove();
  }
}
