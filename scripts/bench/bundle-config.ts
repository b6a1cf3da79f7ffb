/**
 * The packaged bundle with the bench world's configuration in place of the stage's: the banner
 * line `sls package` writes (handlers/config/bundled-config.ts) is swapped for one carrying the
 * world's config, exactly as packaging a stage of that size would write it. The config cannot
 * travel in an environment variable at bench sizes (Linux refuses one string over 128 KB).
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleBanner, configJsonFromBundle } from '../../handlers/config/bundled-config';
import type { RuntimeConfig } from '../../handlers/config/stage-config';

export async function bundleWithConfig(bundlePath: string, config: RuntimeConfig): Promise<string> {
  const bundle = await readFile(bundlePath, 'utf8');
  if (configJsonFromBundle(bundle) === undefined) {
    throw new Error(`${bundlePath} carries no stage config line; package it with serverless.yml`);
  }
  const json = JSON.stringify(config);
  const body = bundle.slice(bundle.indexOf('\n') + 1);
  const digest = createHash('sha256').update(json).digest('hex').slice(0, 12);
  const out = path.join(
    path.dirname(bundlePath),
    `${path.basename(bundlePath, '.js')}.${digest}.js`,
  );
  await writeFile(out, `${bundleBanner(json)}\n${body}`);
  return out;
}
