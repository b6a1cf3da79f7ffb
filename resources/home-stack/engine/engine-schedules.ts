/**
 * What a schedule sends the engine's starter (the default path of scheduled runs,
 * resources/home-stack/schedules/schedule-resources.ts): its name and `<aws.scheduler.scheduled-time>`, which
 * Scheduler fills in at each invocation, so the starter names the run after both and a duplicate
 * delivery finds the name taken.
 */

import type { ScheduleConfig } from '../../../handlers/config/stage-config';

/** The starter function (osls's logical ID of `engineStart`). */
export const STARTER = { key: 'engineStart', logicalId: 'EngineStartLambdaFunction' } as const;
/** EventBridge Scheduler's context attribute, replaced by the invocation's scheduled time. */
export const SCHEDULED_TIME_ATTRIBUTE = '<aws.scheduler.scheduled-time>';

/** The Input of a schedule that starts engine runs (handlers/engine/start.ts reads it). */
export function starterInput(schedule: Pick<ScheduleConfig, 'name' | 'request'>): string {
  return JSON.stringify({
    schedule: schedule.name,
    scheduledTime: SCHEDULED_TIME_ATTRIBUTE,
    request: schedule.request,
  });
}
