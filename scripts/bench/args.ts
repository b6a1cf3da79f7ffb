/**
 * Command line of `npm run bench`: `--quick` for the CI smoke run, `--out <dir>` for the JSON,
 * `--only` for a subset of the sections, `--scale` for the sizes of the scale curve.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../shared/repo-root';

export const SECTIONS = [
  'bundle',
  'load',
  'calls',
  'fanout',
  'throttled',
  'scale',
  'warm',
  'engine',
] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface BenchArgs {
  quick: boolean;
  outDir: string;
  /** Sections to run (all by default); bundle always runs, the others need its artifact. */
  only: SectionName[];
  /** Targets per point of the scale curve, instead of the plan's (to measure the sizes needed). */
  scale?: number[];
}

export function readArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      only: { type: 'string' },
      scale: { type: 'string' },
    },
  });
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SECTIONS];
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new Error(
      `--only: unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`,
    );
  }
  const scale = values.scale?.split(',').map((s) => Number(s.trim()));
  if (scale?.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(
      `--scale: ${values.scale} is not a list of target counts, e.g. --scale 100,4000`,
    );
  }
  return {
    quick: values.quick ?? false,
    outDir: path.resolve(values.out ?? path.join(REPO_ROOT, '.bench')),
    only: only as SectionName[],
    ...(scale ? { scale } : {}),
  };
}
