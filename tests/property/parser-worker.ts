/**
 * Property 1, run inside a worker thread (bundled by esbuild in parser.test.ts): the parsers
 * either accept or return problems, and never throw. The parent gives the worker a heap limit
 * and a watchdog, so a hang or a runaway allocation fails the test instead of the runner.
 */
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { parseJsonBody } from '../../handlers/contract/json-body';
import { ACTIONS, parseRequest } from '../../handlers/contract/request';
import { MAX_PROBLEMS, type Parsed, type Problem } from '../../handlers/formats/problems';
import { TEST_CONFIG } from '../helpers/config';
import { bodyText, hostileEvent } from './arbitraries';

export interface WorkerReport {
  name: string;
  numRuns: number;
  failed: boolean;
  seed: number;
  counterexamplePath?: string | null;
  error?: string;
}

function isProblemList(problems: readonly Problem[]): boolean {
  return (
    problems.length > 0 &&
    problems.length <= MAX_PROBLEMS &&
    problems.every(
      (p) =>
        typeof p.field === 'string' &&
        typeof p.message === 'string' &&
        // zod's bare texts say something is wrong but not what: each field must say it itself.
        !/^(Invalid input|Invalid key in record|Invalid element)?$/.test(p.message),
    )
  );
}

function acceptsOrExplains<T>(parsed: Parsed<T>, accepted: (value: T) => boolean): boolean {
  return parsed.ok ? accepted(parsed.value) : isProblemList(parsed.problems);
}

const { numRuns, seed } = workerData as { numRuns: number; seed: number };

const properties = [
  {
    name: 'parseRequest accepts a request or names its problems, for any event',
    property: fc.property(hostileEvent, (event) =>
      acceptsOrExplains(
        parseRequest(event, TEST_CONFIG),
        (request) =>
          (ACTIONS as readonly string[]).includes(request.action) && request.targets.length > 0,
      ),
    ),
  },
  {
    name: 'parseJsonBody accepts JSON without duplicate keys or names the problem, for any text',
    property: fc.property(bodyText, (text) => acceptsOrExplains(parseJsonBody(text), () => true)),
  },
];

const reports: WorkerReport[] = properties.map(({ name, property }) => {
  const details = fc.check(property, { numRuns, seed });
  return {
    name,
    numRuns: details.numRuns,
    failed: details.failed,
    seed: details.seed,
    counterexamplePath: details.counterexamplePath,
    ...(details.failed
      ? {
          error: `${details.errorInstance ?? ''} on ${fc.stringify(details.counterexample).slice(0, 2000)}`,
        }
      : {}),
  };
});
parentPort?.postMessage(reports);
