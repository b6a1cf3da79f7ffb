/**
 * The project's one reader of EventBridge Scheduler expressions: package-time validation, the
 * heartbeat's period and the local Scheduler's firing all ask it. Dev and package time only
 * (nothing under handlers/ imports it).
 *
 * - `cron(minutes hours day-of-month month day-of-week year)`: AWS's six fields, with `, - * /`
 *   everywhere, `?` in one day field, `L W` in day-of-month, `L #` in day-of-week, 1 = SUN ..
 *   7 = SAT and SUN-SAT, JAN-DEC, years 1970-2199 (EventBridge User Guide, "Cron expressions";
 *   Scheduler User Guide, "Schedule types"). One of day-of-month / day-of-week must be `?`.
 * - `rate(value unit)`: a positive whole value, `minute|hour|day` for 1 and `minutes|hours|days`
 *   above (EventBridge User Guide, "Rate expressions"; aws-cdk-lib aws-events Schedule.rate
 *   writes the same).
 * - `at(yyyy-mm-ddThh:mm:ss)`: one time, read in the schedule's time zone.
 *
 * croner 11 evaluates the cron fields once this file has checked them against AWS's grammar
 * (croner alone accepts more: `?` anywhere as `*`, day-of-week 0 and 8, both day fields OR-ed,
 * nicknames). Its daylight-saving rule is Vixie cron's, not Scheduler's, so the firing times are
 * corrected to Scheduler's documented rule ("Daylight saving time"): a time that does not exist
 * when clocks spring forward is skipped, and a time that occurs twice when they fall back runs
 * once (the first time).
 */
import { Cron, CronPattern } from 'croner';

export type RateUnit = 'minute' | 'hour' | 'day';

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export type ScheduleExpression =
  | { kind: 'cron'; text: string; fields: CronFields }
  | { kind: 'rate'; text: string; value: number; unit: RateUnit; everySeconds: number }
  | { kind: 'at'; text: string; wall: WallTime };

export interface CronFields {
  minutes: string;
  hours: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
  year: string;
}

export type ExpressionParse =
  | { ok: true; expression: ScheduleExpression }
  | { ok: false; message: string };

const FORMS =
  'cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss), e.g. cron(0 19 ? * MON-FRI *)';

const UNIT_SECONDS: Record<RateUnit, number> = { minute: 60, hour: 3600, day: 86_400 };

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];

interface FieldRule {
  label: string;
  min: number;
  max: number;
  /** Names for the values, counted from `min` (SUN = 1, JAN = 1). */
  names?: string[];
  hint: string;
}

const RULES: Record<keyof CronFields, FieldRule> = {
  minutes: { label: 'minutes', min: 0, max: 59, hint: '0-59' },
  hours: { label: 'hours', min: 0, max: 23, hint: '0-23' },
  dayOfMonth: { label: 'day-of-month', min: 1, max: 31, hint: '1-31, L, nW or ?' },
  month: { label: 'month', min: 1, max: 12, names: MONTH_NAMES, hint: '1-12 or JAN-DEC' },
  dayOfWeek: {
    label: 'day-of-week',
    min: 1,
    max: 7,
    names: DAY_NAMES,
    hint: '1-7 or SUN-SAT (1 = SUN, 7 = SAT), nL, n#k or ?',
  },
  year: { label: 'year', min: 1970, max: 2199, hint: '1970-2199' },
};

const FIELD_ORDER: (keyof CronFields)[] = [
  'minutes',
  'hours',
  'dayOfMonth',
  'month',
  'dayOfWeek',
  'year',
];

/** Reads an expression as EventBridge Scheduler does; the message says what is wrong and the fix. */
export function parseScheduleExpression(text: string): ExpressionParse {
  const cron = /^cron\((.*)\)$/s.exec(text);
  if (cron) return parseCron(text, cron[1] ?? '');
  const rate = /^rate\((.*)\)$/s.exec(text);
  if (rate) return parseRate(text, rate[1] ?? '');
  const at = /^at\((.*)\)$/s.exec(text);
  if (at) return parseAt(text, at[1] ?? '');
  return { ok: false, message: `"${text}" is none of ${FORMS}` };
}

