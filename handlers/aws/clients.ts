/**
 * Target clients, built on demand and memoised per (task, account, region, source identity) in a
 * cache bounded by the fan-out's concurrency, so a run holds the clients of its in-flight targets,
 * not one per target of the fleet (about 20 KB each: 10,000 targets would hold 200 MB). The
 * handler layer keeps one set at module scope; the sessions behind the clients stay cached per
 * account (./credentials), so a warm container assumes no role again even when it rebuilds a
 * client the cache let go.
 *
 * Credentials come from ./credentials (one session per account, shared by all its clients);
 * the client itself comes from the task (its service's SDK client). All clients share one
 * keep-alive connection pool, sized to the fan-out's concurrency (see `sharedConnections`).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { RuntimeConfig } from '../config/stage-config';
import { UnknownTargetError } from '../core/errors';
import type { Destroyable, SharedClientSettings, Task } from '../core/task';
import type { Target } from '../core/types';
import { createAccountCredentials } from './credentials';

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
  /** Attempts per call, first try included (standard retry mode). */
  maxAttempts?: number;
  /** Clients kept at once (default: CLIENTS_PER_CONCURRENCY x the config's concurrency). */
  maxClients?: number;
}

export interface TargetClients {
  /** The task's client for a target (memoised, bounded); throws UnknownTargetError outside the config. */
  clientFor<Client extends Destroyable>(
    task: Task<Client, object, unknown>,
    target: Target,
    sourceIdentity?: string,
  ): Client;
  /** RoleSessionName of each account's current session for this caller (absent: not assumed). */
  sessionNames(sourceIdentity?: string): Record<string, string>;
  /** Clients held right now (at most `maxClients`). */
  size(): number;
  /** Closes the clients' sockets; call when the invocation is done with them. */
  destroy(): void;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
/** The SDK's default sockets per endpoint for one client; the shared pool never has fewer. */
export const MIN_SOCKETS_PER_ENDPOINT = 50;
/**
 * Clients kept per unit of concurrency: one per target in flight. A run selects every target
 * before it acts on any (the whole-run guard), then acts on the most recently selected first
 * (core/run.ts), so the clients still cached serve the act without being built again; the others
 * are rebuilt, about 0.1 ms of CPU each and no AssumeRole (the session is per account). Four per
 * unit held more memory than the rebuilds cost: `npm run bench -- --only scale` peaked at
 * 233 MB for 10,000 targets with four, 206 MB with one, in the same CPU time.
 */
export const CLIENTS_PER_CONCURRENCY = 1;

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
  const { config } = options;
  const targets = new Map(config.targets.map((t) => [t.accountId, t]));
  const credentials = createAccountCredentials(options);
  // A Map iterates in insertion order: re-inserting on use makes its first key the least recently used.
  const clients = new Map<string, Destroyable>();
  const maxClients = Math.max(
    1,
    options.maxClients ?? CLIENTS_PER_CONCURRENCY * Math.max(1, config.concurrency),
  );
  const shared: SharedClientSettings = {
    requestHandler: sharedConnections(config.concurrency),
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };

  function clientFor<Client extends Destroyable>(
    task: Task<Client, object, unknown>,
    target: Target,
    sourceIdentity?: string,
  ): Client {
    const { accountId, region } = target;
    // Per caller too: an SDK client memoises its credentials, so it must not serve two callers.
    const key = `${task.name}/${accountId}/${region}/${sourceIdentity ?? ''}`;
    const existing = clients.get(key);
    if (existing) {
      clients.delete(key);
      clients.set(key, existing);
      return existing as Client;
    }
    if (!targets.get(accountId)?.regions.some((r) => r === region)) {
      throw new UnknownTargetError(accountId, region);
    }
    const client = task.clientFor(
      target,
      credentials.forAccount(accountId, sourceIdentity),
      shared,
    );
    clients.set(key, client);
    // Let go of the least recently used: a target still working with it keeps its reference, and
    // it is not destroyed, since its sockets are the shared pool's.
    if (clients.size > maxClients) {
      const oldest = clients.keys().next().value;
      if (oldest !== undefined) clients.delete(oldest);
    }
    return client;
  }

  return {
    clientFor,
    sessionNames: credentials.sessionNames,
    size: () => clients.size,
    destroy(): void {
      for (const client of clients.values()) client.destroy();
      clients.clear();
      credentials.clear();
    },
  };
}
