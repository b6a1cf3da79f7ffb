/**
 * The map in handlers/README.md ("Layers"), checked over the whole repository with no exceptions.
 * A cycle ties modules that can no longer be read, tested or replaced one without the other; an
 * import against the map's direction is the first step to one. Type-only imports count too.
 *
 * - handlers/ imports downwards only: formats, core, tasks, contract, config, signals, aws,
 *   engine, then the entry points (handlers/*.ts) on top; every folder of handlers/ is on the map.
 * - No folder imports in a circle, anywhere in handlers/, resources/ and scripts/.
 * - handlers/ imports neither resources/ nor scripts/; resources/ never imports scripts/.
 * - scripts/ holds tools, one folder each, and scripts/shared/: shared imports no tool, and a tool
 *   reaches another tool only through its face, scripts/<tool>/index.ts.
 * - The task port is closed: only a task's own folder (handlers/tasks/<task>/) and the registry
 *   (handlers/tasks/index.ts) import from it, and no generic file of handlers/ or resources/
 *   names an EC2-only concept in its code (SERVICE_WORDS; comments may give EC2 as an example).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findCycle, importsOf, sourceFiles } from '../../scripts/shared/import-graph';
import { REPO_ROOT } from '../../scripts/shared/repo-root';

/** Repository-relative paths with `/`: file to the files it imports. */
type Graph = ReadonlyMap<string, readonly string[]>;

/** handlers/, bottom to top; the files directly in handlers/ (the entry points) sit above all. */
const HANDLER_LAYERS = [
  'formats',
  'core',
  'tasks',
  'contract',
  'config',
  'signals',
  'aws',
  'engine',
] as const;
const ENTRY_POINTS = HANDLER_LAYERS.length;
const SHARED = 'shared';
const FACE = 'index.ts';

const relative = (file: string) => path.relative(REPO_ROOT, file).split(path.sep).join('/');

/** The import graph of handlers/, resources/ and scripts/ together (imports between them resolve). */
function repoGraph(): Graph {
  const files = ['handlers', 'resources', 'scripts'].flatMap((root) =>
    sourceFiles(path.join(REPO_ROOT, root)),
  );
  const known = new Set(files);
  return new Map(files.map((f) => [relative(f), importsOf(f, known).map(relative)]));
}

const edges = (graph: Graph) =>
  [...graph].flatMap(([from, imports]) => imports.map((to) => ({ from, to })));
const root = (file: string) => file.split('/')[0];

/** The layer of a handlers/ file (undefined: a folder the map does not show). */
function handlerLayer(file: string): number | undefined {
  const parts = file.split('/');
  if (parts.length === 2) return ENTRY_POINTS;
  const index = HANDLER_LAYERS.indexOf(parts[1] as (typeof HANDLER_LAYERS)[number]);
  return index < 0 ? undefined : index;
}

/** handlers/ files in no layer of the map, and imports from a lower layer to a higher one. */
function handlerLayerViolations(graph: Graph): string[] {
  const handlers = [...graph.keys()].filter((f) => root(f) === 'handlers');
  const unmapped = handlers
    .filter((f) => handlerLayer(f) === undefined)
    .map((f) => `${f}: its folder is on no layer of the map`);
  const upwards = edges(graph)
    .filter(({ from, to }) => root(from) === 'handlers' && root(to) === 'handlers')
    .filter(({ from, to }) => (handlerLayer(to) ?? -1) > (handlerLayer(from) ?? ENTRY_POINTS))
    .map(({ from, to }) => `${from} -> ${to}: imports a higher layer`);
  return [...unmapped, ...upwards];
}

/**
 * Every circle of folders (a file's folder, at any depth), one per line: each found circle is
 * reported, then one of its folder imports is set aside, until none is left.
 */
function folderCycles(graph: Graph): string[] {
  const folders = new Map<string, Set<string>>();
  for (const { from, to } of edges(graph)) {
    const [a, b] = [path.posix.dirname(from), path.posix.dirname(to)];
    if (a === b) continue;
    folders.set(a, (folders.get(a) ?? new Set()).add(b));
  }
  const circles: string[] = [];
  for (;;) {
    const cycle = findCycle(new Map([...folders].map(([f, to]) => [f, [...to]])));
    if (!cycle) return circles;
    circles.push(`${cycle.join(' -> ')}: folders import in a circle`);
    const [first = '', second = ''] = cycle;
    folders.get(first)?.delete(second);
  }
}