function parseRate(text: string, body: string): ExpressionParse {
  const match = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!match) {
    return {
      ok: false,
      message: `${text} is not rate(value unit): a whole number, one space, and minute(s), hour(s) or day(s), e.g. rate(15 minutes)`,
    };
  }
  const value = Number(match[1]);
  const written = match[2] ?? '';
  const unit = written.replace(/s$/, '') as RateUnit;
  if (value < 1) return { ok: false, message: `${text}: the value must be 1 or more` };
  // AWS: "If the value is equal to 1, then the unit must be singular ... greater than 1, plural".
  const wanted = value === 1 ? unit : `${unit}s`;
  if (written !== wanted) {
    return {
      ok: false,
      message: `${text}: a rate of ${value} takes the ${value === 1 ? 'singular' : 'plural'} unit, write rate(${value} ${wanted})`,
    };
  }
  return {
    ok: true,
    expression: { kind: 'rate', text, value, unit, everySeconds: value * UNIT_SECONDS[unit] },
  };
}

function parseAt(text: string, body: string): ExpressionParse {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  const wrong = {
    ok: false as const,
    message: `${text} is not at(yyyy-mm-ddThh:mm:ss), a real date and time such as at(2026-12-24T18:00:00), read in the schedule's time zone`,
  };
  if (!match) return wrong;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const real =
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() === month - 1 &&
    probe.getUTCDate() === day &&
    probe.getUTCHours() === hour &&
    probe.getUTCMinutes() === minute &&
    probe.getUTCSeconds() === second;
  if (!real) return wrong;
  return {
    ok: true,
    expression: { kind: 'at', text, wall: { year, month, day, hour, minute, second } },
  };
}

function parseCron(text: string, body: string): ExpressionParse {
  const parts = body.trim() === '' ? [] : body.trim().split(/\s+/);
  if (parts.length !== 6) {
    return {
      ok: false,
      message: `${text} has ${parts.length} field${parts.length === 1 ? '' : 's'}; AWS's cron has six: minutes hours day-of-month month day-of-week year, e.g. cron(0 19 ? * MON-FRI *)`,
    };
  }
  const fields = Object.fromEntries(
    FIELD_ORDER.map((key, i) => [key, parts[i] ?? '']),
  ) as unknown as CronFields;
  for (const key of FIELD_ORDER) {
    const problem = fieldProblem(key, fields[key]);
    if (problem) return { ok: false, message: `${text}: ${problem}` };
  }
  const domAny = fields.dayOfMonth === '?';
  const dowAny = fields.dayOfWeek === '?';
  if (domAny === dowAny) {
    return {
      ok: false,
      message: domAny
        ? `${text}: day-of-month and day-of-week are both ?; give one of them (* for every day), e.g. cron(0 19 * * ? *)`
        : `${text}: day-of-month and day-of-week are both set; AWS needs ? in one of them, e.g. cron(0 19 ? * MON-FRI *) or cron(0 19 1 * ? *)`,
    };
  }
  try {
    // croner must read what the grammar let through (a date no month has, such as 31 in FEB
    // only, is left to the firing: the expression is well-formed).
    new CronPattern(cronerPattern(fields), undefined, CRONER_OPTIONS);
  } catch (error) {
    return {
      ok: false,
      message: `${text}: ${(error as Error).message.replace(/^CronPattern: /, '')}`,
    };
  }
  return { ok: true, expression: { kind: 'cron', text, fields } };
}

