/**
 * The stages serverless.yml configures: every key of `params` except `default`, plus the
 * stage osls uses when none is given (`provider.stage: ${opt:stage, 'dev'}`), which is what
 * the `default` block configures on its own.
 */
import { readFileSync } from 'node:fs';
import { parseCfnYaml } from './cfn-yaml';
import { SERVERLESS_YML } from './paths';

/** `${opt:stage, 'dev'}` -> `dev`; a plain value is returned as is. */
export function fallbackOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\$\{opt:\w+,\s*['"]?([\w-]+)['"]?\s*\}$/.exec(value.trim());
  if (match) return match[1];
  return value.includes('${') ? undefined : value;
}

export function configuredStages(serverlessYml = readFileSync(SERVERLESS_YML, 'utf8')): string[] {
  const doc = parseCfnYaml(serverlessYml) as {
    params?: Record<string, unknown>;
    provider?: { stage?: unknown };
  };
  const defaultStage = fallbackOf(doc.provider?.stage) ?? 'dev';
  const named = Object.keys(doc.params ?? {}).filter((stage) => stage !== 'default');
  return [defaultStage, ...named.filter((stage) => stage !== defaultStage)];
}
