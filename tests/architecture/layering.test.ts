/**
 * The handler code is layered (formats, contract, config, core, tasks, aws, entry points; see
 * handlers/README.md) and has no import cycles: a cycle means two modules that cannot be
 * understood, tested or replaced one without the other. Type-only imports count too.
 */
import path from 'node:path';
import { findCycle, importGraph } from '../../scripts/shared/import-graph';
import { REPO_ROOT } from '../../scripts/shared/repo-root';

const HANDLERS = path.join(REPO_ROOT, 'handlers');

/** Bottom to top; `engine` is handlers/core/run.ts, merge.ts and survey.ts, above the tasks they drive. */
const LAYERS = ['formats', 'core', 'tasks', 'contract', 'config', 'engine', 'signals', 'aws'];

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
    const graph = importGraph(HANDLERS);

    // Act
    const cycle = findCycle(graph);

    // Assess
    expect(graph.size).toBeGreaterThan(20);
    expect(cycle?.map((f) => path.relative(REPO_ROOT, f)).join(' -> ')).toBeUndefined();
  });

  it('imports only downwards: formats, core, tasks, contract, config, engine, signals, aws, entry points', () => {
    // Prepare
    const graph = importGraph(HANDLERS);
    const rank = (file: string): number => {
      const [top = '', second] = path.relative(HANDLERS, file).split(path.sep);
      if (second === undefined) return LAYERS.length; // handlers/*.ts: the entry points
      // handlers/engine/: the Step Functions engine's entry points and the pieces only they use.
      if (top === 'engine') return LAYERS.length;
      if (top === 'core' && ['run.ts', 'merge.ts', 'survey.ts'].includes(second)) {
        return LAYERS.indexOf('engine');
      }
      return LAYERS.indexOf(top);
    };

    // Act
    const upwards = [...graph].flatMap(([file, imports]) =>
      imports
        .filter((imported) => rank(imported) > rank(file))
        .map(
          (imported) =>
            `${path.relative(REPO_ROOT, file)} -> ${path.relative(REPO_ROOT, imported)}`,
        ),
    );

    // Assess
    expect([...graph.keys()].filter((f) => rank(f) < 0)).toEqual([]);
    expect(upwards).toEqual([]);
  });
});
