/**
 * Property 1: the request and body parsers never throw, hang or allocate without bound. The
 * property runs in a worker thread with a heap limit and a watchdog: an exhausted heap or a
 * hang ends the worker and fails this test, and the Jest worker running it survives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { WorkerReport } from './parser-worker';
import { NUM_RUNS, SEED } from './settings';

/** Far above what the property needs (seconds); only a hang reaches it. */
const WATCHDOG_MILLIS = 60_000;

let bundleDir: string;
let bundle: string;

beforeAll(async () => {
  bundleDir = mkdtempSync(path.join(tmpdir(), 'parser-property-'));
  bundle = path.join(bundleDir, 'parser-worker.cjs');
  await build({
    entryPoints: [path.join(__dirname, 'parser-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // As serverless.yml bundles: jsonc-parser's UMD build hides its requires from esbuild.
    mainFields: ['module', 'main'],
    outfile: bundle,
    logLevel: 'silent',
  });
  // Bundling is a child process's work: on a loaded 2-core machine it outlasts Jest's 5 s default.
}, 60_000);

afterAll(() => {
  rmSync(bundleDir, { recursive: true, force: true });
});

function runInWorker(): Promise<WorkerReport[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(bundle, {
      workerData: { numRuns: NUM_RUNS, seed: SEED },
      resourceLimits: { maxOldGenerationSizeMb: 384, maxYoungGenerationSizeMb: 64, stackSizeMb: 4 },
    });
    const watchdog = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`the parser property did not finish within ${WATCHDOG_MILLIS} ms: a hang`));
    }, WATCHDOG_MILLIS);
    worker.once('message', (reports: WorkerReport[]) => {
      clearTimeout(watchdog);
      void worker.terminate();
      resolve(reports);
    });
    worker.once('error', (err) => {
      clearTimeout(watchdog);
      reject(err);
    });
    worker.once('exit', (code) => {
      clearTimeout(watchdog);
      reject(new Error(`the parser worker exited with code ${code} before reporting`));
    });
  });
}

describe('Property: parsers', () => {
  it(
    'accept or return problems for every generated input; never throw, hang or exhaust the heap',
    async () => {
      // Act
      const reports = await runInWorker();

      // Assess
      expect(reports.map((r) => ({ name: r.name, failed: r.failed, error: r.error }))).toEqual(
        reports.map((r) => ({ name: r.name, failed: false, error: undefined })),
      );
      expect(reports).toHaveLength(2);
      expect(reports.every((r) => r.numRuns >= NUM_RUNS)).toBe(true);
    },
    WATCHDOG_MILLIS + 10_000,
  );
});
