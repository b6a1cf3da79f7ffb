/**
 * The RDS task's client for one target, on the shared keep-alive pool and retry budget. No
 * `endpoint` is set on purpose: AWS_ENDPOINT_URL_RDS (the local test endpoint) only works when
 * code leaves the endpoint to the SDK.
 */
import { RDSClient } from '@aws-sdk/client-rds';
import type { CredentialProvider, SharedClientSettings } from '../../core/task';
import type { Target } from '../../core/types';

export function rdsClientFor(
  { region }: Target,
  credentials: CredentialProvider,
  shared: SharedClientSettings,
): RDSClient {
  return new RDSClient({
    region,
    credentials,
    maxAttempts: shared.maxAttempts,
    retryMode: 'standard',
    requestHandler: shared.requestHandler,
  });
}
