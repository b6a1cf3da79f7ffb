/** The preview as text, one line per firing, local time first, UTC beside it. */
import type { PreviewEntry, SchedulePreview } from './build-preview';
import type { StagePreview } from './stage-preview';

function entryLine(entry: PreviewEntry): string {
  switch (entry.kind) {
    case 'fires':
      return `  ${entry.local} ${entry.offset}  ${entry.utc}  runs${entry.repeated ? ' (this local time occurs twice: Scheduler runs it once, at this first one)' : ''}`;
    case 'skipped':
      return `  ${entry.local} ${entry.offset}  ${entry.utc}  skipped: ${entry.reason === 'holiday' ? `holiday, ${entry.detail}` : `excluded date ${entry.detail}`} (the function does nothing)`;
    case 'nonexistent':
      return `  ${entry.local}  (no such time)  skipped: ${entry.detail}`;
    case 'clock-change':
      return `  -- ${entry.local} ${entry.fromOffset} -> ${entry.toOffset}  ${entry.utc}  ${entry.detail}`;
  }
}

function scheduleBlock(schedule: SchedulePreview): string[] {
  const head = `${schedule.name}: ${schedule.action} on ${schedule.expression} in ${schedule.timezone}`;
  const counts = `${schedule.fires} run${schedule.fires === 1 ? '' : 's'}, ${schedule.skipped} skipped by date, ${schedule.nonexistent} nonexistent`;
  return [
    `${head} (${counts})`,
    ...(schedule.note ? [`  note: ${schedule.note}`] : []),
    ...schedule.entries.map(entryLine),
  ];
}

export function renderStagePreview(preview: StagePreview): string {
  const lines = [
    `Stage ${preview.stage}: ${preview.schedules.length} schedule${preview.schedules.length === 1 ? '' : 's'}, ${preview.days} day${preview.days === 1 ? '' : 's'} from ${preview.from} (local dates of each schedule's zone)`,
  ];
  if (preview.schedules.length === 0) lines.push('  no schedules');
  for (const schedule of preview.schedules) lines.push('', ...scheduleBlock(schedule));
  if (preview.warnings.length > 0) {
    lines.push('', 'Warnings:', ...preview.warnings.map((w) => `  ! ${w}`));
  }
  return lines.join('\n');
}
