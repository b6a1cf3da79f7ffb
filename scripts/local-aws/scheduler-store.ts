/**
 * The local EventBridge Scheduler's schedules and groups, per account and region, as GetSchedule
 * shows them (timestamps in epoch seconds, as restJson1 carries them). scheduler-firing.ts fires
 * the enabled ones on the world clock.
 */

export type ScheduleState = 'ENABLED' | 'DISABLED';

/** What a seed gives for one schedule (scheduler-seed.ts reads these from a packaged template). */
export interface ScheduleSeed {
  accountId: string;
  region: string;
  group: string;
  name: string;
  scheduleExpression: string;
  scheduleExpressionTimezone?: string;
  description?: string;
  state: ScheduleState;
  flexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  /** As the wire carries it: Arn, RoleArn, Input, RetryPolicy, DeadLetterConfig, ... */
  target: Record<string, unknown>;
}

/** One schedule with the fields GetSchedule answers. */
export interface StoredSchedule {
  Arn: string;
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  Description?: string;
  StartDate?: number;
  EndDate?: number;
  State: ScheduleState;
  KmsKeyArn?: string;
  ActionAfterCompletion: string;
  FlexibleTimeWindow: Record<string, unknown>;
  Target: Record<string, unknown>;
  CreationDate: number;
  LastModificationDate: number;
}

/** What UpdateSchedule may set: everything but the ARN and the dates AWS keeps. */
export type ScheduleReplacement = Omit<
  StoredSchedule,
  'Arn' | 'Name' | 'GroupName' | 'CreationDate' | 'LastModificationDate'
>;

export interface SchedulerCallRecord {
  action: string;
  outcome: string;
  schedule?: string;
}

export function scheduleArn(region: string, accountId: string, group: string, name: string) {
  return `arn:aws:scheduler:${region}:${accountId}:schedule/${group}/${name}`;
}

const key = (accountId: string, region: string, group: string) => `${accountId}/${region}/${group}`;

export class ScheduleStore {
  /** Groups by account/region/name; every account and region has `default`. */
  private readonly groups = new Map<string, Map<string, StoredSchedule>>();
  private readonly callLog: SchedulerCallRecord[] = [];

  constructor(
    private readonly nowSeconds: () => number = () => Date.now() / 1000,
    /** ListSchedules' page size when the caller gives no MaxResults. */
    public defaultPageSize = 100,
  ) {}

  seed(schedules: readonly ScheduleSeed[]): void {
    const now = this.nowSeconds();
    for (const s of schedules) {
      const group = this.groupOrCreate(s.accountId, s.region, s.group);
      group.set(s.name, {
        Arn: scheduleArn(s.region, s.accountId, s.group, s.name),
        Name: s.name,
        GroupName: s.group,
        ScheduleExpression: s.scheduleExpression,
        ...(s.scheduleExpressionTimezone
          ? { ScheduleExpressionTimezone: s.scheduleExpressionTimezone }
          : {}),
        ...(s.description !== undefined ? { Description: s.description } : {}),
        State: s.state,
        ActionAfterCompletion: 'NONE',
        FlexibleTimeWindow: structuredClone(s.flexibleTimeWindow),
        Target: structuredClone(s.target),
        CreationDate: now,
        LastModificationDate: now,
      });
    }
  }

  hasGroup(accountId: string, region: string, group: string): boolean {
    return group === 'default' || this.groups.has(key(accountId, region, group));
  }

  /** The group's schedules, ordered by name (copies). */
  list(accountId: string, region: string, group: string): StoredSchedule[] {
    const schedules = this.groups.get(key(accountId, region, group));
    return [...(schedules?.values() ?? [])]
      .sort((a, b) => a.Name.localeCompare(b.Name))
      .map((s) => structuredClone(s));
  }

  get(accountId: string, region: string, group: string, name: string): StoredSchedule | undefined {
    const found = this.groups.get(key(accountId, region, group))?.get(name);
    return found ? structuredClone(found) : undefined;
  }

  /** UpdateSchedule: every field is replaced; a field the request left out is gone. */
  replace(
    accountId: string,
    region: string,
    group: string,
    name: string,
    replacement: ScheduleReplacement,
  ): StoredSchedule | undefined {
    const schedules = this.groups.get(key(accountId, region, group));
    const current = schedules?.get(name);
    if (!schedules || !current) return undefined;
    const next: StoredSchedule = {
      ...structuredClone(replacement),
      Arn: current.Arn,
      Name: name,
      GroupName: group,
      CreationDate: current.CreationDate,
      LastModificationDate: this.nowSeconds(),
    };
    schedules.set(name, next);
    return structuredClone(next);
  }

  /** CreateSchedule: false when the name is taken in the group. */
  create(
    accountId: string,
    region: string,
    group: string,
    name: string,
    replacement: ScheduleReplacement,
  ): StoredSchedule | undefined {
    const schedules = this.groupOrCreate(accountId, region, group);
    if (schedules.has(name)) return undefined;
    const now = this.nowSeconds();
    const created: StoredSchedule = {
      ...structuredClone(replacement),
      Arn: scheduleArn(region, accountId, group, name),
      Name: name,
      GroupName: group,
      CreationDate: now,
      LastModificationDate: now,
    };
    schedules.set(name, created);
    return structuredClone(created);
  }

  /** DeleteSchedule (and ActionAfterCompletion DELETE): whether it was there. */
  delete(accountId: string, region: string, group: string, name: string): boolean {
    return this.groups.get(key(accountId, region, group))?.delete(name) ?? false;
  }

  /** Every schedule of every account, region and group (copies), for the firing. */
  all(): Array<{ accountId: string; region: string; schedule: StoredSchedule }> {
    return [...this.groups.entries()].flatMap(([k, schedules]) => {
      const [accountId = '', region = ''] = k.split('/');
      return [...schedules.values()].map((s) => ({
        accountId,
        region,
        schedule: structuredClone(s),
      }));
    });
  }

  recordCall(call: SchedulerCallRecord): void {
    this.callLog.push(call);
  }

  calls(): SchedulerCallRecord[] {
    return [...this.callLog];
  }

  resetCalls(): void {
    this.callLog.length = 0;
  }

  private groupOrCreate(accountId: string, region: string, group: string) {
    const k = key(accountId, region, group);
    let schedules = this.groups.get(k);
    if (!schedules) {
      schedules = new Map();
      this.groups.set(k, schedules);
    }
    return schedules;
  }
}
