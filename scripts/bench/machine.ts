import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import type { Machine } from './figure';

/** What the numbers were measured on: they only compare within one machine and one run. */
export function describeMachine(): Machine {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${platform()} ${release()}`,
    totalMemoryMB: Math.round(totalmem() / 2 ** 20),
  };
}
