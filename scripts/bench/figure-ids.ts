/** The figures one run produces for a plan: the contract of .bench/*.json that CI checks. */
import type { Plan } from './plan';

/** Per engine fleet (section 8) and its cost (section 9). */
export const ENGINE_FIGURES = [
  'wall',
  'overhead',
  'workItems',
  'surveyItems',
  'recheckItems',
  'payload',
  'cpuPerTarget',
  'transitions',
  'outcomes',
  'notStopped',
  'children',
] as const;
export const COST_FIGURES = ['engine', 'onAws', 'onAwsSlowCalls', 'single', 'perTarget'] as const;

export function expectedFigureIds(plan: Plan): string[] {
  return [
    ...['instances', 'http'].flatMap((fn) => [`bundle.${fn}.js`, `bundle.${fn}.zip`]),
    'bundle.sdkFloor.zip',
    'load.instances.median',
    'load.instances.p90',
    'calls.assumeRole',
    'calls.describeInstances',
    'calls.stopInstances',
    'calls.warmAssumeRole',
    'fanout.vsNaive',
    'fanout.vsBound',
    'fanout.connections',
    'fanout.handlerCpu',
    'fanout.endpointCpu',
    'fanout.vsMachineFloor',
    ...plan.sweep.map((c) => `fanout.sweep.${c}`),
    'memory.peakRss',
    'throttled.wall',
    'throttled.notStopped',
    ...plan.scale.flatMap((t) => [
      `scale.${t}.wall`,
      `scale.${t}.calls`,
      `scale.${t}.memory`,
      `scale.${t}.log-line`,
      `scale.${t}.response`,
    ]),
    'scale.memoryGrowth',
    'scale.warm.first',
    'scale.warm.last',
    'scale.warm.keptPerAccount',
    ...plan.engine.fleets.flatMap((t) => [
      ...ENGINE_FIGURES.map((name) => `engine.${t}.${name}`),
      ...COST_FIGURES.map((name) => `cost.${t}.${name}`),
    ]),
    'engine.batch.memory',
    'engine.single.cpuPerTarget',
    'engine.single.memory',
    'cost.largestSingle.256',
    'cost.largestSingle.1769',
  ];
}
