/**
 * The baseline for the bundle figure: the same handler built the way serverless-esbuild builds it
 * when serverless.yml sets nothing (its DEFAULT_BUILD_OPTIONS in dist/index.js: bundle, platform
 * node, target from the runtime, external aws-sdk; no minify, esbuild's default mainFields), and
 * zipped with serverless-esbuild's own zip function, as `sls package` would.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { providerRuntimeMatcher } from 'serverless-esbuild/dist/helper';
import { zip } from 'serverless-esbuild/dist/utils';
import { REPO_ROOT } from '../shared/repo-root';

export interface BuiltSize {
  jsBytes: number;
  zipBytes: number;
}

export function targetFor(runtime: string): string {
  const target =
    providerRuntimeMatcher.aws?.[runtime as keyof NonNullable<typeof providerRuntimeMatcher.aws>];
  if (!target) throw new Error(`serverless-esbuild knows no target for runtime ${runtime}`);
  return target;
}

export async function defaultBuild(
  fn: string,
  runtime: string,
  outDir: string,
): Promise<BuiltSize> {
  const entry = path.join(REPO_ROOT, 'handlers', `${fn}.ts`);
  const buildDir = path.join(outDir, 'handlers');
  await mkdir(buildDir, { recursive: true });
  await build({
    entryPoints: [entry],
    outdir: buildDir,
    bundle: true,
    platform: 'node',
    target: targetFor(runtime),
    external: ['aws-sdk'],
    logLevel: 'error',
  });
  const js = path.join(buildDir, `${fn}.js`);
  const zipPath = path.join(outDir, `${fn}.zip`);
  await zip(zipPath, [{ localPath: `handlers/${fn}.js`, rootPath: js }], false);
  return { jsBytes: (await stat(js)).size, zipBytes: (await stat(zipPath)).size };
}