/** handlers/ imports neither resources/ nor scripts/; resources/ never imports scripts/. */
function rootViolations(graph: Graph): string[] {
  const below: Record<string, readonly string[]> = {
    handlers: ['handlers'],
    resources: ['handlers', 'resources'],
    scripts: ['handlers', 'resources', 'scripts'],
  };
  return edges(graph)
    .filter(({ from, to }) => !below[root(from) ?? '']?.includes(root(to) ?? ''))
    .map(({ from, to }) => `${from} -> ${to}: ${root(from)}/ may not import ${root(to)}/`);
}

/** scripts/shared/ imports no tool; a tool imports another tool only through its index.ts. */
function toolViolations(graph: Graph): string[] {
  const toolOf = (file: string) => {
    const parts = file.split('/');
    return parts[0] === 'scripts' && parts.length > 2 ? parts[1] : undefined;
  };
  const loose = [...graph.keys()]
    .filter((f) => root(f) === 'scripts' && toolOf(f) === undefined)
    .map((f) => `${f}: in no tool folder (scripts/<tool>/ or scripts/${SHARED}/)`);
  const crossings = edges(graph).flatMap(({ from, to }) => {
    const [mine, theirs] = [toolOf(from), toolOf(to)];
    if (mine === undefined || theirs === undefined || mine === theirs || theirs === SHARED) {
      return [];
    }
    if (mine === SHARED) return [`${from} -> ${to}: scripts/${SHARED}/ may not import a tool`];
    if (to === `scripts/${theirs}/${FACE}`) return [];
    return [`${from} -> ${to}: another tool's insides (use scripts/${theirs}/${FACE})`];
  });
  return [...loose, ...crossings];
}

const REGISTRY = 'handlers/tasks/index.ts';

/** The task whose folder holds a file (handlers/tasks/<task>/...), if any. */
const taskFolderOf = (file: string) => /^handlers\/tasks\/([^/]+)\//.exec(file)?.[1];

/** Imports into a task's folder from anywhere but that folder and the registry. */
function taskPortViolations(graph: Graph): string[] {
  return edges(graph).flatMap(({ from, to }) => {
    const task = taskFolderOf(to);
    if (task === undefined || taskFolderOf(from) === task || from === REGISTRY) return [];
    return [
      `${from} -> ${to}: reaches into task ${task}; use the task port (handlers/core/task.ts) through the registry`,
    ];
  });
}

/**
 * What only the EC2 task may say, in code (comments are stripped): its field and API names, its
 * IAM actions and resource type, its instance states where a state is compared or set, and the
 * `Instance`-named types, metrics and settings of the time before the port. The osls logical IDs
 * of the `instances` function (its name is the API's path, POST /instances/{action}) are not EC2's.
 */
const SERVICE_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b[iI]nstanceIds?\b/, 'an EC2 instance ID field'],
  [/\bec2:[A-Za-z*]/, 'an EC2 IAM action or resource type'],
  [
    /['"`](?:stopping|shutting-down)['"`]|\w*[sS]tate\w*\s*(?:===|!==|:)\s*['"`](?:pending|running|stopped|terminated)['"`]/,
    'an EC2 instance state',
  ],
  [/\b(?:Describe|Start|Stop)Instances/, 'an EC2 API call'],
  [
    /\bInstances?(?!LambdaFunction\b|AsyncInvokeConfig\b)[A-Z]\w*|Instances?PerRequest/,
    'an Instance-named type, metric or setting',
  ],
  [/\bEC2Client\b|@aws-sdk\/client-ec2/, 'the EC2 SDK client'],
];

/** The code of a TypeScript file without its comments (a `//` inside `://` is kept). */
const codeOf = (text: string) =>
  text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

