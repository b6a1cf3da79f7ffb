/**
 * Rules a run applies to each selected resource, for any task that exposes its resources' facts
 * (`factsOf`): the snooze tag and the runtime cap. They run between selection and the blast-radius
 * guard, so a resource they set aside is neither counted nor called.
 *
 * Snooze: the tag `<prefix>:snooze-until` (the control tag's prefix: `xacct-ec2:managed` gives
 * `xacct-ec2:snooze-until`), an ISO 8601 time with `Z` or an offset, keeps a resource out of
 * stops until then. It applies to stops only: it says "keep it running until", and a start never
 * loses work. Scheduled runs respect it by default, on-demand requests only with
 * `respectSnooze: true`. A snooze that is expired, unparsable or further than MAX_SNOOZE_DAYS
 * away is ignored, and the resource's entry says why: never honoured silently.
 *
 * Runtime cap: a stop with `maxRunningHours: N` stops only the resources running for more than N
 * hours (by `runningSince`; EC2's LaunchTime, the last start of an EBS-backed instance); the
 * others, and those whose start time the service does not give, are skipped with the reason.
 */
import { SchedulerError } from '../formats/scheduler-error';
import type { ResourceOutcome, SnoozeCounts, SnoozeNote } from './results';
import type { AnyTask, ResourceFacts, Selection } from './task';

/** Furthest a snooze may reach: a forgotten tag must not keep a resource out of stops for good. */
export const MAX_SNOOZE_DAYS = 30;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The stage's tag prefix: the control tag key before its last `:` and the colon (`xacct-ec2:`). */
export function stageTagPrefix(controlTagKey: string): string {
  const colon = controlTagKey.lastIndexOf(':');
  return `${colon > 0 ? controlTagKey.slice(0, colon) : controlTagKey}:`;
}

/** The snooze tag's key: the stage's tag prefix and `snooze-until`. */
export function snoozeTagKey(controlTagKey: string): string {
  return `${stageTagPrefix(controlTagKey)}snooze-until`;
}

/** The request fields the rules read (validated by the contract). */
export interface RuleRequest {
  action: string;
  /** Honour snooze tags (default: true for a scheduled run, false on demand). */
  respectSnooze?: boolean;
  /** Stop only what has run for longer than this (stop only). */
  maxRunningHours?: number;
}

export type SnoozeReading =
  | { status: 'active'; until: string }
  | { status: 'expired' | 'unparsable' | 'too-distant'; value: string; detail: string };

const ISO_WITH_ZONE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads a snooze tag's value at `now`. */
export function readSnooze(value: string, now: number): SnoozeReading {
  const match = ISO_WITH_ZONE.exec(value);
  const until = match ? Date.parse(value) : Number.NaN;
  const [year, month, day] = (match?.slice(1, 4) ?? []).map(Number);
  const probe = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
  const realDate =
    probe.getUTCFullYear() === year &&
    probe.getUTCMonth() + 1 === month &&
    probe.getUTCDate() === day;
  if (!match || Number.isNaN(until) || !realDate) {
    return {
      status: 'unparsable',
      value,
      detail: `"${value}" is not an ISO 8601 time with Z or an offset, such as 2027-03-26T18:00:00+01:00`,
    };
  }
  const iso = new Date(until).toISOString();
  if (until <= now) return { status: 'expired', value, detail: `expired at ${iso}` };
  if (until - now > MAX_SNOOZE_DAYS * DAY_MS) {
    return {
      status: 'too-distant',
      value,
      detail: `${iso} is more than ${MAX_SNOOZE_DAYS} days away (the longest snooze); set a nearer time`,
    };
  }
  return { status: 'active', until: iso };
}

/** A task without resource facts cannot apply the rules: the request is refused, naming the task. */
export class RulesNotSupportedError extends SchedulerError {
  constructor(
    readonly task: string,
    readonly field: 'respectSnooze' | 'maxRunningHours',
  ) {
    super(
      'RulesNotSupportedError',
      `${field}: task ${task} does not expose its resources' facts (factsOf), so it cannot read snooze tags or running times; remove ${field} from the request`,
    );
  }
}

/** Refuses rule fields a task cannot apply (before any call: runRequest checks first). */
export function requireRuleSupport(task: AnyTask, request: RuleRequest): void {
  if (task.factsOf) return;
  if (request.maxRunningHours !== undefined) {
    throw new RulesNotSupportedError(task.name, 'maxRunningHours');
  }
  if (request.respectSnooze === true) throw new RulesNotSupportedError(task.name, 'respectSnooze');
}

