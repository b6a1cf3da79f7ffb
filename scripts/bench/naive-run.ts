/** The naive Knowledge Center port (drivers/naive-kc.ts) against a bench endpoint. */
import { startDriver } from './child';
import type { NaiveParams } from './drivers/naive-kc';
import type { BenchEndpoint } from './endpoint';
import { CONTROL_TAG, HOME_REGION, layout, type Shape, TARGET_ROLE } from './world';

export async function runNaive(
  endpoint: BenchEndpoint,
  shape: Shape,
): Promise<{ wallMs: number; stopped: number }> {
  const params: NaiveParams = {
    homeRegion: HOME_REGION,
    tag: { ...CONTROL_TAG },
    targets: layout(shape).flatMap(({ accountId, regions }) =>
      regions.map((region) => ({
        roleArn: `arn:aws:iam::${accountId}:role/${TARGET_ROLE}`,
        region,
      })),
    ),
  };
  const driver = await startDriver('naive-kc', endpoint.childEnv);
  try {
    return await driver.call('run', params);
  } finally {
    await driver.close();
  }
}
