import { SFNClient } from '@aws-sdk/client-sfn';
import { requireEnv } from '../config/env';

/**
 * Step Functions client at module scope, in the function's own Region (the engine is deployed
 * beside it). No `endpoint`: AWS_ENDPOINT_URL_SFN (the local endpoint) only works when left to
 * the SDK.
 */
export const stepFunctions = new SFNClient({ region: requireEnv('AWS_REGION'), maxAttempts: 3 });
