import { EC2Client } from '@aws-sdk/client-ec2';
import type { RunDeps } from '../../handlers/core/run';
import type { CoreLogger, Target } from '../../handlers/core/types';
import { FAST_WAITER, TEST_CONFIG } from './config';

/** A logger that records every call, for asserting what would reach CloudWatch. */
export function aRecordingLogger(): CoreLogger & { lines: unknown[][] } {
  const lines: unknown[][] = [];
  const record =
    (level: string) =>
    (message: string, ...extra: Array<Record<string, unknown>>) => {
      lines.push([level, message, ...extra]);
    };
  return {
    lines,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

/**
 * Core dependencies with one real (but mocked-at-send) EC2Client per target, and a way to tell
 * which target a mocked call was sent to.
 */
export function aDeps(overrides: Partial<RunDeps> = {}) {
  const targets = new Map<EC2Client, Target>();
  const clients = new Map<string, EC2Client>();
  let clock = Date.parse('2026-01-05T19:00:00.000Z');
  const deps: RunDeps = {
    clientFor: (target) => {
      const key = `${target.accountId}/${target.region}`;
      let client = clients.get(key);
      if (!client) {
        client = new EC2Client({ region: target.region });
        clients.set(key, client);
        targets.set(client, target);
      }
      return client;
    },
    config: TEST_CONFIG,
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    remainingMillis: () => 300_000,
    now: () => {
      clock += 5;
      return clock;
    },
    waiter: FAST_WAITER,
    homeRegion: 'eu-west-1',
    ...overrides,
  };
  /** The target a mocked command went to (pass aws-sdk-client-mock's getClient). */
  const targetOf = (getClient: () => unknown): Target => {
    const target = targets.get(getClient() as EC2Client);
    if (!target) throw new Error('command sent to an unknown client');
    return target;
  };
  return { deps, targetOf };
}
