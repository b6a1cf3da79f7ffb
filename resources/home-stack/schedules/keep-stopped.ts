/**
 * `keepStopped: true` on an RDS stop schedule: RDS starts a DB instance or cluster by itself once
 * it has been stopped for 7 days (RDS User Guide, "Stopping an Amazon RDS DB instance
 * temporarily"). Package time adds a companion schedule `<name>-keep-stopped` with the same
 * targets and selection plus `onlyRestartedByAws: true`, firing every `keepStoppedEvery`
 * (`rate(6 hours)` by default): each firing stops only what RDS restarted by itself and nobody
 * stopped since (handlers/tasks/rds/restarted-by-aws.ts). The companion is an ordinary schedule:
 * its own path line, its own heartbeat (its own period), so it neither feeds nor hides the stop
 * schedule's heartbeat.
 */
import type { StageConfig } from '../../../handlers/config/stage-config';
import type { Problem } from '../../../handlers/formats/problems';
import { parseScheduleExpression } from '../schedule-expression';
import { maxGapSeconds } from '../signals/heartbeat-period';

export const KEEP_STOPPED_SUFFIX = '-keep-stopped';
export const DEFAULT_KEEP_STOPPED_EVERY = 'rate(6 hours)';
/** Schedule names are at most 48 characters (stage-config.ts). */
const MAX_NAME_LENGTH = 48;
/**
 * The task's DescribeEvents lookback (RESTART_LOOKBACK_MINUTES in handlers/tasks/rds/restarted-by-aws.ts,
 * not imported: only the registry reaches into a task); the period leaves room for one missed firing.
 */
const LOOKBACK_HOURS = 48;
export const MAX_KEEP_STOPPED_SECONDS = (LOOKBACK_HOURS * 3600) / 2;

type Schedule = StageConfig['schedules'][number];

function problemsOf(schedule: Schedule, at: (field: string) => string): Problem[] {
  const problems: Problem[] = [];
  if (!schedule.keepStopped) {
    if (schedule.keepStoppedEvery !== undefined) {
      problems.push({
        field: at('keepStoppedEvery'),
        message:
          'is only read with keepStopped: true; add keepStopped: true or drop keepStoppedEvery',
      });
    }
    return problems;
  }
  const { task, action } = schedule.request as { task?: unknown; action?: unknown };
  if (task !== 'rds' || action !== 'stop') {
    problems.push({
      field: at('keepStopped'),
      message: `only an RDS stop schedule (request task "rds", action "stop") can keep what it stopped stopped: RDS restarts a DB after 7 days stopped, EC2 does not; this request is task "${String(task ?? 'ec2')}", action "${String(action)}". Drop keepStopped`,
    });
  }
  if (schedule.name.length + KEEP_STOPPED_SUFFIX.length > MAX_NAME_LENGTH) {
    problems.push({
      field: at('name'),
      message: `keepStopped adds the schedule "${schedule.name}${KEEP_STOPPED_SUFFIX}", over ${MAX_NAME_LENGTH} characters; shorten the name to at most ${MAX_NAME_LENGTH - KEEP_STOPPED_SUFFIX.length} characters`,
    });
  }
  const every = schedule.keepStoppedEvery ?? DEFAULT_KEEP_STOPPED_EVERY;
  const parsed = parseScheduleExpression(every);
  const gap = maxGapSeconds(every);
  if (!parsed.ok || parsed.expression.kind !== 'rate' || gap === undefined) {
    problems.push({
      field: at('keepStoppedEvery'),
      message: `must be a rate(...) expression such as "${DEFAULT_KEEP_STOPPED_EVERY}"${parsed.ok ? '' : `: ${parsed.message}`}`,
    });
  } else if (gap > MAX_KEEP_STOPPED_SECONDS) {
    problems.push({
      field: at('keepStoppedEvery'),
      message: `is every ${gap / 3600} hours; at most every ${MAX_KEEP_STOPPED_SECONDS / 3600} hours, so RDS's restart event is still within the ${LOOKBACK_HOURS}-hour lookback at the next firing`,
    });
  }
  return problems;
}

/**
 * The companion of a keepStopped schedule (same targets and selection, only what RDS restarted).
 * Not the stop's `confirmCount`: the companion changes only what RDS restarted since, usually
 * nothing, and the guard refuses a run whose count differs from its confirmCount, so a copied
 * count would fail nearly every firing. The stage's maxResourcesPerRequest still bounds it.
 */
export function keepStoppedCompanion(schedule: Schedule): Schedule {
  const { keepStopped: _keep, keepStoppedEvery, ...rest } = schedule;
  const { confirmCount: _count, ...request } = schedule.request;
  return {
    ...rest,
    name: `${schedule.name}${KEEP_STOPPED_SUFFIX}`,
    expression: keepStoppedEvery ?? DEFAULT_KEEP_STOPPED_EVERY,
    // A task's own fields pass the stage schema as they are (it checks only the common ones).
    request: Object.assign(request, { onlyRestartedByAws: true }),
  };
}

/** The stage's schedules with each keepStopped schedule's companion after it, or why not. */
export function withKeepStoppedSchedules<Config extends Pick<StageConfig, 'schedules'>>(
  config: Config,
  prefix = 'params',
): { ok: true; value: Config } | { ok: false; problems: Problem[] } {
  const problems = config.schedules.flatMap((schedule, index) =>
    problemsOf(schedule, (field) => `${prefix}.schedules[${index}].${field}`),
  );
  if (problems.length > 0) return { ok: false, problems };
  const schedules = config.schedules.flatMap((schedule) =>
    schedule.keepStopped ? [schedule, keepStoppedCompanion(schedule)] : [schedule],
  );
  return { ok: true, value: { ...config, schedules } };
}
