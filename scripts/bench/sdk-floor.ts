/**
 * The floor under the bundle figures: sdk-floor-entry.ts (the SDK calls alone) built and zipped
 * with the esbuild options serverless.yml gives serverless-esbuild, as `sls package` resolved them.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { zip } from 'serverless-esbuild/dist/utils';
import { REPO_ROOT } from '../shared/repo-root';
import type { BuiltSize } from './default-build';

/** custom.esbuild as serverless-state.json records it. */
export interface EsbuildSettings {
  minify?: boolean;
  mainFields?: string[];
  keepNames?: boolean;
  target?: string;
  exclude?: string[];
  external?: string[];
  nativeZip?: boolean;
  /** Path of the esbuild plugins file, from the repository root. */
  plugins?: string;
}

export async function sdkFloor(settings: EsbuildSettings, outDir: string): Promise<BuiltSize> {
  await mkdir(outDir, { recursive: true });
  const js = path.join(outDir, 'floor.js');
  await build({
    entryPoints: [path.join(__dirname, 'sdk-floor-entry.ts')],
    outfile: js,
    bundle: true,
    platform: 'node',
    minify: settings.minify ?? false,
    keepNames: settings.keepNames ?? false,
    ...(settings.mainFields ? { mainFields: settings.mainFields } : {}),
    ...(settings.target ? { target: settings.target } : {}),
    external: [...(settings.external ?? []), ...(settings.exclude ?? [])],
    plugins: settings.plugins ? (require(path.join(REPO_ROOT, settings.plugins)) as Plugin[]) : [],
    logLevel: 'error',
  });
  const zipPath = path.join(outDir, 'floor.zip');
  await zip(zipPath, [{ localPath: 'floor.js', rootPath: js }], settings.nativeZip ?? false);
  return { jsBytes: (await stat(js)).size, zipBytes: (await stat(zipPath)).size };
}