/** Service words in the code of generic files (handlers/ and resources/, outside any task's folder). */
function serviceWordViolations(files: ReadonlyMap<string, string>): string[] {
  return [...files].flatMap(([file, text]) => {
    if (!['handlers', 'resources'].includes(root(file) ?? '') || taskFolderOf(file)) return [];
    return codeOf(text)
      .split('\n')
      .flatMap((line, index) =>
        SERVICE_WORDS.filter(([word]) => word.test(line)).map(
          ([word, what]) =>
            `${file}:${index + 1}: names ${what} (${line.match(word)?.[0]}); move it into the task behind the port`,
        ),
      );
  });
}

/** The text of every source file of handlers/ and resources/. */
function genericTexts(): Map<string, string> {
  const files = ['handlers', 'resources'].flatMap((r) => sourceFiles(path.join(REPO_ROOT, r)));
  return new Map(files.map((f) => [relative(f), readFileSync(f, 'utf8')]));
}

/** The folders of handlers/README.md's map, top to bottom (the lines `  name/  what it holds`). */
function mapInReadme(): string[] {
  const readme = readFileSync(path.join(REPO_ROOT, 'handlers', 'README.md'), 'utf8');
  const block = readme.split('## Layers')[1]?.split('```')[1] ?? '';
  return [...block.matchAll(/^ {2}([a-z-]+)\/ /gm)].map((m) => m[1] ?? '');
}

describe('layering: the rules catch each kind of mistake (planted in fixture graphs)', () => {
  const graph = (entries: Record<string, string[]>): Graph => new Map(Object.entries(entries));

  it('accepts a graph that keeps every rule', () => {
    // Prepare
    const clean = graph({
      'handlers/http.ts': ['handlers/engine/start.ts', 'handlers/aws/runtime.ts'],
      'handlers/engine/start.ts': ['handlers/aws/runtime.ts'],
      'handlers/aws/runtime.ts': ['handlers/tasks/index.ts', 'handlers/core/run.ts'],
      'handlers/tasks/index.ts': ['handlers/tasks/ec2/task.ts'],
      'handlers/tasks/ec2/task.ts': ['handlers/core/task.ts', 'handlers/formats/ids.ts'],
      'handlers/core/run.ts': ['handlers/core/task.ts'],
      'handlers/core/task.ts': [],
      'handlers/formats/ids.ts': [],
      'resources/home-stack/engine/machine.ts': ['handlers/formats/ids.ts'],
      'scripts/shared/graph.ts': ['resources/home-stack/engine/machine.ts'],
      'scripts/bench/main.ts': ['scripts/local-aws/index.ts', 'scripts/shared/graph.ts'],
      'scripts/local-aws/index.ts': ['scripts/local-aws/server.ts'],
      'scripts/local-aws/server.ts': ['scripts/shared/graph.ts', 'handlers/core/run.ts'],
    });

    // Act / Assess
    expect(handlerLayerViolations(clean)).toEqual([]);
    expect(folderCycles(clean)).toEqual([]);
    expect(rootViolations(clean)).toEqual([]);
    expect(toolViolations(clean)).toEqual([]);
  });

  it('refuses a lower handlers layer importing a higher one (the core reading the registry)', () => {
    // Prepare
    const upwards = graph({
      'handlers/core/run.ts': ['handlers/tasks/index.ts'],
      'handlers/tasks/index.ts': [],
    });

    // Act / Assess
    expect(handlerLayerViolations(upwards)).toEqual([
      'handlers/core/run.ts -> handlers/tasks/index.ts: imports a higher layer',
    ]);
  });

  it('refuses a handlers/ folder the map does not show', () => {
    // Prepare
    const unmapped = graph({
      'handlers/util/misc.ts': ['handlers/formats/ids.ts'],
      'handlers/formats/ids.ts': [],
    });

    // Act / Assess
    expect(handlerLayerViolations(unmapped)).toEqual([
      'handlers/util/misc.ts: its folder is on no layer of the map',
    ]);
  });

  it('refuses folders in a circle, a parent and its subfolder too, and lists every circle', () => {
    // Prepare
    const circles = graph({
      'resources/a/one.ts': ['resources/b/two.ts'],
      'resources/b/two.ts': ['resources/a/other.ts'],
      'resources/a/other.ts': [],
      'scripts/bench/main.ts': ['scripts/bench/drivers/drive.ts'],
      'scripts/bench/drivers/drive.ts': ['scripts/bench/world.ts'],
      'scripts/bench/world.ts': [],
    });

    // Act / Assess
    expect(folderCycles(circles)).toEqual([
      'resources/a -> resources/b -> resources/a: folders import in a circle',
      'scripts/bench -> scripts/bench/drivers -> scripts/bench: folders import in a circle',
    ]);
  });

  it('refuses handlers/ importing resources/ or scripts/, and resources/ importing scripts/', () => {
    // Prepare
    const across = graph({
      'handlers/config/env.ts': ['resources/home-stack/x.ts', 'scripts/shared/y.ts'],
      'resources/home-stack/x.ts': ['scripts/bench/z.ts'],
      'resources/home-stack/ok.ts': ['handlers/config/env.ts'],
    });

    // Act / Assess
    expect(rootViolations(across)).toEqual([
      'handlers/config/env.ts -> resources/home-stack/x.ts: handlers/ may not import resources/',
      'handlers/config/env.ts -> scripts/shared/y.ts: handlers/ may not import scripts/',
      'resources/home-stack/x.ts -> scripts/bench/z.ts: resources/ may not import scripts/',
    ]);
  });

  it("refuses scripts/shared/ importing a tool, a tool reaching another tool's insides, and a loose script", () => {
    // Prepare
    const tools = graph({
      'scripts/shared/stack.ts': ['scripts/local-aws/index.ts'],
      'scripts/bench/main.ts': ['scripts/local-aws/server.ts', 'scripts/local-aws/index.ts'],
      'scripts/local-aws/index.ts': ['scripts/local-aws/server.ts'],
      'scripts/local-aws/server.ts': [],
      'scripts/loose.ts': [],
    });

    // Act / Assess
    expect(toolViolations(tools)).toEqual([
      'scripts/loose.ts: in no tool folder (scripts/<tool>/ or scripts/shared/)',
      'scripts/shared/stack.ts -> scripts/local-aws/index.ts: scripts/shared/ may not import a tool',
      "scripts/bench/main.ts -> scripts/local-aws/server.ts: another tool's insides (use scripts/local-aws/index.ts)",
    ]);
  });
});

