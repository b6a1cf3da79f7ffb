/**
 * 4. Fan-out wall time (this project, the naive Knowledge Center port, the lower bound), and
 * 6. peak RSS of the handler process over that run. Also what the run cost the endpoint, to
 * show it is not what limits the figure.
 */
import { fanOutBoundMs } from '../bounds';
import { startBenchEndpoint } from '../endpoint';
import { atMost, type Figure, ratioOf, timesText } from '../figure';
import { runNaive } from '../naive-run';
import type { Plan } from '../plan';
import { runProject } from '../project-run';
import { accountsOf } from '../world';
import type { Artifact } from './bundle';

const MAX_RSS_MB = 200;

export async function measureFanOut(artifact: Artifact, plan: Plan) {
  const { fanOut: shape, concurrency, latencyMs } = plan;
  const project = await runProject(artifact, shape, concurrency, latencyMs);
  const naiveEndpoint = await startBenchEndpoint(shape, { latencyMs });
  let naive: Awaited<ReturnType<typeof runNaive>>;
  let naiveCalls: number;
  try {
    naive = await runNaive(naiveEndpoint, shape);
    naiveCalls = naiveEndpoint.aws.calls.count();
  } finally {
    await naiveEndpoint.stop();
  }
  const wall = project.invoke.wallMs;
  const bound = fanOutBoundMs(shape.targets, concurrency, latencyMs);
  const where = `${accountsOf(shape)} accounts × ${shape.regionsPerAccount} regions × ${shape.instancesPerTarget} instances, ${latencyMs} ms/call, concurrency ${concurrency}`;
  const vsNaive = ratioOf(wall, naive.wallMs);
  const vsBound = ratioOf(wall, bound);
  const figures: Figure[] = [
    {
      id: 'fanout.vsNaive',
      section: '4 Fan-out',
      label: `stop ${shape.targets} targets (${where})`,
      value: wall,
      unit: 'ms',
      reference: { label: 'naive KC port, sequential', value: naive.wallMs },
      ratio: vsNaive,
      ratioText: timesText(vsNaive, 'faster', 'slower'),
      goals: [atMost(vsNaive, 1 / 20, '≥ 20× faster')],
    },
    {
      id: 'fanout.vsBound',
      section: '4 Fan-out',
      label: `same run vs ceil(${shape.targets}/${concurrency}) waves × 3 calls × ${latencyMs} ms`,
      value: wall,
      unit: 'ms',
      reference: { label: 'lower bound', value: bound },
      ratio: vsBound,
      goals: [atMost(vsBound, 1.5, '≤ 1.5× bound')],
    },
    {
      id: 'fanout.handlerCpu',
      section: '4 Fan-out',
      label: 'handler process CPU time in that run',
      value: project.invoke.cpuMs,
      unit: 'ms',
      reference: { label: 'wall time', value: wall },
      ratio: ratioOf(project.invoke.cpuMs, wall),
      goals: [],
    },
    {
      id: 'fanout.connections',
      section: '4 Fan-out',
      label: 'TCP connections opened by the handler in that run',
      value: project.invoke.connections,
      unit: 'count',
      reference: { label: 'one per call, no reuse', value: project.calls },
      ratio: ratioOf(project.invoke.connections, project.calls),
      goals: [],
    },
    {
      id: 'endpoint.cpuPerCall',
      section: '4 Fan-out',
      label: `local endpoint CPU per call (${project.calls} calls)`,
      value: project.endpointCpuMs / project.calls,
      unit: 'ms',
      goals: [],
    },
    {
      id: 'endpoint.busy',
      section: '4 Fan-out',
      label: 'local endpoint CPU busy share of the wall time (one core)',
      value: (100 * project.endpointCpuMs) / wall,
      unit: 'percent',
      goals: [atMost(project.endpointCpuMs / wall, 0.8, '< 80 % (not the bottleneck)')],
    },
    {
      id: 'memory.peakRss',
      section: '6 Memory',
      label: `peak RSS of the handler process, ${shape.targets} targets`,
      value: project.usage.maxRssMB,
      unit: 'MB',
      goals: [{ text: `< ${MAX_RSS_MB} MB`, met: project.usage.maxRssMB < MAX_RSS_MB }],
    },
  ];
  return {
    figures,
    details: {
      shape,
      concurrency,
      latencyMs,
      bound,
      project,
      naive: { ...naive, calls: naiveCalls },
    },
  };
}
