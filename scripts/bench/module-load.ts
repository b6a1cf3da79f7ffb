/**
 * 2. Module load: `require` of the packaged handler in fresh Node processes, next to the same
 * handler loaded unbundled from node_modules. The baseline is the handler's own TypeScript
 * compiled to one JS file with every package left external (esbuild, packages: 'external'), i.e.
 * what a deploy without a bundler ships: the SDK, Powertools and zod load from node_modules
 * through their `main` (CommonJS) entry points. TypeScript compile time is not in it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../shared/repo-root';
import type { Artifact } from './bundle';
import { runOnce, WORK_DIR } from './child';
import { atMost, type Figure, ratioOf, timesText } from './figure';
import { median, percentile } from './stats';

export const LAMBDA_RUNTIME_INIT_NOTE =
  "Module load is the require() of the handler on this machine. Lambda's Init Duration adds the runtime's own start (about 120 ms for a hello-world nodejs22.x zip function, maxday/lambda-perf); it is not simulated here.";

async function unbundledHandler(fn: string, target: string, configLine: string): Promise<string> {
  // Under the repository, so its node_modules resolve.
  const outfile = path.join(WORK_DIR, 'unbundled', 'handlers', `${fn}.js`);
  await build({
    entryPoints: [path.join(REPO_ROOT, 'handlers', `${fn}.ts`)],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target,
    // The same stage config line as the packaged bundle: both read it at load.
    banner: { js: configLine },
    logLevel: 'error',
  });
  return outfile;
}

async function loadOnce(file: string, env: Record<string, string>): Promise<number> {
  const report = await runOnce<{ loadMs: number }>('load-module', env, [file]);
  return report.loadMs;
}

export interface LoadResult {
  figures: Figure[];
  details: { bundledMs: number[]; unbundledMs: number[]; baseline: string };
}

export async function measureModuleLoad(
  fn: string,
  artifact: Artifact,
  runtimeTarget: string,
  runs: number,
): Promise<LoadResult> {
  const bundle = await readFile(artifact.bundlePath, 'utf8');
  const unbundled = await unbundledHandler(
    fn,
    runtimeTarget,
    bundle.slice(0, bundle.indexOf('\n')),
  );
  // The function's own environment, as Lambda would set it (the config is in the bundle).
  const env = { ...artifact.environment, AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_NAME: fn };
  // One unmeasured load each, so both start with a warm file cache.
  await loadOnce(artifact.bundlePath, env);
  await loadOnce(unbundled, env);
  const bundledMs: number[] = [];
  const unbundledMs: number[] = [];
  // Interleaved, so drift on the machine affects both alike.
  for (let i = 0; i < runs; i += 1) {
    bundledMs.push(await loadOnce(artifact.bundlePath, env));
    unbundledMs.push(await loadOnce(unbundled, env));
  }
  const figure = (stat: 'median' | 'p90', value: number, reference: number): Figure => {
    const ratio = ratioOf(value, reference);
    return {
      id: `load.${fn}.${stat}`,
      section: '2 Module load',
      label: `${fn}: require ${stat} (${runs} fresh processes)`,
      value,
      unit: 'ms',
      reference: { label: `unbundled from node_modules, ${stat}`, value: reference },
      ratio,
      ratioText: timesText(ratio, 'faster', 'slower'),
      goals: stat === 'median' ? [atMost(ratio, 0.5, '≤ ½ of unbundled')] : [],
      ...(stat === 'median' ? { note: LAMBDA_RUNTIME_INIT_NOTE } : {}),
    };
  };
  return {
    figures: [
      figure('median', median(bundledMs), median(unbundledMs)),
      figure('p90', percentile(bundledMs, 90), percentile(unbundledMs, 90)),
    ],
    details: {
      bundledMs,
      unbundledMs,
      baseline: 'handlers compiled to one CJS file, packages external (loaded from node_modules)',
    },
  };
}
