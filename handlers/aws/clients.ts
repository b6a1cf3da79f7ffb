/**
 * EC2 clients for the target accounts, built on demand and memoised per (account, region).
 * The handler layer keeps one set at module scope, so a warm container reuses them.
 *
 * Each account gets ONE credential provider, shared by its region clients: the first client to
 * sign a request calls sts:AssumeRole, the others reuse the session, and the memo refreshes it
 * five minutes before it expires. A warm container therefore assumes each role about once per
 * session lifetime. Raw keys are never cached by hand.
 *
 * All clients share one keep-alive connection pool, sized to the fan-out's concurrency (see
 * `sharedConnections`).
 *
 * No `endpoint` is set here on purpose: AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL_STS (used by the
 * local test endpoint) only work when code leaves the endpoint to the SDK.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import {
  doesIdentityRequireRefresh,
  isIdentityExpired,
  memoizeIdentityProvider,
} from '@smithy/core';
import { type RuntimeConfig, targetRoleArn } from '../config/stage-config';
import { UnknownTargetError } from '../core/errors';
import type { Target } from '../core/types';
import { roleSessionName } from './session-name';

export interface TargetClientsOptions {
  config: Pick<
    RuntimeConfig,
    'targetRoleName' | 'targets' | 'sessionDurationSeconds' | 'concurrency'
  >;
  /** Region the function runs in: STS is called on its regional endpoint. */
  homeRegion: string;
  serviceName: string;
  stage: string;
  /**
   * The current invocation's request ID. Read when a session is opened, so each session's
   * RoleSessionName (seen in the target's CloudTrail) names the invocation that opened it.
   */
  requestId: () => string;
  /** Attempts per EC2 call, first try included (standard retry mode). */
  maxAttempts?: number;
}

export interface TargetClients {
  ec2For(target: Target): EC2Client;
  /** RoleSessionName of each account's current session (accounts not yet assumed are absent). */
  sessionNames(): Record<string, string>;
  /** Closes the clients' sockets; call when the invocation is done with them. */
  destroy(): void;
}

export const DEFAULT_EC2_MAX_ATTEMPTS = 5;
type CredentialProvider = NonNullable<EC2ClientConfig['credentials']>;
/** Role chaining (Lambda session -> target role) caps a session at one hour. */
const ROLE_CHAINING_MAX_SECONDS = 3600;
/** The SDK's default sockets per endpoint for one client; the shared pool never has fewer. */
export const MIN_SOCKETS_PER_ENDPOINT = 50;

/**
 * One keep-alive pool for every target client, and through them for AssumeRole (the credential
 * provider sends it with its caller's request handler). All accounts call the same regional
 * endpoints, so a connection opened for one target serves the next: one TCP+TLS handshake per
 * connection instead of one per (account, region). Sized to the fan-out: a shared pool capped at
 * the SDK's default of 50 sockets would queue every call beyond 50 in flight.
 */
export function sharedConnections(concurrency: number) {
  const options = { keepAlive: true, maxSockets: Math.max(MIN_SOCKETS_PER_ENDPOINT, concurrency) };
  return { httpAgent: new HttpAgent(options), httpsAgent: new HttpsAgent(options) };
}

export function createTargetClients(options: TargetClientsOptions): TargetClients {
  const { config, homeRegion } = options;
  const targets = new Map(config.targets.map((t) => [t.accountId, t]));
  const providers = new Map<string, CredentialProvider>();
  const clients = new Map<string, EC2Client>();
  const currentSessionNames = new Map<string, string>();
  const requestHandler = sharedConnections(config.concurrency);

  function credentialsFor(accountId: string): CredentialProvider {
    const existing = providers.get(accountId);
    if (existing) return existing;
    const target = targets.get(accountId);
    // A new inner provider per refresh: the memo below calls this only when a session is needed,
    // and the new session is named after the invocation that needed it.
    const assumeRole: CredentialProvider = (identityProperties) => {
      const sessionName = roleSessionName(options.serviceName, options.stage, options.requestId());
      currentSessionNames.set(accountId, sessionName);
      return fromTemporaryCredentials({
        params: {
          RoleArn: targetRoleArn(accountId, config.targetRoleName),
          RoleSessionName: sessionName,
          ...(target?.externalId ? { ExternalId: target.externalId } : {}),
          DurationSeconds: Math.min(config.sessionDurationSeconds, ROLE_CHAINING_MAX_SECONDS),
        },
        clientConfig: { region: homeRegion },
      })(identityProperties);
    };
    const memoised = memoizeIdentityProvider(
      assumeRole,
      isIdentityExpired,
      doesIdentityRequireRefresh,
    );
    // memoizeIdentityProvider only returns undefined for an undefined provider.
    const shared: CredentialProvider = memoised ?? assumeRole;
    providers.set(accountId, shared);
    return shared;
  }

  return {
    sessionNames: () => Object.fromEntries(currentSessionNames),
    ec2For({ accountId, region }: Target): EC2Client {
      const key = `${accountId}/${region}`;
      const existing = clients.get(key);
      if (existing) return existing;
      if (!targets.get(accountId)?.regions.some((r) => r === region)) {
        throw new UnknownTargetError(accountId, region);
      }
      const client = new EC2Client({
        region,
        credentials: credentialsFor(accountId),
        maxAttempts: options.maxAttempts ?? DEFAULT_EC2_MAX_ATTEMPTS,
        retryMode: 'standard',
        requestHandler,
      });
      clients.set(key, client);
      return client;
    },
    destroy(): void {
      for (const client of clients.values()) client.destroy();
      clients.clear();
      providers.clear();
      currentSessionNames.clear();
    },
  };
}
