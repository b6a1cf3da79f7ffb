import { Metrics } from '@aws-lambda-powertools/metrics';
import { environment } from '../config/env';
import { metricsNamespace } from '../signals/contract';

/**
 * The one Metrics object of the function, at module scope like the logger. The namespace is the
 * service's (handlers/signals/contract.ts); the stage is a default dimension, the service one
 * Powertools adds itself.
 */
export const metrics = new Metrics({
  namespace: metricsNamespace(environment.serviceName),
  serviceName: environment.serviceName,
  defaultDimensions: { stage: environment.stage },
});
