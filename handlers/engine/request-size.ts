/**
 * How large a request the engine carries. The request travels in every state of the parent
 * beside the plan, the groups and a phase's collected results, and a state over Step Functions'
 * 256 KiB fails the execution with States.DataLimitExceeded, which no Catch sees: the run would
 * end without its Run Summary. 24 KiB holds the 1,000 instance IDs a request may name; a larger
 * set is selected by tag. README, Limits (tests/unit/engine/state-payloads.test.ts adds up the
 * largest states, a summary step's caught error of 32 KiB included).
 */
import { InvalidRequestError } from '../contract/errors';
import type { Problem } from '../formats/problems';

export const MAX_ENGINE_REQUEST_BYTES = 24 * 1024;

/** The problem with a request too large for the engine, or none. */
export function engineRequestSizeProblem(request: unknown): Problem | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(request) ?? '');
  if (bytes <= MAX_ENGINE_REQUEST_BYTES) return undefined;
  return {
    field: 'request',
    message: `is ${bytes} bytes of JSON, more than the ${MAX_ENGINE_REQUEST_BYTES} an engine run carries in each of its states; select the resources by tag, or split the IDs over several runs`,
  };
}

/** Throws InvalidRequestError, before any AWS call, for a request too large for the engine. */
export function requireEngineSizedRequest(request: unknown): void {
  const tooLarge = engineRequestSizeProblem(request);
  if (tooLarge) throw new InvalidRequestError([tooLarge]);
}
