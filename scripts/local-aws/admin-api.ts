import { z } from 'zod';
import { adminRefusal } from './admin-guard';
import type { CallCounters } from './call-counters';
import { type Clock, isAdjustable } from './clock';
import { EventsFaultsError, type RecordedEvents } from './events-store';
import { FaultSettingsError, type Faults } from './faults';
import type { HttpAnswer } from './http-server';
import type { SchedulerFiring } from './scheduler-firing';
import type { ReceivedRequest } from './sigv4-verify';
import type { World } from './world';
import { worldSnapshot } from './world-snapshot';

export const ADMIN_PREFIX = '/_local/';

export interface AdminState {
  world: World;
  faults: Faults;
  calls: CallCounters;
  clock: Clock;
  events: RecordedEvents;
  firing: SchedulerFiring;
}

/**
 * The test/benchmark control plane (JSON, unsigned, loopback only; every call carries
 * `x-local-aws-admin: 1` and a loopback Host, see admin-guard.ts):
 *   GET  /_local/state            world, instance states now, sessions (no secrets)
 *   GET  /_local/faults           fault knobs;   POST /_local/faults  merge a patch;  POST /_local/faults/reset
 *   GET  /_local/calls            call counters; POST /_local/calls/reset
 *   GET  /_local/settings         transition times, session lifetimes; POST /_local/settings merge a patch
 *   POST /_local/clock            {"advanceMs": n} moves the world clock on, firing the schedules due
 *   GET  /_local/events           events PutEvents accepted, and its calls; POST /_local/events/reset
 *   POST /_local/events/faults    {"failEntries": n}: the next n entries are refused (InternalFailure)
 */
export async function handleAdmin(
  state: AdminState,
  request: ReceivedRequest,
): Promise<HttpAnswer> {
  const refusal = adminRefusal(request);
  if (refusal !== undefined) return json(403, { error: refusal });
  const route = `${request.method} ${request.path.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'GET /_local/state':
        return json(200, worldSnapshot(state.world));
      case 'GET /_local/faults':
        return json(200, state.faults.current());
      case 'POST /_local/faults':
        return json(200, state.faults.update(parseJson(request.body)));
      case 'POST /_local/faults/reset':
        return json(200, state.faults.reset());
      case 'GET /_local/calls':
        return json(200, state.calls.snapshot());
      case 'POST /_local/calls/reset':
        state.calls.reset();
        return json(200, state.calls.snapshot());
      case 'GET /_local/settings':
        return json(200, state.world.settings);
      case 'POST /_local/settings':
        return json(200, state.world.updateSettings(parseJson(request.body)));
      case 'POST /_local/clock':
        return await advanceClock(state, parseJson(request.body));
      case 'GET /_local/events':
        return json(200, { events: state.events.list(), calls: state.events.calls() });
      case 'POST /_local/events/reset':
        state.events.reset();
        return json(200, { events: [] });
      case 'POST /_local/events/faults':
        return json(200, state.events.updateFaults(parseJson(request.body)));
      default:
        return json(404, { error: `No admin route ${route}` });
    }
  } catch (error) {
    if (
      error instanceof BadRequest ||
      error instanceof FaultSettingsError ||
      error instanceof EventsFaultsError ||
      error instanceof z.ZodError
    ) {
      return json(400, {
        error: error instanceof z.ZodError ? z.prettifyError(error) : error.message,
      });
    }
    throw error;
  }
}

async function advanceClock(state: AdminState, body: unknown): Promise<HttpAnswer> {
  const { clock } = state;
  const advanceMs = (body as { advanceMs?: unknown } | null)?.advanceMs;
  if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0) {
    throw new BadRequest('Expected {"advanceMs": <non-negative number>}');
  }
  if (!isAdjustable(clock)) return json(409, { error: 'This clock cannot be moved' });
  clock.advance(advanceMs);
  const fired = await state.firing.fireDue();
  return json(200, {
    now: new Date(clock.now()).toISOString(),
    fired: fired.map(({ invocation: _running, ...firing }) => firing),
  });
}

class BadRequest extends Error {}

function parseJson(body: string): unknown {
  try {
    return body === '' ? {} : JSON.parse(body);
  } catch {
    throw new BadRequest('The body is not valid JSON');
  }
}

function json(status: number, value: unknown): HttpAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value, null, 2),
  };
}
