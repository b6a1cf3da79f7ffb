/** One stage's preview: each schedule's firings over the window, then the warnings over them all. */
import type { HolidayDate } from '../../handlers/config/excluded-dates';
import type { ScheduleConfig } from '../../handlers/config/stage-config';
import { holidayDates } from '../../resources/home-stack/schedules/holiday-dates';
import {
  addDays,
  type PreviewWindow,
  previewSchedule,
  type SchedulePreview,
  startOfLocalDay,
} from './build-preview';
import { scheduleWarnings } from './schedule-warnings';

export interface StagePreview {
  stage: string;
  from: string;
  days: number;
  schedules: SchedulePreview[];
  warnings: string[];
}

/** The public holidays of a schedule's codes over the window's years (packaging resolves the same way). */
function holidaysOver(schedule: ScheduleConfig, window: PreviewWindow): HolidayDate[] {
  if (!schedule.holidays || schedule.holidays.length === 0) return [];
  const first = Number(window.from.slice(0, 4));
  const last = Number(addDays(window.from, window.days).slice(0, 4));
  const years = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  return holidayDates(schedule.holidays, years);
}

export function previewStage(
  stage: string,
  schedules: readonly ScheduleConfig[],
  window: PreviewWindow,
): StagePreview {
  const previews = schedules.map((schedule) =>
    previewSchedule(schedule, window, holidaysOver(schedule, window)),
  );
  const end = (timezone: string) => startOfLocalDay(addDays(window.from, window.days), timezone);
  return {
    stage,
    from: window.from,
    days: window.days,
    schedules: previews,
    warnings: scheduleWarnings(schedules, previews, end),
  };
}
