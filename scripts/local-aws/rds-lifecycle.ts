import type { RdsStatus } from './rds-seed-schema';

/**
 * How an RDS DB instance or cluster moves between statuses on the world clock, computed lazily
 * like EC2's (instance-lifecycle.ts): a phase whose `next` is due is replaced when someone
 * looks, and every phase entered on the way is reported, so the events it raises carry the
 * time it really happened.
 */

/** AWS starts a stopped DB instance or cluster again after 7 days (RDS API reference, StopDBInstance). */
export const AUTOMATIC_RESTART_MS = 7 * 24 * 3600 * 1000;

/**
 * Typical real-world durations; a resource may set its own in the seed. Stopping "can take
 * several minutes", starting "from minutes to hours" (RDS User Guide, USER_StopInstance and
 * USER_StartInstance); Aurora clusters are of the same order.
 */
export const DEFAULT_RDS_TIMING = { stoppingMs: 5 * 60_000, startingMs: 10 * 60_000 };

/** What entering a phase announces in DescribeEvents (rds-events.ts maps it to an event ID). */
export type RdsPhaseEvent = 'stopped' | 'started' | 'automatic-start';

export interface RdsPhase {
  status: RdsStatus;
  since: number;
  /** Raised when the phase is entered. */
  event?: RdsPhaseEvent;
  next?: { afterMs: number; phase: Omit<RdsPhase, 'since'> };
}

export interface RdsTiming {
  stoppingMs: number;
  startingMs: number;
}

/** The phases a phase passes through up to `now`: the last one is current. */
export function settleRds(phase: RdsPhase, now: number): RdsPhase[] {
  const passed: RdsPhase[] = [];
  let current = phase;
  while (current.next && now >= current.since + current.next.afterMs) {
    current = { ...current.next.phase, since: current.since + current.next.afterMs };
    passed.push(current);
  }
  return passed;
}

/** starting → available; `automatic` is AWS's start after 7 days stopped. */
export function startingRdsPhase(now: number, timing: RdsTiming, automatic = false): RdsPhase {
  return { since: now, ...startingFrom(timing, automatic) };
}

/** stopping → stopped → (7 days later) starting → available. */
export function stoppingRdsPhase(now: number, timing: RdsTiming): RdsPhase {
  return {
    status: 'stopping',
    since: now,
    next: { afterMs: timing.stoppingMs, phase: stoppedFrom(timing) },
  };
}

/** A phase as seeded; a stopped one was stopped `stoppedMsAgo` before `now`. */
export function seededRdsPhase(
  status: RdsStatus,
  now: number,
  timing: RdsTiming,
  stoppedMsAgo = 0,
): RdsPhase {
  switch (status) {
    case 'available':
      return { status, since: now };
    case 'stopping':
      return stoppingRdsPhase(now, timing);
    case 'starting':
      return startingRdsPhase(now, timing);
    case 'stopped':
      return { since: now - stoppedMsAgo, ...stoppedFrom(timing) };
  }
}

/** When a stopped resource will be started automatically (DBInstance.AutomaticRestartTime). */
export function automaticRestartTime(phase: RdsPhase): number | undefined {
  if (phase.status !== 'stopped' || !phase.next) return undefined;
  return phase.since + phase.next.afterMs;
}

function stoppedFrom(timing: RdsTiming): Omit<RdsPhase, 'since'> {
  return {
    status: 'stopped',
    event: 'stopped',
    next: { afterMs: AUTOMATIC_RESTART_MS, phase: startingFrom(timing, true) },
  };
}

function startingFrom(timing: RdsTiming, automatic: boolean): Omit<RdsPhase, 'since'> {
  return {
    status: 'starting',
    ...(automatic ? { event: 'automatic-start' as const } : {}),
    next: { afterMs: timing.startingMs, phase: { status: 'available', event: 'started' } },
  };
}
