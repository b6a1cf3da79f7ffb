/**
 * How long a schedule may be silent before its heartbeat alarm fires: the longest gap between two
 * consecutive runs of its expression, plus a grace for the run's own duration and daylight-saving
 * shifts, in whole hours. CloudWatch cannot see a calendar, so a weekday schedule's alarm period
 * covers the weekend (72 h + grace): a missed Tuesday alone then shows only if Wednesday and
 * Thursday are missed too. Undefined when CloudWatch cannot express it (a one-off `at(...)`, or a
 * gap over the 7-day evaluation limit, e.g. a monthly cron). The expression is read by the
 * project's one evaluator (resources/home-stack/schedule-expression.ts).
 */
import { longestGapSeconds, parseScheduleExpression } from '../schedule-expression';

export const HEARTBEAT_GRACE_SECONDS = 2 * 3600;
/** PutMetricAlarm: Period x EvaluationPeriods at most 7 days (for periods of an hour or more). */
export const MAX_ALARM_RANGE_SECONDS = 7 * 24 * 3600;

/** Longest gap, in seconds, between consecutive runs; undefined when it is not weekly-bounded. */
export function maxGapSeconds(expression: string): number | undefined {
  const parsed = parseScheduleExpression(expression);
  return parsed.ok ? longestGapSeconds(parsed.expression) : undefined;
}

/** The heartbeat alarm's period in seconds (a multiple of 3600), or undefined for no heartbeat. */
export function heartbeatPeriodSeconds(expression: string): number | undefined {
  const gap = maxGapSeconds(expression);
  if (gap === undefined) return undefined;
  const period = Math.ceil((gap + HEARTBEAT_GRACE_SECONDS) / 3600) * 3600;
  return period <= MAX_ALARM_RANGE_SECONDS ? period : undefined;
}
