/**
 * Step Functions engine, first state: validates the request against this stage's targets
 * (before any AWS call) and cuts the targets into work items `{ batch: n }`.
 */
import { validateRequest } from '../aws/runtime';
import { InvalidRequestError } from '../contract/errors';
import { parseRunOrigin, type RunOrigin } from '../formats/origin';
import { planBatches, targetsPerBatch } from './batches';
import { readEngineSettings } from './settings';

const settings = readEngineSettings();

export interface PlanInput {
  request: unknown;
  /** The whole execution input: `{ request, origin? }` (an absent origin is a direct start). */
  execution?: { origin?: unknown };
}

export interface Plan {
  action: string;
  /** Who started the run; every worker attributes its AWS calls to it (SourceIdentity). */
  origin: RunOrigin;
  targets: number;
  targetsPerBatch: number;
  batches: Array<{ batch: number }>;
  /** Seconds between re-checks, and rounds at most (0 when the request does not wait). */
  waitSeconds: number;
  maxChecks: number;
}

export const handler = async (event: PlanInput): Promise<Plan> => {
  const request = validateRequest(event?.request);
  const origin = parseRunOrigin(event?.execution?.origin);
  if (!origin.ok) throw new InvalidRequestError(origin.problems);
  const waits = request.wait && !request.dryRun && request.action !== 'status';
  return {
    action: request.action,
    origin: origin.origin,
    targets: request.targets.length,
    targetsPerBatch: targetsPerBatch(settings.sizing),
    batches: planBatches(request.targets, settings.sizing),
    waitSeconds: settings.waitSeconds,
    maxChecks: waits ? settings.maxChecks : 0,
  };
};
