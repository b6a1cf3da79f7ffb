import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { environment } from '../config/env';

/**
 * EventBridge client for the home account's default bus, at module scope. Short timeouts and
 * few attempts: an event that cannot be sent is reported, and must not eat the invocation's time.
 * No `endpoint`: AWS_ENDPOINT_URL_EVENTBRIDGE (the local endpoint) only works when left to the SDK.
 */
export const eventBridge = new EventBridgeClient({
  region: environment.homeRegion,
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
});
