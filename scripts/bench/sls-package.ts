/**
 * A real `sls package`, credential-free: a private copy of the service (so it never races other
 * runs over .esbuild/), a temporary HOME, no AWS_* variable, and `--package <dir>`.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanEnv, REPO_ROOT } from './child';

const SERVICE_FILES = [
  'serverless.yml',
  'package.json',
  'tsconfig.json',
  'handlers',
  'scripts',
  'resources',
];
const TIMEOUT_MS = 180_000;

export interface Packaged {
  dir: string;
  /** The CloudFormation template the artifacts would deploy with. */
  template: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  /** custom.esbuild as the package step resolved it. */
  esbuild: Record<string, unknown>;
  durationMs: number;
  remove(): Promise<void>;
}

function run(cwd: string, home: string, args: string[]): Promise<void> {
  const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'sls');
  return new Promise((resolve, reject) => {
    // Only the allow-listed base: `cleanEnv` keeps no AWS_* of this shell except the metadata opt-out.
    const env = cleanEnv({ HOME: home, CI: 'true', NO_COLOR: '1', SLS_TELEMETRY_DISABLED: '1' });
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`sls ${args.join(' ')} exited ${code}:\n${output}`));
    });
  });
}

export async function slsPackage(stage: string): Promise<Packaged> {
  const root = await mkdtemp(path.join(tmpdir(), 'xacct-ec2-bench-pkg-'));
  const service = path.join(root, 'service');
  const home = path.join(root, 'home');
  const dir = path.join(root, 'package');
  await Promise.all(
    SERVICE_FILES.map((name) =>
      cp(path.join(REPO_ROOT, name), path.join(service, name), { recursive: true }),
    ),
  );
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(service, 'node_modules'), 'dir');
  await mkdir(home);
  const started = Date.now();
  await run(service, home, ['package', '--stage', stage, '--package', dir]);
  const durationMs = Date.now() - started;
  const template = JSON.parse(
    await readFile(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Packaged['template'];
  const state = JSON.parse(await readFile(path.join(dir, 'serverless-state.json'), 'utf8')) as {
    service?: { custom?: { esbuild?: Record<string, unknown> } };
  };
  const esbuild = state.service?.custom?.esbuild ?? {};
  return {
    dir,
    template,
    esbuild,
    durationMs,
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
