/**
 * One assumed-role session per target account, shared by every client of that account (all its
 * regions, all tasks): the first client to sign a request calls sts:AssumeRole, the others reuse
 * the session, and the memo refreshes it five minutes before it expires. A warm container
 * therefore assumes each role about once per session lifetime. Raw keys are never cached by hand.
 */
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import {
  doesIdentityRequireRefresh,
  isIdentityExpired,
  memoizeIdentityProvider,
} from '@smithy/core';
import type { RuntimeConfig } from '../config/stage-config';
import type { CredentialProvider } from '../core/task';
import { targetRoleArn } from '../formats/arn';
import { roleSessionName } from './session-name';

export interface AccountCredentialsOptions {
  config: Pick<RuntimeConfig, 'targetRoleName' | 'targets' | 'sessionDurationSeconds'>;
  /** Region the function runs in: STS is called on its regional endpoint. */
  homeRegion: string;
  serviceName: string;
  stage: string;
  /**
   * The current invocation's request ID. Read when a session is opened, so each session's
   * RoleSessionName (seen in the target's CloudTrail) names the invocation that opened it.
   */
  requestId: () => string;
}

/**
 * Who a session is for: the account, and the caller it was opened for (STS SourceIdentity, see
 * formats/source-identity.ts). A session carries its SourceIdentity for life, so one caller's
 * session must never serve another caller's request.
 */
export interface SessionOwner {
  accountId: string;
  sourceIdentity?: string | undefined;
}

/** The memo key of a session: one string per distinct owner (`|` is not a SourceIdentity character). */
export function sessionKey(owner: SessionOwner): string {
  return owner.sourceIdentity === undefined
    ? owner.accountId
    : `${owner.accountId}|${owner.sourceIdentity}`;
}

export interface AccountCredentials {
  /** The session of this account for this caller (none given: sent without SourceIdentity). */
  forAccount(accountId: string, sourceIdentity?: string): CredentialProvider;
  /** RoleSessionName of each account's current session for this caller (not yet assumed: absent). */
  sessionNames(sourceIdentity?: string): Record<string, string>;
  /** Forgets every session (the next call assumes the roles again). */
  clear(): void;
}

/** Role chaining (Lambda session -> target role) caps a session at one hour. */
const ROLE_CHAINING_MAX_SECONDS = 3600;
/** How often a new session looks for expired ones to let go. */
const SWEEP_INTERVAL_MS = 60_000;

export function createAccountCredentials(options: AccountCredentialsOptions): AccountCredentials {
  const { config } = options;
  const targets = new Map(config.targets.map((t) => [t.accountId, t]));
  const providers = new Map<string, CredentialProvider>();
  const currentSessionNames = new Map<string, { owner: SessionOwner; name: string }>();
  const expiresAt = new Map<string, number>();
  let nextSweep = 0;

  /**
   * A session past its expiry holds nothing a later call can use (that call assumes the role
   * again), so a warm container lets it go: it keeps the sessions of the last hour, not one for
   * every account and caller it ever served.
   */
  function sweepExpired(now: number): void {
    if (now < nextSweep) return;
    nextSweep = now + SWEEP_INTERVAL_MS;
    for (const [key, expiry] of expiresAt) {
      if (expiry > now) continue;
      providers.delete(key);
      currentSessionNames.delete(key);
      expiresAt.delete(key);
    }
  }

  function forAccount(accountId: string, sourceIdentity?: string): CredentialProvider {
    const owner: SessionOwner = { accountId, sourceIdentity };
    const key = sessionKey(owner);
    const existing = providers.get(key);
    if (existing) return existing;
    sweepExpired(Date.now());
    const target = targets.get(accountId);
    // A new inner provider per refresh: the memo below calls this only when a session is needed,
    // and the new session is named after the invocation that needed it.
    const assumeRole: CredentialProvider = async (identityProperties) => {
      const sessionName = roleSessionName(options.serviceName, options.stage, options.requestId());
      currentSessionNames.set(key, { owner, name: sessionName });
      const identity = await fromTemporaryCredentials({
        params: {
          RoleArn: targetRoleArn(accountId, config.targetRoleName),
          RoleSessionName: sessionName,
          ...(target?.externalId ? { ExternalId: target.externalId } : {}),
          ...(sourceIdentity === undefined ? {} : { SourceIdentity: sourceIdentity }),
          DurationSeconds: Math.min(config.sessionDurationSeconds, ROLE_CHAINING_MAX_SECONDS),
        },
        clientConfig: { region: options.homeRegion },
        // The caller's client config travels in identityProperties: AssumeRole then goes out
        // on that client's request handler, i.e. the shared keep-alive pool.
      })(identityProperties);
      expiresAt.set(key, identity.expiration?.getTime() ?? Number.POSITIVE_INFINITY);
      return identity;
    };
    const memoised = memoizeIdentityProvider(
      assumeRole,
      isIdentityExpired,
      doesIdentityRequireRefresh,
    );
    // memoizeIdentityProvider only returns undefined for an undefined provider.
    const shared: CredentialProvider = memoised ?? assumeRole;
    providers.set(key, shared);
    return shared;
  }

  return {
    forAccount,
    sessionNames: (sourceIdentity?: string) =>
      Object.fromEntries(
        [...currentSessionNames.values()]
          .filter(({ owner }) => owner.sourceIdentity === sourceIdentity)
          .map(({ owner, name }) => [owner.accountId, name]),
      ),
    clear(): void {
      providers.clear();
      currentSessionNames.clear();
      expiresAt.clear();
    },
  };
}