describe('layering: the task port rules catch each kind of mistake (planted)', () => {
  it('refuses an import into a task’s folder from a generic layer, another task or a tool, not from the registry', () => {
    // Prepare
    const graph = new Map<string, string[]>([
      ['handlers/tasks/index.ts', ['handlers/tasks/ec2/task.ts']],
      ['handlers/tasks/ec2/task.ts', ['handlers/tasks/ec2/wait.ts']],
      ['handlers/tasks/ec2/wait.ts', []],
      ['handlers/engine/recheck.ts', ['handlers/tasks/ec2/wait.ts', 'handlers/tasks/index.ts']],
      ['handlers/tasks/rds/task.ts', ['handlers/tasks/ec2/select.ts']],
      ['scripts/bench/world.ts', ['handlers/tasks/ec2/selector.ts']],
    ]);

    // Act / Assess
    expect(taskPortViolations(graph)).toEqual([
      'handlers/engine/recheck.ts -> handlers/tasks/ec2/wait.ts: reaches into task ec2; use the task port (handlers/core/task.ts) through the registry',
      'handlers/tasks/rds/task.ts -> handlers/tasks/ec2/select.ts: reaches into task ec2; use the task port (handlers/core/task.ts) through the registry',
      'scripts/bench/world.ts -> handlers/tasks/ec2/selector.ts: reaches into task ec2; use the task port (handlers/core/task.ts) through the registry',
    ]);
  });

  it('names every kind of EC2 word in generic code, and none in comments, task folders or the function’s logical IDs', () => {
    // Prepare: one planted line per kind, and the lines that must pass
    const files = new Map([
      [
        'handlers/signals/planted.ts',
        [
          'const id = resource.instanceId;',
          "const action = 'ec2:StopInstances';",
          "if (resource.currentState === 'pending') inTransit += 1;",
          "const waiting = ['stopping'];",
          'const call = new DescribeInstancesCommand({});',
          "metrics.addMetric('InstancesChanged', 1);",
          'const limit = config.maxInstancesPerRequest;',
          "import { EC2Client } from '@aws-sdk/client-ec2';",
        ].join('\n'),
      ],
      [
        'handlers/engine/fine.ts',
        [
          '// An EC2 start goes through `pending` (ec2:StartInstances, instanceId).',
          '/** InstancesChanged was the metric before ResourcesChanged. */',
          "const guard = { verdict: 'pending' };",
          "const url = 'https://example.com/instances/stop';",
        ].join('\n'),
      ],
      ['handlers/tasks/ec2/wait.ts', "if (state === 'pending') return { instanceId };"],
      ['resources/home-stack/signals/ids.ts', "const fn = 'InstancesLambdaFunction';"],
    ]);

    // Act
    const found = serviceWordViolations(files);

    // Assess
    expect(found.map((line) => line.replace(/;.*$/, ''))).toEqual([
      'handlers/signals/planted.ts:1: names an EC2 instance ID field (instanceId)',
      'handlers/signals/planted.ts:2: names an EC2 IAM action or resource type (ec2:S)',
      'handlers/signals/planted.ts:2: names an EC2 API call (StopInstances)',
      "handlers/signals/planted.ts:3: names an EC2 instance state (currentState === 'pending')",
      "handlers/signals/planted.ts:4: names an EC2 instance state ('stopping')",
      'handlers/signals/planted.ts:5: names an EC2 API call (DescribeInstances)',
      'handlers/signals/planted.ts:6: names an Instance-named type, metric or setting (InstancesChanged)',
      'handlers/signals/planted.ts:7: names an Instance-named type, metric or setting (InstancesPerRequest)',
      'handlers/signals/planted.ts:8: names the EC2 SDK client (EC2Client)',
    ]);
  });
});

