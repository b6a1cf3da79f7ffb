/**
 * Runs the real `sls package` for a stage and returns the CloudFormation it generates: the
 * policies are read from exactly what would deploy, never from a copy.
 *
 * Each run happens in its own temporary service directory (scripts/lib/local-run/service-dir.ts)
 * so that stages can package in parallel, and so that neither osls's `.serverless/` nor
 * serverless-esbuild's `.esbuild/` work folder in the shared tree is touched. The environment is
 * the CLI allow-list (no AWS_* variables, a throw-away HOME): packaging must not need, or find,
 * credentials.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { cliEnvironment } from '../local-run/cli-env';
import { createServiceDir } from '../local-run/service-dir';
import { describeRun, runSls } from '../local-run/sls-cli';
import { SERVERLESS_YML } from './paths';

export interface PackagedStage {
  stage: string;
  /** The region osls packaged for: the value of AWS::Region when the stack deploys. */
  region: string;
  service: string;
  /** cloudformation-template-update-stack.json, as generated. */
  template: CfnTemplate;
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
    };
  } finally {
    await service.remove();
  }
}
