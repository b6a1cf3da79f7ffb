/**
 * The EC2 task's client for one target. No `endpoint` is set on purpose: AWS_ENDPOINT_URL_EC2
 * (used by the local test endpoint) only works when code leaves the endpoint to the SDK.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import type { CredentialProvider, SharedClientSettings } from '../../core/task';
import type { Target } from '../../core/types';

export function ec2ClientFor(
  { region }: Target,
  credentials: CredentialProvider,
  shared: SharedClientSettings,
): EC2Client {
  return new EC2Client({
    region,
    credentials,
    maxAttempts: shared.maxAttempts,
    retryMode: 'standard',
    requestHandler: shared.requestHandler,
  });
}