describe('layering: the repository keeps the map', () => {
  const graph = repoGraph();

  it('reads the whole repository', () => {
    // Assess: the graph covers the three roots (a wrong root would pass every rule vacuously)
    const roots = new Set([...graph.keys()].map(root));
    expect([...roots].sort()).toEqual(['handlers', 'resources', 'scripts']);
    expect(graph.get('handlers/aws/runtime.ts')).toContain('handlers/core/run.ts');
  });

  it("handlers/README.md's map lists the layers this test checks, top to bottom", () => {
    // Act
    const map = mapInReadme();

    // Assess
    expect(map).toEqual([...HANDLER_LAYERS].reverse());
  });

  it('handlers/ imports downwards only, every folder on the map', () => {
    expect(handlerLayerViolations(graph)).toEqual([]);
  });

  it('no folder imports in a circle in handlers/, resources/ or scripts/', () => {
    expect(folderCycles(graph)).toEqual([]);
  });

  it('handlers/ imports neither resources/ nor scripts/; resources/ never imports scripts/', () => {
    expect(rootViolations(graph)).toEqual([]);
  });

  it('scripts/shared/ imports no tool; a tool imports another only through its index.ts', () => {
    expect(toolViolations(graph)).toEqual([]);
  });

  it('only a task’s own folder and the registry import from it', () => {
    expect(taskPortViolations(graph)).toEqual([]);
  });

  it('no generic file of handlers/ or resources/ names an EC2-only concept in its code', () => {
    // Prepare
    const texts = genericTexts();

    // Act / Assess: the scan sees the generic layers (an empty set would pass vacuously)
    expect(texts.has('handlers/engine/recheck.ts')).toBe(true);
    expect(serviceWordViolations(texts)).toEqual([]);
  });

  it('no handlers/ file imports in a circle, inside a folder either', () => {
    // Act
    const handlers = new Map([...graph].filter(([file]) => root(file) === 'handlers'));
    const cycle = findCycle(handlers);

    // Assess
    expect(cycle?.join(' -> ')).toBeUndefined();
  });
});
