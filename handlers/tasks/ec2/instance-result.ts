import type { ResourceOutcome } from '../../core/results';

/**
 * One instance's outcome inside the EC2 task, keyed by EC2's own name for the ID; the task hands
 * the engine `ResourceOutcome`s (`id`), see task.ts.
 */
export type InstanceResult = Omit<ResourceOutcome, 'id'> & { instanceId: string };
