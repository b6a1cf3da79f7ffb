/**
 * Fake Lambda environment for every test file: what the runtime and serverless.yml would set.
 * The credentials are AWS's documented example keys; the tests never reach AWS (clients are mocked).
 */
import { TEST_CONFIG } from './helpers/config';

Object.assign(process.env, {
  AWS_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'xacct-ec2-test-instances',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  POWERTOOLS_DEV: 'true',
  POWERTOOLS_SERVICE_NAME: 'xacct-ec2',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  SERVICE_NAME: 'xacct-ec2',
  STAGE: 'test',
  STAGE_CONFIG: JSON.stringify(TEST_CONFIG),
  // serverless.yml gives the engine's starters its ARN (!Ref EngineStateMachine).
  ENGINE_STATE_MACHINE_ARN:
    'arn:aws:states:eu-west-1:111111111111:stateMachine:xacct-ec2-test-engine',
  // Should a test run on another Node than the pinned one, the SDK's version reminder is noise.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // Waiters poll every few milliseconds in tests.
  WAITER_MIN_DELAY_SECONDS: '0.001',
  WAITER_MAX_DELAY_SECONDS: '0.002',
});
