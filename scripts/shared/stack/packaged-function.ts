/**
 * What a packaged function would run with: its environment as CloudFormation would set it. The
 * integration tests run the handlers in-process with exactly this (no stage config typed by hand).
 */
import type { RuntimeConfig } from '../../../handlers/config/stage-config';
import type { PackagedStage } from './packaged-stage';

/** The string variables of a function's Environment in the packaged template. */
export function packagedFunctionEnvironment(
  packaged: PackagedStage,
  functionKey: 'instances' | 'http' = 'instances',
): Record<string, string> {
  const name = `${packaged.service}-${packaged.stage}-${functionKey}`;
  const fn = Object.values(packaged.template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' && resource.Properties?.FunctionName === name,
  );
  if (!fn) throw new Error(`the packaged ${packaged.stage} stage has no function ${name}`);
  const variables =
    ((fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables as Record<string, unknown> | undefined) ?? {};
  return Object.fromEntries(
    Object.entries(variables).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** The stage configuration the function bundles carry (validated when they were packaged). */
export function packagedStageConfig(packaged: PackagedStage): RuntimeConfig {
  return JSON.parse(packaged.bundledConfigJson) as RuntimeConfig;
}