/** One field against AWS's grammar; undefined when it is fine. */
function fieldProblem(key: keyof CronFields, field: string): string | undefined {
  const rule = RULES[key];
  const bad = (why: string) => `${rule.label} "${field}" ${why}; use ${rule.hint}`;
  if (field === '?') {
    return key === 'dayOfMonth' || key === 'dayOfWeek' ? undefined : bad('cannot be ?');
  }
  const items = field.split(',');
  if (key === 'dayOfWeek' && field.includes('#') && items.length > 1) {
    // EventBridge User Guide: "3#1,6#3" is invalid, it reads as two expressions.
    return bad('lists a # with other values: # must stand alone');
  }
  for (const item of items) {
    if (key === 'dayOfMonth' && (item === 'L' || /^\d{1,2}W$/.test(item))) {
      if (items.length > 1) return bad(`lists ${item} with other values: it must stand alone`);
      const day = item === 'L' ? 1 : Number(item.slice(0, -1));
      if (day < 1 || day > 31) return bad(`names day ${day}`);
      continue;
    }
    if (key === 'dayOfWeek') {
      const special = /^([A-Z]{3}|\d)(L|#\d)$/.exec(item);
      if (item === 'L') {
        if (items.length > 1) return bad('lists L with other values: it must stand alone');
        continue;
      }
      if (special) {
        if (items.length > 1) return bad(`lists ${item} with other values: it must stand alone`);
        if (fieldValue(special[1] ?? '', rule) === undefined)
          return bad(`names no day of the week`);
        const nth = special[2] ?? '';
        if (nth.startsWith('#') && !/^#[1-5]$/.test(nth))
          return bad('asks for a week other than #1-#5');
        continue;
      }
    }
    const problem = itemProblem(item, rule);
    if (problem) return bad(problem);
  }
  return undefined;
}

function fieldValue(text: string, rule: FieldRule): number | undefined {
  const named = rule.names?.indexOf(text) ?? -1;
  if (named >= 0) return named + rule.min;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= rule.min && value <= rule.max ? value : undefined;
}

/** `*`, `n`, `a-b`, each optionally `/step`. */
function itemProblem(item: string, rule: FieldRule): string | undefined {
  const [range = '', step, extra] = item.split('/');
  if (extra !== undefined) return 'has more than one /';
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `has the step "/${step ?? ''}"`;
  if (range === '*') return undefined;
  const [from = '', to, more] = range.split('-');
  if (more !== undefined) return `has the range "${range}"`;
  const start = fieldValue(from, rule);
  if (start === undefined) return `has a value out of range ("${from}")`;
  if (to === undefined) return undefined;
  const end = fieldValue(to, rule);
  if (end === undefined) return `has a value out of range ("${to}")`;
  if (end < start) return `has the range ${range}, which runs backwards`;
  return undefined;
}

const CRONER_OPTIONS = {
  mode: '7-part',
  // AWS's day-of-week counts 1 = SUN .. 7 = SAT (croner's Quartz numbering).
  alternativeWeekdays: true,
  // AWS writes steps from a number (`0/15`), which croner calls sloppy.
  sloppyRanges: true,
} as const;

/** croner's seven fields (seconds first). `?` becomes `*`; dow `L` is Saturday, the week's last day. */
function cronerPattern(fields: CronFields): string {
  const anyDay = (field: string) => (field === '?' ? '*' : field);
  const dayOfWeek = fields.dayOfWeek === 'L' ? '7' : anyDay(fields.dayOfWeek);
  return [
    '0',
    fields.minutes,
    fields.hours,
    anyDay(fields.dayOfMonth),
    fields.month,
    dayOfWeek,
    fields.year,
  ].join(' ');
}

/** A schedule's time zone must be an IANA name ("Europe/Berlin", "UTC"). */
export function isIanaTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name.includes('/') || name === 'UTC';
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time at an instant, as if that wall time were UTC (ms). */
function wallMs(instant: number, timezone: string): number {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, format);
  }
  const part = Object.fromEntries(
    format.formatToParts(new Date(instant)).map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  return Date.UTC(
    part.year ?? 0,
    (part.month ?? 1) - 1,
    part.day ?? 1,
    part.hour ?? 0,
    part.minute ?? 0,
    part.second ?? 0,
  );
}

const HOUR_MS = 3_600_000;

/** True when the wall time shown at `instant` was already shown earlier (the fall-back hour). */
function isRepeatedWallTime(instant: number, timezone: string): boolean {
  const wall = wallMs(instant, timezone);
  // Every zone's fall-back shift is at most 3 hours; the offset before it is larger than after.
  const earlierOffset = wallMs(instant - 3 * HOUR_MS, timezone) - (instant - 3 * HOUR_MS);
  const earlier = wall - earlierOffset;
  return earlier < instant && wallMs(earlier, timezone) === wall;
}

/**
 * Every instant (epoch ms) a wall time names in a zone, oldest first: none in a spring-forward
 * gap, two in a fall-back overlap, else one.
 */
export function wallTimeInstants(wall: WallTime, timezone: string): number[] {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  const candidates = [asUtc - 14 * HOUR_MS, asUtc, asUtc + 14 * HOUR_MS]
    .map((probe) => asUtc - (wallMs(probe, timezone) - probe))
    .filter((instant) => wallMs(instant, timezone) === asUtc);
  return [...new Set(candidates)].sort((a, b) => a - b);
}

/** The instant a wall time names in a zone: the first when it occurs twice, none in a gap. */
function instantOf(wall: WallTime, timezone: string): number | undefined {
  return wallTimeInstants(wall, timezone)[0];
}

/** The wall-clock time at an instant in a zone. */
export function wallTimeAt(instant: number, timezone: string): WallTime {
  const wall = new Date(wallMs(instant, timezone));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  };
}

