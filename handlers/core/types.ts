import type { EC2Client } from '@aws-sdk/client-ec2';

/** One (account, region) pair the run works on. */
export interface Target {
  accountId: string;
  region: string;
}

/** Returns the EC2 client for a target; the handler layer memoises it. */
export type Ec2For = (target: Target) => EC2Client;

/** The slice of a structured logger the core uses (Powertools' Logger fits). */
export interface CoreLogger {
  debug(message: string, ...extra: Array<Record<string, unknown>>): void;
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

/** Polling bounds for waiters, in seconds (fractions allowed, so tests can poll every few ms). */
export interface WaiterDelays {
  minDelaySeconds: number;
  maxDelaySeconds: number;
}