/** A resource's entry with the rules' notes on it. */
export function withNotes(
  outcomes: readonly ResourceOutcome[],
  notes: ReadonlyMap<string, Partial<ResourceOutcome>> | undefined,
): ResourceOutcome[] {
  if (!notes || notes.size === 0) return [...outcomes];
  return outcomes.map((o) => ({ ...o, ...notes.get(o.id) }));
}

/** What the rules did to one target's selection. */
export interface RuledSelection {
  selection: Selection<unknown>;
  /** Fields to add to a resource's entry, by ID (the snooze note, the running time). */
  notes: Map<string, Partial<ResourceOutcome>>;
}

function snoozeNote(
  reading: SnoozeReading | undefined,
  honoured: boolean,
  respect: boolean,
  action: string,
): SnoozeNote | undefined {
  if (!reading) return undefined;
  if (reading.status === 'active' && action === 'status') {
    return { status: 'active', until: reading.until };
  }
  if (reading.status === 'active') {
    return honoured
      ? { status: 'honoured' as const, until: reading.until }
      : {
          status: 'ignored' as const,
          until: reading.until,
          detail: respect
            ? 'snoozes hold off stops only'
            : 'an on-demand request ignores snoozes unless it sets respectSnooze: true',
        };
  }
  if (reading.status === 'expired') return { status: 'expired' as const, detail: reading.detail };
  return { status: 'ignored' as const, detail: reading.detail };
}

/**
 * Applies the snooze and the runtime cap to one target's selection. Without rule fields and
 * without snooze tags, the selection comes back as it was.
 */
export function applyResourceRules(
  task: AnyTask,
  request: RuleRequest,
  selection: Selection<unknown>,
  context: { controlTagKey: string; now: number },
): RuledSelection {
  const notes = new Map<string, Partial<ResourceOutcome>>();
  const { factsOf } = task;
  if (!factsOf) {
    requireRuleSupport(task, request);
    return { selection, notes };
  }
  const key = snoozeTagKey(context.controlTagKey);
  const respect = request.respectSnooze === true;
  const stopping = request.action === 'stop';
  const selected: unknown[] = [];
  const skipped: ResourceOutcome[] = [...selection.skipped];
  for (const resource of selection.selected) {
    const facts: ResourceFacts = factsOf.call(task, resource);
    const tag = facts.tags[key];
    const reading = tag === undefined ? undefined : readSnooze(tag, context.now);
    const honoured = reading?.status === 'active' && respect && stopping;
    const snooze = snoozeNote(reading, honoured, respect, request.action);
    const base = {
      id: facts.id,
      ...(facts.type ? { type: facts.type } : {}),
      currentState: facts.state,
      ...(snooze ? { snooze } : {}),
    };
    if (honoured && reading?.status === 'active') {
      skipped.push({
        ...base,
        outcome: 'skipped',
        reason: `snoozed until ${reading.until} (${key})`,
      });
      continue;
    }
    if (request.maxRunningHours !== undefined && stopping) {
      const cap = request.maxRunningHours;
      if (!facts.runningSince) {
        skipped.push({
          ...base,
          outcome: 'skipped',
          reason: `maxRunningHours: task ${task.name} gives no start time for this resource (state ${facts.state}), so its running time is unknown`,
        });
        continue;
      }
      const hours = Math.floor(((context.now - facts.runningSince.getTime()) / HOUR_MS) * 10) / 10;
      if (hours <= cap) {
        skipped.push({
          ...base,
          runningHours: hours,
          outcome: 'skipped',
          reason: `running ${hours} h since ${facts.runningSince.toISOString()}, within maxRunningHours ${cap}`,
        });
        continue;
      }
      notes.set(facts.id, { ...(snooze ? { snooze } : {}), runningHours: hours });
    } else if (snooze) notes.set(facts.id, { snooze });
    selected.push(resource);
  }
  return { selection: { ...selection, selected, skipped }, notes };
}

/** The snooze notes of a run's entries, counted (undefined when no entry had a snooze tag). */
export function snoozeCounts(resources: readonly ResourceOutcome[]): SnoozeCounts | undefined {
  const counts = { honoured: 0, ignored: 0, expired: 0 };
  for (const { snooze } of resources) {
    if (snooze && snooze.status !== 'active') counts[snooze.status] += 1;
  }
  return counts.honoured + counts.ignored + counts.expired > 0 ? counts : undefined;
}
