/**
 * The handler code is layered (formats, contract, config, core, tasks, aws, entry points; see
 * handlers/README.md) and has no import cycles: a cycle means two modules that cannot be
 * understood, tested or replaced one without the other. Type-only imports count too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/sls';

const HANDLERS = path.join(REPO_ROOT, 'handlers');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'/g;

/** Relative imports of one file, resolved to files (`./x` -> x.ts or x/index.ts). */
function importsOf(file: string, known: ReadonlySet<string>): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2];
    if (!spec?.startsWith('.')) continue;
    const base = path.resolve(path.dirname(file), spec);
    const resolved = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => known.has(f));
    if (!resolved) throw new Error(`${file}: cannot resolve import '${spec}'`);
    out.push(resolved);
  }
  return out;
}

/** The first cycle found in a graph, as a path that starts and ends at the same node. */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('handlers: import graph', () => {
  it('finds a cycle in a graph that has one, and none in a graph without', () => {
    // Prepare
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    const acyclic = new Map([
      ['a', ['b', 'c']],
      ['b', ['c']],
      ['c', []],
    ]);

    // Act / Assess
    expect(findCycle(cyclic)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(acyclic)).toBeUndefined();
  });

  it('has no import cycles among handlers/**/*.ts', () => {
    // Prepare
    const files = sourceFiles(HANDLERS);
    const known = new Set(files);
    const graph = new Map(files.map((f) => [f, importsOf(f, known)]));

    // Act
    const cycle = findCycle(graph);

    // Assess
    expect(files.length).toBeGreaterThan(20);
    expect(cycle?.map((f) => path.relative(REPO_ROOT, f)).join(' -> ')).toBeUndefined();
  });
});
