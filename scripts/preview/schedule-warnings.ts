/**
 * What a stage's start and stop schedules leave running or stopped, read from their previews.
 * Schedules act on the same resources when their requests differ only in how they act (action,
 * wait, hibernate, dry run, confirmation): one lane. Each finding is allowed (a stop-only
 * schedule is a common choice), and said, so it is a choice and not an accident.
 */
import type { ScheduleConfig } from '../../handlers/config/stage-config';
import { addDays, type SchedulePreview, startOfLocalDay } from './build-preview';

/** Request fields that say how to act, not on what: schedules differing only in them share a lane. */
const HOW_FIELDS = new Set(['action', 'wait', 'hibernate', 'dryRun', 'confirmCount']);

function laneKey(schedule: ScheduleConfig): string {
  const what = Object.entries(schedule.request as Record<string, unknown>)
    .filter(([key]) => !HOW_FIELDS.has(key))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify(what);
}

const instantOf = (utc: string) => Date.parse(utc.replace(' ', 'T'));

interface Move {
  at: number;
  action: 'start' | 'stop';
  schedule: SchedulePreview;
  local: string;
}

/** The Saturday dates whose whole weekend (Saturday and Sunday, local) lies in [from, to). */
function weekendsWithin(from: number, to: number, timezone: string): string[] {
  const found: string[] = [];
  const firstDay = new Date(from).toISOString().slice(0, 10);
  for (let d = -1; ; d++) {
    const day = addDays(firstDay, d);
    const start = startOfLocalDay(day, timezone);
    if (start >= to) return found;
    if (new Date(`${day}T12:00:00Z`).getUTCDay() !== 6 || start < from) continue;
    if (startOfLocalDay(addDays(day, 2), timezone) <= to) found.push(day);
  }
}

export function scheduleWarnings(
  schedules: readonly ScheduleConfig[],
  previews: readonly SchedulePreview[],
  windowEnd: (timezone: string) => number,
): string[] {
  const warnings: string[] = [];
  const lanes = new Map<string, { schedule: ScheduleConfig; preview: SchedulePreview }[]>();
  schedules.forEach((schedule, i) => {
    const preview = previews[i];
    if (!preview || !schedule.enabled || schedule.request.action === 'status') return;
    const key = laneKey(schedule);
    lanes.set(key, [...(lanes.get(key) ?? []), { schedule, preview }]);
  });
  for (const lane of lanes.values()) {
    const names = (action: string) =>
      lane.filter((l) => l.schedule.request.action === action).map((l) => `"${l.schedule.name}"`);
    const stops = names('stop');
    const starts = names('start');
    if (starts.length === 0) {
      warnings.push(
        `${stops.join(', ')} stop${stops.length === 1 ? 's' : ''} resources that no schedule starts again (allowed: they stay stopped until started on demand)`,
      );
      continue;
    }
    if (stops.length === 0) {
      warnings.push(
        `${starts.join(', ')} start${starts.length === 1 ? 's' : ''} resources that no schedule stops (allowed: they run until stopped on demand)`,
      );
      continue;
    }
    const moves: Move[] = lane
      .flatMap(({ schedule, preview }) =>
        preview.entries.flatMap((entry) =>
          entry.kind === 'fires'
            ? [
                {
                  at: instantOf(entry.utc),
                  action: schedule.request.action as 'start' | 'stop',
                  schedule: preview,
                  local: entry.local,
                },
              ]
            : [],
        ),
      )
      .sort((a, b) => a.at - b.at);
    let running: Move | undefined;
    const check = (until: number, stop: Move | undefined) => {
      if (!running) return;
      const zone = running.schedule.timezone;
      for (const saturday of weekendsWithin(running.at, until, zone)) {
        warnings.push(
          `"${running.schedule.name}" starts resources at ${running.local} (${zone}) and ${stop ? `"${stop.schedule.name}" stops them only at ${stop.local}` : 'no schedule stops them before the preview ends'}: they run over the weekend of ${saturday} and ${addDays(saturday, 1)}`,
        );
      }
    };
    for (const move of moves) {
      if (move.action === 'start' && !running) running = move;
      if (move.action === 'stop') {
        check(move.at, move);
        running = undefined;
      }
    }
    if (running) check(windowEnd(running.schedule.timezone), undefined);
  }
  return warnings;
}
