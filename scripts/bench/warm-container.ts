/**
 * 7. Scale, over a container's life: one warm container serves a whole fleet in invocations of
 * `targetsPerInvocation` targets each, one after the other, as a schedule or a caller working
 * through the fleet would. Memory that follows the targets in flight stays flat from one
 * invocation to the next; what a container keeps between invocations is the session of each
 * account it has assumed into (aws/credentials.ts), and nothing per target. Beside the scale
 * curve, it tells the memory of a process that has run long (V8 has grown its heap and compiled
 * the hot code) from the memory of a large fleet in one invocation.
 */
import type { Artifact } from './bundle';
import { startBenchEndpoint } from './endpoint';
import { atMost, type Figure, ratioOf } from './figure';
import { startHandler } from './handler-run';
import type { Plan } from './plan';
import { layout, type Shape, stageConfig } from './world';

/** What one cached session may cost a warm container: its memo, credentials and name (bytes). */
export const MAX_KEPT_BYTES_PER_ACCOUNT = 3000;

export async function measureWarmContainer(artifact: Artifact, plan: Plan) {
  const { fleet, targetsPerInvocation } = plan.warm;
  const shape: Shape = { ...plan.fanOut, targets: fleet };
  const accounts = layout(shape).map((a) => a.accountId);
  const accountsPerInvocation = Math.max(
    1,
    Math.floor(targetsPerInvocation / shape.regionsPerAccount),
  );
  const endpoint = await startBenchEndpoint(shape, { latencyMs: plan.latencyMs });
  const handler = await startHandler(artifact, endpoint, stageConfig(shape, plan.concurrency));
  try {
    const invoke = (first: number) =>
      handler.invoke({
        action: 'stop',
        targets: { accounts: accounts.slice(first, first + accountsPerInvocation) },
      });
    let changed = (await invoke(0)).summary.changed ?? 0;
    const firstPeak = (await handler.usage()).maxRssMB;
    const firstLive = await handler.liveHeapBytes();
    let invocations = 1;
    for (
      let first = accountsPerInvocation;
      first < accounts.length;
      first += accountsPerInvocation
    ) {
      changed += (await invoke(first)).summary.changed ?? 0;
      invocations += 1;
    }
    // Every invocation did its whole share: a run that skipped targets would flatter the memory.
    const expected = fleet * shape.instancesPerTarget;
    if (changed !== expected) {
      throw new Error(
        `warm container: ${changed} instances stopped over ${invocations} invocations, not ${expected}`,
      );
    }
    const usage = await handler.usage();
    const lastLive = await handler.liveHeapBytes();
    const laterAccounts = accounts.length - accountsPerInvocation;
    const keptPerAccount = (lastLive - firstLive) / Math.max(1, laterAccounts);
    const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
    const figures: Figure[] = [
      {
        id: 'scale.warm.first',
        section: '7 Scale',
        label: `warm container: peak memory after its first invocation (${targetsPerInvocation} targets)`,
        value: firstPeak,
        unit: 'MB',
        goals: [],
      },
      {
        id: 'scale.warm.last',
        section: '7 Scale',
        label: `warm container: peak memory after ${invocations} invocations of ${targetsPerInvocation} targets (${fleet} in all)`,
        value: usage.maxRssMB,
        unit: 'MB',
        reference: { label: 'after the first', value: firstPeak },
        ratio: ratioOf(usage.maxRssMB, firstPeak),
        goals: [atMost(usage.maxRssMB, 256, '≤ 256 MB (serverless.yml memorySize)')],
      },
      {
        id: 'scale.warm.keptPerAccount',
        section: '7 Scale',
        label: `warm container: live heap kept per account between invocations (${mb(firstLive)} → ${mb(lastLive)} MB over ${laterAccounts} more accounts)`,
        value: keptPerAccount,
        unit: 'bytes',
        goals: [
          atMost(
            keptPerAccount,
            MAX_KEPT_BYTES_PER_ACCOUNT,
            `≤ ${MAX_KEPT_BYTES_PER_ACCOUNT / 1000} KB (its session)`,
          ),
        ],
      },
    ];
    return {
      figures,
      details: {
        shape,
        invocations,
        accountsPerInvocation,
        changed,
        firstPeak,
        firstLive,
        lastLive,
        usage,
      },
    };
  } finally {
    await handler.close();
    await endpoint.stop();
  }
}
