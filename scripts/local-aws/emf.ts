/** Datapoints out of Embedded Metric Format lines, as CloudWatch extracts them from a log. */

export interface Datapoint {
  namespace: string;
  metricName: string;
  /** The full dimension set: a metric is identified by all of its dimensions. */
  dimensions: Record<string, string>;
  value: number;
  /** Epoch milliseconds (`_aws.Timestamp`). */
  timestamp: number;
}

interface EmfDirective {
  Namespace?: unknown;
  Dimensions?: unknown;
  Metrics?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isEmf = (value: unknown): value is Record<string, unknown> =>
  isRecord(value) && isRecord(value._aws) && Array.isArray(value._aws.CloudWatchMetrics);

export function datapointsFromEmf(objects: readonly unknown[]): Datapoint[] {
  return objects.filter(isEmf).flatMap((emf) => {
    const meta = emf._aws as { Timestamp?: unknown; CloudWatchMetrics: EmfDirective[] };
    const timestamp = typeof meta.Timestamp === 'number' ? meta.Timestamp : Number.NaN;
    return meta.CloudWatchMetrics.flatMap((directive) => {
      if (typeof directive.Namespace !== 'string') return [];
      const namespace = directive.Namespace;
      const sets = Array.isArray(directive.Dimensions)
        ? (directive.Dimensions as unknown[][])
        : [[]];
      const metrics = Array.isArray(directive.Metrics)
        ? (directive.Metrics as Array<{ Name?: unknown }>)
        : [];
      return sets.flatMap((set) => {
        const dimensions = Object.fromEntries(
          set.map((name) => [String(name), String(emf[String(name)])]),
        );
        return metrics.flatMap((metric) => {
          if (typeof metric.Name !== 'string') return [];
          const raw = emf[metric.Name];
          const values = Array.isArray(raw) ? raw : [raw];
          return values
            .filter((v): v is number => typeof v === 'number')
            .map((value) => ({
              namespace,
              metricName: metric.Name as string,
              dimensions,
              value,
              timestamp,
            }));
        });
      });
    });
  });
}
