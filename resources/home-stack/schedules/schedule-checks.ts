/**
 * Package-time checks of a stage's schedules that the stage schema cannot make alone: each
 * expression read by the project's one evaluator (schedule-expression.ts), each AWS name within
 * EventBridge Scheduler's 64 characters (never cut), each CloudFormation logical ID unique, so
 * two schedules never collapse into one resource, and each holiday code one date-holidays knows.
 * `sls package` stops on any of them.
 */
import type { StageConfig } from '../../../handlers/config/stage-config';
import type { Problem } from '../../../handlers/formats/problems';
import { parseScheduleExpression } from '../schedule-expression';
import { LOGICAL_IDS } from '../signals/resources';
import { holidayCodeProblems } from './holiday-dates';
import {
  MAX_SCHEDULE_NAME_LENGTH,
  SCHEDULE_GROUP_LOGICAL_ID,
  SCHEDULER_ROLE_LOGICAL_ID,
  type ServiceNames,
  scheduleLogicalId,
  scheduleNameFor,
} from './schedule-resources';

/** The stack's other logical IDs a schedule's `Schedule<name>` could land on. */
const TAKEN_LOGICAL_IDS = [
  SCHEDULE_GROUP_LOGICAL_ID,
  SCHEDULER_ROLE_LOGICAL_ID,
  ...Object.values(LOGICAL_IDS),
];

export function scheduleProblems(
  config: Pick<StageConfig, 'schedules'>,
  names: ServiceNames,
  prefix = 'params',
): Problem[] {
  const problems: Problem[] = [];
  const at = (index: number, field: string) => `${prefix}.schedules[${index}].${field}`;
  // CloudFormation logical IDs are compared without case here: the stricter reading is safe.
  const byLogicalId = new Map<string, string>();
  config.schedules.forEach((schedule, index) => {
    const parsed = parseScheduleExpression(schedule.expression);
    if (!parsed.ok) problems.push({ field: at(index, 'expression'), message: parsed.message });
    if (schedule.holidays) {
      problems.push(...holidayCodeProblems(schedule.holidays, at(index, 'holidays')));
    }
    if (schedule.holidayDates) {
      problems.push({
        field: at(index, 'holidayDates'),
        message:
          'is written by packaging from `holidays`; remove it and list country or region codes in `holidays`, or dates in `excludedDates`',
      });
    }

    const awsName = scheduleNameFor(names, schedule.name);
    if (awsName.length > MAX_SCHEDULE_NAME_LENGTH) {
      const room = MAX_SCHEDULE_NAME_LENGTH - (awsName.length - schedule.name.length);
      problems.push({
        field: at(index, 'name'),
        message: `makes the schedule name "${awsName}" (${awsName.length} characters), over EventBridge Scheduler's ${MAX_SCHEDULE_NAME_LENGTH}; shorten "${schedule.name}" to at most ${room} characters`,
      });
    }

    const id = scheduleLogicalId(schedule);
    const other = byLogicalId.get(id.toLowerCase());
    if (other !== undefined) {
      problems.push({
        field: at(index, 'name'),
        message: `"${schedule.name}" and "${other}" differ only in punctuation or case, and both would be CloudFormation resource ${id} (one would silently replace the other); rename one of them`,
      });
    } else if (TAKEN_LOGICAL_IDS.some((taken) => taken.toLowerCase() === id.toLowerCase())) {
      problems.push({
        field: at(index, 'name'),
        message: `"${schedule.name}" would be CloudFormation resource ${id}, which the stack already uses for something else; rename the schedule`,
      });
    } else byLogicalId.set(id.toLowerCase(), schedule.name);
  });
  return problems;
}
