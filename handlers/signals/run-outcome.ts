import type { RunSummary } from '../core/results';
import type { RunOutcome } from './contract';

/** A run failed if anything failed; it is incomplete if nothing failed but something was not reached. */
export function runOutcome(summary: RunSummary): RunOutcome {
  if (summary.failed > 0 || summary.targetsFailed > 0) return 'failed';
  if (summary.notProcessed > 0 || summary.targetsNotProcessed > 0) return 'incomplete';
  return 'succeeded';
}
