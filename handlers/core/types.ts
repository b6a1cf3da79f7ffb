/** The core's vocabulary, shared by the engine, the tasks and the contract. */

/** What a request asks for; every task supports all three. */
export const ACTIONS = ['start', 'stop', 'status'] as const;
export type Action = (typeof ACTIONS)[number];

/** One (account, region) pair the run works on. */
export interface Target {
  accountId: string;
  region: string;
}

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
