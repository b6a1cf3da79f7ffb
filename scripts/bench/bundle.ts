/**
 * 1. Bundle: each function's minified JS and zip from a real `sls package`, next to the same
 * handler built with serverless-esbuild's defaults in the same run.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { defaultBuild } from './default-build';
import { type EngineArtifacts, engineArtifacts } from './engine-artifacts';
import { extractZip } from './extract-zip';
import { atMost, type Figure, ratioOf, timesText } from './figure';
import { type EsbuildSettings, sdkFloor } from './sdk-floor';
import { slsPackage } from './sls-package';

export const FUNCTIONS = ['instances', 'http'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
const LOGICAL_IDS: Record<FunctionName, string> = {
  instances: 'InstancesLambdaFunction',
  http: 'HttpLambdaFunction',
};
/** Decimal kilobytes, as the goals and the size tables they come from count them. */
export const KB = 1000;
const MAX_JS = 900 * KB;
const MAX_ZIP = 260 * KB;
const MIN_SHRINK = 3;
/** AWS::Lambda::Function's MemorySize when the template sets none (CloudFormation reference). */
const LAMBDA_DEFAULT_MEMORY_MB = 128;

export interface Artifact {
  /** The packaged handler, extracted where no node_modules can be reached (as in /var/task). */
  bundlePath: string;
  /** The function's environment variables from the template (NODE_OPTIONS among them). */
  environment: Record<string, string>;
  /** The function's MemorySize from the template: Lambda's runtime sizes the V8 heap from it. */
  memoryMb: number;
  files: Array<{ name: string; size: number; compressedSize: number }>;
}

export interface BundleResult {
  figures: Figure[];
  artifacts: Record<FunctionName, Artifact>;
  /** The engine's state machine and functions from the same package (engine.ts). */
  engine: EngineArtifacts;
  details: Record<string, unknown>;
}

function figuresFor(
  fn: FunctionName,
  packaged: { js: number; zip: number },
  baseline: { jsBytes: number; zipBytes: number },
): Figure[] {
  const js = ratioOf(packaged.js, baseline.jsBytes);
  const zip = ratioOf(packaged.zip, baseline.zipBytes);
  return [
    {
      id: `bundle.${fn}.js`,
      section: '1 Bundle',
      label: `${fn}: minified JS`,
      value: packaged.js,
      unit: 'bytes',
      reference: { label: 'serverless-esbuild defaults', value: baseline.jsBytes },
      ratio: js,
      ratioText: timesText(js, 'smaller', 'larger'),
      goals: [atMost(packaged.js, MAX_JS, '≤ 900 KB'), atMost(js, 1 / MIN_SHRINK, '≥ 3× smaller')],
    },
    {
      id: `bundle.${fn}.zip`,
      section: '1 Bundle',
      label: `${fn}: zip artifact`,
      value: packaged.zip,
      unit: 'bytes',
      reference: { label: 'serverless-esbuild defaults', value: baseline.zipBytes },
      ratio: zip,
      ratioText: timesText(zip, 'smaller', 'larger'),
      goals: [
        atMost(packaged.zip, MAX_ZIP, '≤ 260 KB'),
        atMost(zip, 1 / MIN_SHRINK, '≥ 3× smaller'),
      ],
    },
  ];
}

export async function measureBundle(stage: string, workDir: string): Promise<BundleResult> {
  const packaged = await slsPackage(stage);
  try {
    const figures: Figure[] = [];
    const artifacts = {} as Record<FunctionName, Artifact>;
    const details: Record<string, unknown> = { slsPackageMs: packaged.durationMs };
    for (const fn of FUNCTIONS) {
      const resource = packaged.template.Resources[LOGICAL_IDS[fn]];
      const runtime = String(resource?.Properties.Runtime);
      const environment =
        (resource?.Properties.Environment as { Variables?: Record<string, string> } | undefined)
          ?.Variables ?? {};
      const zipPath = path.join(packaged.dir, `${fn}.zip`);
      const extracted = path.join(workDir, 'artifact', fn);
      const entries = await extractZip(zipPath, extracted);
      const js = entries.find((e) => e.name === `handlers/${fn}.js`);
      if (!js) throw new Error(`${fn}.zip holds no handlers/${fn}.js`);
      const baseline = await defaultBuild(fn, runtime, path.join(workDir, 'default', fn));
      const sizes = { js: js.size, zip: (await stat(zipPath)).size };
      figures.push(...figuresFor(fn, sizes, baseline));
      const files = entries.map(({ name, size, compressedSize }) => ({
        name,
        size,
        compressedSize,
      }));
      const memoryMb = Number(resource?.Properties.MemorySize ?? LAMBDA_DEFAULT_MEMORY_MB);
      artifacts[fn] = { bundlePath: path.join(extracted, js.name), environment, memoryMb, files };
      details[fn] = { runtime, packaged: sizes, files, default: baseline };
    }
    const floor = await sdkFloor(packaged.esbuild as EsbuildSettings, path.join(workDir, 'floor'));
    const baseline = (details.instances as { default: { zipBytes: number } }).default;
    const floorRatio = ratioOf(floor.zipBytes, baseline.zipBytes);
    figures.push({
      id: 'bundle.sdkFloor.zip',
      section: '1 Bundle',
      label: 'floor: the SDK calls alone, same options, zipped',
      value: floor.zipBytes,
      unit: 'bytes',
      reference: { label: 'instances, serverless-esbuild defaults', value: baseline.zipBytes },
      ratio: floorRatio,
      ratioText: timesText(floorRatio, 'smaller', 'larger'),
      goals: [],
      note: 'No handler of this SDK version can zip smaller than this with these options.',
    });
    details.sdkFloor = { ...floor, esbuild: packaged.esbuild };
    const engine = await engineArtifacts(packaged, path.join(workDir, 'artifact'));
    return { figures, artifacts, engine, details };
  } finally {
    await packaged.remove();
  }
}
