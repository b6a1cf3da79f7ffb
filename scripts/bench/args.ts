/** Command line of `npm run bench`: `--quick` for the CI smoke run, `--out <dir>` for the JSON. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../lib/repo-root';

export const SECTIONS = [
  'bundle',
  'load',
  'calls',
  'fanout',
  'throttled',
  'scale',
  'engine',
] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface BenchArgs {
  quick: boolean;
  outDir: string;
  /** Sections to run (all by default); bundle always runs, the others need its artifact. */
  only: SectionName[];
}

export function readArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      only: { type: 'string' },
    },
  });
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...SECTIONS];
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new Error(
      `--only: unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`,
    );
  }
  return {
    quick: values.quick ?? false,
    outDir: path.resolve(values.out ?? path.join(REPO_ROOT, '.bench')),
    only: only as SectionName[],
  };
}
