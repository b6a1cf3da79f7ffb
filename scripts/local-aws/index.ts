/** Public surface of the local STS + EC2 endpoint (dev/test only; never bundled into the Lambda). */

export { generatedRoleName } from '../shared/stack/cfn-names';
export { alarmsOfTemplate, alarmTimeline, raisesAlarm } from './alarm-evaluator';
export {
  type AuthorizerFactory,
  type AuthorizerFactoryContext,
  AuthorizerUnavailableError,
  loadAuthorizer,
  POLICY_AUTHORIZER_MODULE,
  policyWorldFromSeed,
  REPO_ROOT,
  type SeedPolicyWorld,
} from './authorizer-source';
export type { CallCount, CallFilter, CallRecord } from './call-counters';
export { type AdjustableClock, type Clock, ManualClock, TravelClock } from './clock';
export type { TemporaryCredentials } from './credentials';
export { datapointsFromEmf, isEmf } from './emf';
export type { RecordedEvent } from './events-store';
export { DEFAULT_FAULTS, type FaultPatch, type FaultSettings } from './faults';
export type { InstanceView } from './instances';
export type { LocalFunctionHandler, LocalFunctions, LocalInvocation } from './lambda-functions';
export { DEFAULT_SEED_PATH, loadSeedFile, parseSeed, SeedError } from './load-seed';
export {
  type EngineHandlers,
  type EventLog,
  lambdaContext,
  runEngineLocally,
} from './local-engine';
export type { OrganizationSeed } from './organizations-model';
export { putEventsIntegration } from './put-events-integration';
export {
  type DeadLetter,
  type FiringAttempt,
  type ScheduleFiring,
  SchedulerFiring,
  scheduleGroupArn,
} from './scheduler-firing';
export {
  SchedulerSeedError,
  schedulesFromTemplate,
  type TemplateContext,
} from './scheduler-seed';
export {
  type ScheduleSeed,
  type ScheduleState,
  ScheduleStore,
  type StoredSchedule,
} from './scheduler-store';
export {
  realEc2Timings,
  type Seed,
  type SeedInput,
  type TargetRoleParameters,
  type WorldSettings,
} from './seed-schema';
export { credentialsOf } from './sessions';
export { type LocalAws, type StartLocalAwsOptions, startLocalAws } from './start-local-aws';
export {
  type ExecutionRecord,
  type ExecutionStatus,
  executionArnOf,
  type LocalStateMachine,
  StateMachineExecutions,
} from './states-executions';
export { DOCUMENTED_BUCKETS } from './throttling';