/** A zone's offset from UTC at an instant, in minutes (Berlin in summer: 120). */
export function utcOffsetMinutes(instant: number, timezone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return Math.round((wallMs(whole, timezone) - whole) / 60_000);
}

export interface FiringWindow {
  /** IANA time zone the expression is read in (rate ignores it). */
  timezone: string;
  /** Exclusive start. */
  after: Date;
  /** Inclusive end. */
  until: Date;
  /** A rate schedule's first firing (its StartDate, or when it was created). */
  rateStart?: Date;
  /** Most firings returned (protects a caller that moves the clock by years). */
  limit?: number;
}

/** The times the schedule fires in (after, until], oldest first, by Scheduler's DST rule. */
export function firingTimes(expression: ScheduleExpression, window: FiringWindow): Date[] {
  const after = window.after.getTime();
  const until = window.until.getTime();
  const limit = window.limit ?? 10_000;
  if (expression.kind === 'at') {
    const at = instantOf(expression.wall, window.timezone);
    return at !== undefined && at > after && at <= until ? [new Date(at)] : [];
  }
  if (expression.kind === 'rate') {
    const start = (window.rateStart ?? window.after).getTime();
    const every = expression.everySeconds * 1000;
    const out: Date[] = [];
    const k = start > after ? 0 : Math.floor((after - start) / every) + 1;
    for (let t = start + k * every; t <= until && out.length < limit; t += every) {
      out.push(new Date(t));
    }
    return out;
  }
  const cron = new Cron(cronerPattern(expression.fields), {
    ...CRONER_OPTIONS,
    timezone: window.timezone,
    paused: true,
  });
  const out: Date[] = [];
  let cursor = new Date(after);
  for (;;) {
    const next = cron.nextRun(cursor);
    if (!next || next.getTime() > until || out.length >= limit) return out;
    // croner moves a fixed time in a spring-forward gap to after it (no match then), and runs
    // an interval job twice in the repeated hour: Scheduler does neither.
    if (cron.match(next) && !isRepeatedWallTime(next.getTime(), window.timezone)) out.push(next);
    cursor = next;
  }
}

/** The next firing after `after`, or undefined (an `at` in the past, a cron with no more years). */
export function nextFiringTime(
  expression: ScheduleExpression,
  window: Omit<FiringWindow, 'until' | 'limit'>,
): Date | undefined {
  // A cron fires at least once in any eight years unless it names its years (then: until 2199).
  const horizon =
    expression.kind === 'rate'
      ? window.after.getTime() + expression.everySeconds * 1000 + 1
      : Date.UTC(2200, 0, 1);
  return firingTimes(expression, { ...window, until: new Date(horizon), limit: 1 })[0];
}

const MINUTES_PER_WEEK = 7 * 24 * 60;

/**
 * Longest gap, in seconds, between two firings in wall-clock time, for expressions that repeat
 * every week (a rate; a cron on every day or on days of the week, every month and year).
 * Undefined for a calendar (days of the month, months, `#`, `L`) or a one-off `at`.
 */
export function longestGapSeconds(expression: ScheduleExpression): number | undefined {
  if (expression.kind === 'rate') return expression.everySeconds;
  if (expression.kind === 'at') return undefined;
  const { fields } = expression;
  const everyDayOfMonth = fields.dayOfMonth === '?' || fields.dayOfMonth === '*';
  if (!everyDayOfMonth || fields.month !== '*' || fields.year !== '*') return undefined;
  if (/[L#]/.test(fields.dayOfWeek)) return undefined;
  const pattern = new CronPattern(cronerPattern(fields), undefined, CRONER_OPTIONS);
  const on = (values: number[]) => values.flatMap((v, i) => (v ? [i] : []));
  const fires = on(pattern.dayOfWeek)
    .flatMap((d) =>
      on(pattern.hour).flatMap((h) => on(pattern.minute).map((m) => d * 1440 + h * 60 + m)),
    )
    .sort((a, b) => a - b);
  if (fires.length === 0) return undefined;
  let longest = 0;
  fires.forEach((at, i) => {
    const next = fires[i + 1] ?? (fires[0] ?? 0) + MINUTES_PER_WEEK;
    longest = Math.max(longest, next - at);
  });
  return longest * 60;
}
