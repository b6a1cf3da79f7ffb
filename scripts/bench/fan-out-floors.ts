/**
 * What limits the fan-out on this machine besides latency. The handler and the endpoint each run
 * on one core, so neither can finish before its own CPU time has passed: the larger of the two
 * CPU times and the latency bound is the best wall time this machine allows.
 */
import { type Figure, ratioOf } from './figure';
import type { ProjectRun } from './project-run';

const SECTION = '4 Fan-out';

export function floorFigures(project: ProjectRun, bound: number): Figure[] {
  const wall = project.invoke.wallMs;
  const handlerCpu = project.invoke.cpuMs;
  const endpointCpu = project.endpointCpuMs;
  const machineFloor = Math.max(bound, handlerCpu, endpointCpu);
  return [
    {
      id: 'fanout.handlerCpu',
      section: SECTION,
      label: `handler CPU time in that run (${(handlerCpu / project.calls).toFixed(2)} ms per call)`,
      value: handlerCpu,
      unit: 'ms',
      reference: { label: 'latency lower bound', value: bound },
      ratio: ratioOf(handlerCpu, bound),
      goals: [],
      note: 'Above 1.5 means the ≤ 1.5× bound goal is out of reach for this client on one core.',
    },
    {
      id: 'fanout.endpointCpu',
      section: SECTION,
      label: `local endpoint CPU time in that run (${(endpointCpu / project.calls).toFixed(2)} ms per call)`,
      value: endpointCpu,
      unit: 'ms',
      reference: { label: 'latency lower bound', value: bound },
      ratio: ratioOf(endpointCpu, bound),
      goals: [],
      note: 'The endpoint’s own floor: no client finishes these calls sooner on this machine.',
    },
    {
      id: 'fanout.vsMachineFloor',
      section: SECTION,
      label: 'same run vs max(latency bound, handler CPU, endpoint CPU)',
      value: wall,
      unit: 'ms',
      reference: { label: 'floor on this machine', value: machineFloor },
      ratio: ratioOf(wall, machineFloor),
      goals: [],
    },
  ];
}
