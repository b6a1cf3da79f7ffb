/**
 * What to package: every stage serverless.yml configures, each as the file stands and once more
 * per engine switch flipped. A stage chooses its engine and schedule paths through the boolean
 * settings under `custom.engine` (e.g. `runSchedules`: schedules start engine runs instead of
 * invoking the function), so each of them, whatever it is named, is packaged both ways.
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { parseCfnYaml } from '../lib/policies/cfn-yaml';
import { SERVERLESS_YML } from '../lib/policies/paths';
import { configuredStages } from '../lib/policies/stages';
import { isRecord } from './cfn-shape';

export interface PackagingVariant {
  stage: string;
  /** `custom.engine.runSchedules: true`; undefined for serverless.yml as it stands. */
  setting?: string;
  /** The modified serverless.yml; undefined for the file itself. */
  serverlessYml?: string;
}

/** serverless.yml with each boolean under custom.engine flipped, one document per setting. */
export function engineSwitchVariants(
  serverlessYml: string,
): { setting: string; serverlessYml: string }[] {
  const doc = parseCfnYaml(serverlessYml) as { custom?: { engine?: unknown } };
  const engine = doc.custom?.engine;
  if (!isRecord(engine)) return [];
  return Object.entries(engine)
    .filter((entry): entry is [string, boolean] => typeof entry[1] === 'boolean')
    .map(([key, value]) => {
      const changed = parseCfnYaml(serverlessYml) as {
        custom: { engine: Record<string, unknown> };
      };
      changed.custom.engine[key] = !value;
      return {
        setting: `custom.engine.${key}: ${!value}`,
        // Long-form intrinsics (`Fn::Sub:`) are valid serverless.yml, so a plain dump round-trips.
        serverlessYml: yaml.dump(changed, { lineWidth: -1, noRefs: true }),
      };
    });
}

export function packagingVariants(
  serverlessYml = readFileSync(SERVERLESS_YML, 'utf8'),
): PackagingVariant[] {
  const switches = engineSwitchVariants(serverlessYml);
  return configuredStages(serverlessYml).flatMap((stage) => [
    { stage },
    ...switches.map((variant) => ({ stage, ...variant })),
  ]);
}
