/**
 * How long a schedule may be silent before its heartbeat alarm fires: the longest gap between two
 * consecutive runs of its expression, plus a grace for the run's own duration and daylight-saving
 * shifts, in whole hours. CloudWatch cannot see a calendar, so a weekday schedule's alarm period
 * covers the weekend (72 h + grace): a missed Tuesday alone then shows only if Wednesday and
 * Thursday are missed too. Undefined when CloudWatch cannot express it (a one-off `at(...)`, or a
 * gap over the 7-day evaluation limit, e.g. a monthly cron).
 */

export const HEARTBEAT_GRACE_SECONDS = 2 * 3600;
/** PutMetricAlarm: Period x EvaluationPeriods at most 7 days (for periods of an hour or more). */
export const MAX_ALARM_RANGE_SECONDS = 7 * 24 * 3600;

const MINUTES_PER_WEEK = 7 * 24 * 60;
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Values of one cron field (`*`, lists, ranges, steps, day names); undefined when unsupported. */
function expandField(
  field: string,
  min: number,
  max: number,
  names?: string[],
): number[] | undefined {
  const values = new Set<number>();
  const value = (text: string): number | undefined => {
    const named = names?.indexOf(text.toUpperCase()) ?? -1;
    // Day names count from 1 (SUN) in EventBridge cron.
    if (named >= 0) return named + min;
    return /^\d+$/.test(text) ? Number(text) : undefined;
  };
  for (const part of field.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (range === '*' || range === '?') {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      from = value(a);
      to = value(b);
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    if (from === undefined || to === undefined || from < min || to > max || from > to) {
      return undefined;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/** Longest gap, in seconds, between consecutive runs of a weekly-periodic cron; undefined otherwise. */
function cronMaxGapSeconds(body: string): number | undefined {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) return undefined;
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = fields;
  // Only schedules that repeat every week can be bounded; a day of month or month is a calendar.
  if (!['*', '?'].includes(dayOfMonth) || month !== '*' || year !== '*') return undefined;
  const mins = expandField(minutes, 0, 59);
  const hrs = expandField(hours, 0, 23);
  const days = expandField(dayOfWeek, 1, 7, DAY_NAMES);
  if (!mins?.length || !hrs?.length || !days?.length) return undefined;
  const fires = days
    .flatMap((d) => hrs.flatMap((h) => mins.map((m) => (d - 1) * 24 * 60 + h * 60 + m)))
    .sort((a, b) => a - b);
  let longest = 0;
  fires.forEach((at, i) => {
    const next = fires[i + 1] ?? (fires[0] ?? 0) + MINUTES_PER_WEEK;
    longest = Math.max(longest, next - at);
  });
  return longest * 60;
}

const RATE_UNITS: Record<string, number> = {
  minute: 60,
  minutes: 60,
  hour: 3600,
  hours: 3600,
  day: 86400,
  days: 86400,
};

export function maxGapSeconds(expression: string): number | undefined {
  const rate = /^rate\((\d+) (\w+)\)$/.exec(expression);
  if (rate) {
    const unit = RATE_UNITS[rate[2] ?? ''];
    return unit ? Number(rate[1]) * unit : undefined;
  }
  const cron = /^cron\((.+)\)$/.exec(expression);
  return cron ? cronMaxGapSeconds(cron[1] ?? '') : undefined;
}

/** The heartbeat alarm's period in seconds (a multiple of 3600), or undefined for no heartbeat. */
export function heartbeatPeriodSeconds(expression: string): number | undefined {
  const gap = maxGapSeconds(expression);
  if (gap === undefined) return undefined;
  const period = Math.ceil((gap + HEARTBEAT_GRACE_SECONDS) / 3600) * 3600;
  return period <= MAX_ALARM_RANGE_SECONDS ? period : undefined;
}
