/** Running the service against the local AWS endpoint: shared by npm start, npm run offline, the tests and the benchmark. */

export { callerAwsEnvironment, cliEnvironment, type Env } from '../shared/stack/cli-env';
export {
  packagedFunctionEnvironment,
  packagedStageConfig,
} from '../shared/stack/packaged-function';
export {
  type PackagedStage,
  type PackagedStageOptions,
  type PackagedStageResult,
  packagedStage,
  packagingKey,
} from '../shared/stack/packaged-stage';
export {
  createServiceDir,
  type ServiceDir,
  type ServiceDirOptions,
} from '../shared/stack/service-dir';
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
} from '../shared/stack/sls-cli';
export { colourFor, type Paint, painter, type Style } from './ansi';
export { expectationsFor, surprisesIn, type WorldExpectations } from './expectations';
export { freePort } from './free-port';
export { type InvokeLocalOptions, type InvokeLocalRun, invokeLocal } from './invoke-local';
export { InvokeOutputError, isRunResult, jsonValuesIn, runResultFrom } from './invoke-output';
export {
  FAST_TRANSITIONS,
  FAST_WAITER,
  type LocalEndpoint,
  type LocalEndpointOptions,
  type LocalEndpointReady,
  startLocalEndpoint,
} from './local-endpoint';
export { type Offline, type OfflineOptions, startOffline } from './offline';
export { type RenderOptions, renderRunResult, summaryLine, wrap } from './result-table';
