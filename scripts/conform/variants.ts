/**
 * What to package: every stage serverless.yml configures, as the file stands, and once more per
 * other path the stage could choose for its schedules and engine runs:
 *
 * - each boolean under `custom.engine`, flipped (service-wide engine switches);
 * - each choice-valued stage param (an enum of the stage-config schema,
 *   handlers/config/stage-config.ts) that picks a schedule or engine path, e.g. `scheduledRuns`
 *   (`engine` or `single-invocation`), set to each value the stage does not use.
 *
 * None is named here: a new switch or choice is packaged both ways by itself. A choice the stage
 * cannot make (packaging refuses it, naming the param) is reported as such, not as a finding.
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { stageConfigSchema } from '../../handlers/config/stage-config';
import { parseCfnYaml } from '../shared/stack/cfn-yaml';
import { SERVERLESS_YML } from '../shared/stack/paths';
import { configuredStages } from '../shared/stack/stages';
import { isRecord } from './cfn-shape';

export interface PackagingVariant {
  stage: string;
  /** `custom.engine.x: true`, `params.scheduledRuns: single-invocation`; undefined as it stands. */
  setting?: string;
  /** The param the variant sets: packaging may refuse it for this stage. */
  param?: string;
  /** The modified serverless.yml; undefined for the file itself. */
  serverlessYml?: string;
}

/** Stage params that choose the path schedules and engine runs take. */
const PATH_PARAM = /schedul|engine/i;

// Long-form intrinsics (`Fn::Sub:`) are valid serverless.yml, so a plain dump round-trips.
const dump = (doc: unknown) => yaml.dump(doc, { lineWidth: -1, noRefs: true });

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
      return { setting: `custom.engine.${key}: ${!value}`, serverlessYml: dump(changed) };
    });
}

/** The enum params of the stage-config schema that choose a path: name -> values and default. */
export function pathParamChoices(): Map<string, { values: string[]; fallback?: string }> {
  const choices = new Map<string, { values: string[]; fallback?: string }>();
  for (const [name, field] of Object.entries(stageConfigSchema.shape)) {
    if (!PATH_PARAM.test(name)) continue;
    // Zod's definitions: `default` and `optional` wrap an inner type; `enum` lists its entries.
    type Def = {
      type: string;
      innerType?: { def: unknown };
      defaultValue?: unknown;
      entries?: Record<string, string>;
    };
    let type = field as unknown as { def: unknown };
    let fallback: string | undefined;
    for (;;) {
      const def = type.def as Def;
      if (def.type === 'default' && typeof def.defaultValue === 'string')
        fallback = def.defaultValue;
      if (!def.innerType) break;
      type = def.innerType;
    }
    const def = type.def as Def;
    if (def.type === 'enum' && def.entries) {
      choices.set(name, { values: Object.values(def.entries), ...(fallback ? { fallback } : {}) });
    }
  }
  return choices;
}

function paramVariants(serverlessYml: string, stage: string): PackagingVariant[] {
  const doc = parseCfnYaml(serverlessYml) as {
    params?: Record<string, Record<string, unknown> | null>;
  };
  const params = doc.params ?? {};
  const variants: PackagingVariant[] = [];
  for (const [name, { values, fallback }] of pathParamChoices()) {
    const current = params[stage]?.[name] ?? params.default?.[name] ?? fallback;
    for (const value of values.filter((v) => v !== current)) {
      const changed = parseCfnYaml(serverlessYml) as {
        params: Record<string, Record<string, unknown>>;
      };
      changed.params[stage] = { ...(changed.params[stage] ?? {}), [name]: value };
      variants.push({
        stage,
        setting: `params.${name}: ${value}`,
        param: name,
        serverlessYml: dump(changed),
      });
    }
  }
  return variants;
}

export function packagingVariants(
  serverlessYml = readFileSync(SERVERLESS_YML, 'utf8'),
): PackagingVariant[] {
  const switches = engineSwitchVariants(serverlessYml);
  return configuredStages(serverlessYml).flatMap((stage) => [
    { stage },
    ...switches.map((variant) => ({ stage, ...variant })),
    ...paramVariants(serverlessYml, stage),
  ]);
}
