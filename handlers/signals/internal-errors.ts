/**
 * An HTTP request answered 500 (an internal error: a bug or an unexpected AWS answer, not a
 * refusal) counts in `HttpInternalErrors`, on its own EMF line with the service and stage only,
 * so its alarm fires however the run got there. Never throws: the 500 must still be answered.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from './contract';

export function countInternalError(metrics: Metrics, requestId?: string): void {
  try {
    const line = metrics.singleMetric();
    if (requestId !== undefined) line.addMetadata('requestId', requestId);
    line.addMetric(METRICS.httpInternalErrors, MetricUnit.Count, 1);
  } catch {
    // A metric that cannot be emitted must not turn the 500 into an unanswered request.
  }
}
