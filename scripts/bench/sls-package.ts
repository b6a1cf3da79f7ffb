/**
 * A real `sls package`, credential-free, through the scripts' own CLI runner: a private service
 * directory (so it never races other runs over .esbuild/), a throw-away HOME, the CLI
 * environment allow-list (no AWS_* variable), and `--package <dir>`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { cliEnvironment } from '../shared/stack/cli-env';
import { createServiceDir } from '../shared/stack/service-dir';
import { describeRun, runSls } from '../shared/stack/sls-cli';

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

export async function slsPackage(stage: string): Promise<Packaged> {
  const service = await createServiceDir({ prefix: 'xacct-ec2-bench-pkg-' });
  try {
    const dir = path.join(service.dir, '.package');
    const run = await runSls(['package', '--stage', stage, '--package', dir], {
      cwd: service.dir,
      env: cliEnvironment(service.home),
      timeoutMs: TIMEOUT_MS,
    });
    if (run.code !== 0) throw new Error(describeRun(run, 40));
    const template = JSON.parse(
      await readFile(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as Packaged['template'];
    const state = JSON.parse(await readFile(path.join(dir, 'serverless-state.json'), 'utf8')) as {
      service?: { custom?: { esbuild?: Record<string, unknown> } };
    };
    const esbuild = state.service?.custom?.esbuild ?? {};
    return { dir, template, esbuild, durationMs: run.durationMs, remove: service.remove };
  } catch (error) {
    await service.remove();
    throw error;
  }
}
