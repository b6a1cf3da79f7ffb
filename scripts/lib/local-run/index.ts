/** Running the service against the local AWS endpoint: shared by npm start, npm run offline, the tests and the benchmark. */
export { colourFor, type Paint, painter, type Style } from './ansi';
export { callerAwsEnvironment, cliEnvironment, type Env } from './cli-env';
export { expectationsFor, surprisesIn, type WorldExpectations } from './expectations';
export { freePort } from './free-port';
export { type InvokeLocalOptions, type InvokeLocalRun, invokeLocal } from './invoke-local';
export { InvokeOutputError, isRunResult, jsonValuesIn, runResultFrom } from './invoke-output';
export {
  FAST_TRANSITIONS,
  type LocalEndpoint,
  type LocalEndpointOptions,
  type LocalEndpointReady,
  startLocalEndpoint,
} from './local-endpoint';
export { type Offline, type OfflineOptions, startOffline } from './offline';
export { packagedFunctionEnvironment, packagedStageConfig } from './packaged-function';
export {
  type PackagedStage,
  type PackagedStageOptions,
  type PackagedStageResult,
  packagedStage,
  packagingKey,
} from './packaged-stage';
export { type RenderOptions, renderRunResult, summaryLine, wrap } from './result-table';
export { createServiceDir, type ServiceDir, type ServiceDirOptions } from './service-dir';
export {
  describeRun,
  runCommand,
  runSls,
  SLS_ENTRY,
  type SlsRunOptions,
  type SlsRunResult,
  type SlsServer,
  type SlsServerOptions,
  startSls,
  TSX_CLI,
} from './sls-cli';
