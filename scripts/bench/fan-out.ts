/**
 * 4. Fan-out wall time: this project, the naive Knowledge Center port and the latency bound,
 * plus the CPU floors of both processes (what limits the run on this machine) and a concurrency
 * sweep; and 6. peak RSS of the handler process over the main run.
 */
import { fanOutBoundMs } from './bounds';
import type { Artifact } from './bundle';
import { startBenchEndpoint } from './endpoint';
import { floorFigures } from './fan-out-floors';
import { measureSweep } from './fan-out-sweep';
import { atMost, type Figure, ratioOf, timesText } from './figure';
import { runNaive } from './naive-run';
import type { Plan } from './plan';
import { type ProjectRun, runProject } from './project-run';
import { accountsOf, type Shape } from './world';

const MAX_RSS_MB = 200;
const SECTION = '4 Fan-out';

async function naiveRun(shape: Shape, latencyMs: number) {
  const endpoint = await startBenchEndpoint(shape, { latencyMs });
  try {
    const run = await runNaive(endpoint, shape);
    return { ...run, calls: endpoint.aws.calls.count() };
  } finally {
    await endpoint.stop();
  }
}

function headline(plan: Plan, project: ProjectRun, naiveMs: number, bound: number): Figure[] {
  const { fanOut: shape, concurrency, latencyMs } = plan;
  const wall = project.invoke.wallMs;
  const where = `${accountsOf(shape)} accounts × ${shape.regionsPerAccount} regions × ${shape.instancesPerTarget} instances, ${latencyMs} ms/call, concurrency ${concurrency}`;
  const vsNaive = ratioOf(wall, naiveMs);
  const vsBound = ratioOf(wall, bound);
  return [
    {
      id: 'fanout.vsNaive',
      section: SECTION,
      label: `stop ${shape.targets} targets (${where})`,
      value: wall,
      unit: 'ms',
      reference: { label: 'naive KC port, sequential', value: naiveMs },
      ratio: vsNaive,
      ratioText: timesText(vsNaive, 'faster', 'slower'),
      goals: [atMost(vsNaive, 1 / 20, '≥ 20× faster')],
    },
    {
      id: 'fanout.vsBound',
      section: SECTION,
      label: `same run vs ceil(${shape.targets}/${concurrency}) waves × 3 calls × ${latencyMs} ms`,
      value: wall,
      unit: 'ms',
      reference: { label: 'latency lower bound', value: bound },
      ratio: vsBound,
      goals: [atMost(vsBound, 1.5, '≤ 1.5× bound')],
    },
    {
      id: 'fanout.connections',
      section: SECTION,
      label: 'TCP connections the handler opened in that run',
      value: project.invoke.connections,
      unit: 'count',
      reference: { label: 'one per call, no reuse', value: project.calls },
      ratio: ratioOf(project.invoke.connections, project.calls),
      goals: [],
    },
  ];
}

function memoryFigure(shape: Shape, project: ProjectRun): Figure {
  return {
    id: 'memory.peakRss',
    section: '6 Memory',
    label: `peak RSS of the handler process, ${shape.targets} targets`,
    value: project.usage.maxRssMB,
    unit: 'MB',
    goals: [{ text: `< ${MAX_RSS_MB} MB`, met: project.usage.maxRssMB < MAX_RSS_MB }],
  };
}

function fanOutNotes(project: ProjectRun): string[] {
  const notes = [
    'Connections: against AWS each new connection is a TLS handshake (CPU the handler pays).',
  ];
  if (project.keepAliveHint !== undefined && project.keepAliveHint <= 1) {
    notes.push(
      `The local endpoint announces Keep-Alive: timeout=${project.keepAliveHint}; Node's agent keeps a 1 s margin below that hint, so it never reuses an idle connection here. Connections are reused only when a call is already waiting for one; AWS endpoints allow far longer idle times.`,
    );
  }
  return notes;
}

export async function measureFanOut(artifact: Artifact, plan: Plan) {
  const { fanOut: shape, concurrency, latencyMs } = plan;
  const project = await runProject(artifact, shape, concurrency, latencyMs);
  const naive = await naiveRun(shape, latencyMs);
  const bound = fanOutBoundMs(shape.targets, concurrency, latencyMs);
  const sweep = await measureSweep(artifact, plan);
  return {
    figures: [
      ...headline(plan, project, naive.wallMs, bound),
      ...floorFigures(project, bound),
      ...sweep.figures,
      memoryFigure(shape, project),
    ],
    notes: fanOutNotes(project),
    details: { shape, concurrency, latencyMs, bound, project, naive, sweep: sweep.details },
  };
}
