/**
 * 5. Throttled fan-out: one account and region with more instances than StopInstances' resource
 * bucket holds. Time until every instance is stopped, next to the bucket's own limit (the burst
 * goes at once, the rest at the refill rate). Instances stop the moment the call is accepted
 * (stoppingMs 0), so the time measured is the product's, not the simulated shutdown.
 */

import { DOCUMENTED_BUCKETS } from '../local-aws';
import { bucketFloorMs } from './bounds';
import type { Artifact } from './bundle';
import { startBenchEndpoint } from './endpoint';
import { atMost, type Figure, ratioOf } from './figure';
import { startHandler } from './handler-run';
import type { Plan } from './plan';
import { layout, type Shape, stageConfig } from './world';

export async function measureThrottled(artifact: Artifact, plan: Plan) {
  const { instances, bucket: override } = plan.throttled;
  const bucket = override ?? DOCUMENTED_BUCKETS['StopInstances:instances'];
  const shape: Shape = { targets: 1, regionsPerAccount: 1, instancesPerTarget: instances };
  const endpoint = await startBenchEndpoint(
    shape,
    {
      latencyMs: 0,
      throttling: true,
      ...(override ? { buckets: { 'StopInstances:instances': override } } : {}),
    },
    { stoppingMs: 0 },
  );
  const handler = await startHandler(artifact, endpoint, stageConfig(shape, plan.concurrency));
  try {
    const result = await handler.invoke({ action: 'stop' });
    const [account] = layout(shape);
    const states = endpoint.aws.world
      .instancesIn(account?.accountId ?? '', account?.regions[0] ?? '')
      .map((i) => i.state);
    const stopped = states.filter((s) => s === 'stopped').length;
    const notStopped = states.length - stopped;
    const floor = bucketFloorMs(instances, bucket);
    const ratio = ratioOf(result.wallMs, floor);
    const label = `${instances} instances, bucket ${bucket.capacity} + ${bucket.refillPerSecond}/s`;
    const figures: Figure[] = [
      {
        id: 'throttled.wall',
        section: '5 Throttled',
        label: `time to all stopped (${label})`,
        value: result.wallMs,
        unit: 'ms',
        reference: { label: 'bucket limit', value: floor },
        ratio,
        goals: [atMost(ratio, 1.2, '≤ 1.2× limit')],
      },
      {
        id: 'throttled.notStopped',
        section: '5 Throttled',
        label: 'instances not stopped at the end of the invocation',
        value: notStopped,
        unit: 'count',
        goals: [{ text: '= 0', met: notStopped === 0 }],
      },
    ];
    return {
      figures,
      details: { shape, bucket, floor, result, calls: endpoint.aws.calls.list() },
    };
  } finally {
    await handler.close();
    await endpoint.stop();
  }
}
