import type { InstanceStateName } from './seed-schema';

/** EC2's numeric state codes (the low byte of InstanceState.Code). */
export const STATE_CODES: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface StateReason {
  code: string;
  message: string;
}

export const REASONS = {
  pending: { code: 'pending', message: 'pending' },
  userStop: {
    code: 'Client.UserInitiatedShutdown',
    message: 'Client.UserInitiatedShutdown: User initiated shutdown',
  },
  userHibernate: {
    code: 'Client.UserInitiatedHibernate',
    message: 'Client.UserInitiatedHibernate: User initiated hibernate',
  },
  /** A customer-managed EBS key the caller may not use: EC2 gives up on the launch. */
  kmsLaunchFailure: {
    code: 'Client.InternalError',
    message: 'Client.InternalError: Client error on launch',
  },
} as const satisfies Record<string, StateReason>;

/** What an instance shows in one state, and (for transitional states) what follows and when. */
export interface Phase {
  state: InstanceStateName;
  since: number;
  stateReason?: StateReason;
  /** StateTransitionReason, e.g. "User initiated (2026-01-05 18:00:00 GMT)". */
  transitionReason: string;
  next?: { afterMs: number; phase: Omit<Phase, 'since'> };
}

/** Time-driven and lazy: a phase whose `next` is due is replaced when someone looks at it. */
export function settle(phase: Phase, now: number): Phase {
  let current = phase;
  while (current.next && now >= current.since + current.next.afterMs) {
    current = { ...current.next.phase, since: current.since + current.next.afterMs };
  }
  return current;
}

export function userInitiated(at: number): string {
  const stamp = new Date(at)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '');
  return `User initiated (${stamp} GMT)`;
}

/** Effective durations, already scaled by the world's time factor. */
export interface Timing {
  pendingMs: number;
  stoppingMs: number;
  hibernatingMs: number;
  kmsFallbackMs: number;
}

/** The settings' real-world durations scaled by their time factor (rounded to whole ms). */
export function scaledTiming(settings: {
  pendingMs: number;
  stoppingMs: number;
  hibernatingMs: number | null;
  kmsFallbackMs: number;
  timeFactor: number;
}): Timing {
  const scale = (ms: number) => Math.round(ms * settings.timeFactor);
  return {
    pendingMs: scale(settings.pendingMs),
    stoppingMs: scale(settings.stoppingMs),
    hibernatingMs: scale(settings.hibernatingMs ?? 2 * settings.stoppingMs),
    kmsFallbackMs: scale(settings.kmsFallbackMs),
  };
}

/** The phase a seeded state starts in; `pending`, `stopping` and `shutting-down` move on by themselves. */
export function seededPhase(state: InstanceStateName, now: number, timing: Timing): Phase {
  switch (state) {
    case 'running':
      return { state, since: now, transitionReason: '' };
    case 'pending':
      return startingPhase(now, timing, false);
    case 'stopping':
      return stoppingPhase(now, timing, false);
    case 'stopped':
      return {
        state,
        since: now,
        stateReason: REASONS.userStop,
        transitionReason: userInitiated(now),
      };
    case 'shutting-down':
      return {
        state,
        since: now,
        stateReason: REASONS.userStop,
        transitionReason: userInitiated(now),
        next: {
          afterMs: timing.stoppingMs,
          phase: {
            state: 'terminated',
            stateReason: REASONS.userStop,
            transitionReason: userInitiated(now),
          },
        },
      };
    case 'terminated':
      return {
        state,
        since: now,
        stateReason: REASONS.userStop,
        transitionReason: userInitiated(now),
      };
  }
}

/** stopped → pending → running, or → stopped again when the volumes' KMS key cannot be used. */
export function startingPhase(now: number, timing: Timing, kmsDenied: boolean): Phase {
  const next: Phase['next'] = kmsDenied
    ? {
        afterMs: timing.kmsFallbackMs,
        phase: {
          state: 'stopped',
          stateReason: REASONS.kmsLaunchFailure,
          transitionReason: REASONS.kmsLaunchFailure.message,
        },
      }
    : { afterMs: timing.pendingMs, phase: { state: 'running', transitionReason: '' } };
  return { state: 'pending', since: now, stateReason: REASONS.pending, transitionReason: '', next };
}

/** running → stopping → stopped (with the hibernate reason when hibernating). */
export function stoppingPhase(now: number, timing: Timing, hibernate: boolean): Phase {
  const stateReason = hibernate ? REASONS.userHibernate : REASONS.userStop;
  const transitionReason = userInitiated(now);
  return {
    state: 'stopping',
    since: now,
    stateReason,
    transitionReason,
    next: {
      afterMs: hibernate ? timing.hibernatingMs : timing.stoppingMs,
      phase: { state: 'stopped', stateReason, transitionReason },
    },
  };
}
