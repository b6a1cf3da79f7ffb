import {
  LAMBDA_ENVIRONMENT_LIMIT_BYTES,
  type StageConfig,
  toRuntimeConfig,
} from '../../../handlers/config/stage-config';
import { StageConfigError } from './stage-config-error';

/** Room left for the other variables serverless.yml sets. */
const OTHER_VARIABLES_BYTES = 512;

/** The runtime copy of the config, as one JSON environment variable (Lambda allows 4 KB in all). */
export function runtimeEnvironment(stage: string, config: StageConfig): string {
  const json = JSON.stringify(toRuntimeConfig(config));
  const bytes = Buffer.byteLength(json);
  if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES - OTHER_VARIABLES_BYTES) {
    throw new StageConfigError(stage, [
      {
        field: 'params.targets',
        message: `the configuration takes ${bytes} bytes, more than fits in Lambda's 4 KB environment; shorten ExternalIds or split the targets across stages`,
      },
    ]);
  }
  return json;
}
