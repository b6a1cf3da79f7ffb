/**
 * Lambda gives CPU in proportion to memory, one full vCPU at 1,769 MB (AWS Lambda Developer Guide,
 * "Configuring Lambda function memory"), and Node uses one core: CPU-bound work of cpuMs needs
 * cpuMs x 1769 / memory of wall time below that size. The stage check (single-invocation-limit.ts)
 * and the bench's cost model (scripts/bench/cost-model.ts) both count with it.
 */

/** Memory at which Lambda gives one full vCPU. */
export const FULL_VCPU_MB = 1769;

/** Wall time CPU-bound work takes at a memory size: Node uses one core at most. */
export function lambdaWallMs(cpuMs: number, memoryMb: number): number {
  return cpuMs / Math.min(1, memoryMb / FULL_VCPU_MB);
}
