import { parseRoleArn, roleArn, roleUniqueId } from './arns';
import type { Clock } from './clock';
import {
  type Phase,
  scaledTiming,
  seededPhase,
  settle,
  startingPhase,
  stoppingPhase,
  type Timing,
} from './instance-lifecycle';
import type { InstanceView } from './instances';
import { RdsResources } from './rds-resources';
import type { InstanceSeed, Seed, WorldSettings } from './seed-schema';
import { DEFAULT_SETTINGS, WorldSettingsSchema } from './seed-schema';
import { type RoleSession, SessionStore } from './sessions';
import type { Account, Role } from './world-types';

type StaticFields = Omit<InstanceView, 'state' | 'stateReason' | 'transitionReason'>;

interface InstanceRecord {
  fields: StaticFields;
  phase: Phase;
}

export interface HomeSessionOptions {
  /** lambda:SourceFunctionArn for calls made with the session; null = called from outside any function. */
  sourceFunctionArn?: string | null;
  lifetimeSeconds?: number;
  sessionName?: string;
}

/**
 * Accounts, roles, instances and sessions. Instance states are computed from timestamps when read,
 * so nothing runs in the background.
 */
export class World {
  readonly home: Seed['home'];
  readonly sessions: SessionStore;
  /** The execution role's session that `sls invoke local` runs with (made at start). */
  readonly homeSession: RoleSession;
  /** DB instances and clusters (rds-resources.ts), on the same clock and time factor. */
  readonly rds: RdsResources;
  private settingsNow: WorldSettings;
  private readonly accounts = new Map<string, Account>();
  /** Per `account|region`, in seed order (the order DescribeInstances reports). */
  private readonly instancesByPlace = new Map<string, InstanceRecord[]>();
  private readonly instancesById = new Map<string, InstanceRecord>();

  constructor(
    seed: Seed,
    readonly clock: Clock,
    settings: Partial<WorldSettings> = {},
    homeSessionOptions: HomeSessionOptions = {},
  ) {
    this.home = seed.home;
    this.settingsNow = WorldSettingsSchema.parse({
      ...DEFAULT_SETTINGS,
      ...seed.settings,
      ...settings,
    });
    this.sessions = new SessionStore(clock);
    const now = clock.now();
    for (const accountSeed of seed.accounts) {
      const roles = new Map<string, Role>();
      for (const roleSeed of accountSeed.roles) {
        const arn = roleArn(accountSeed.accountId, roleSeed.name);
        roles.set(roleSeed.name, {
          accountId: accountSeed.accountId,
          name: roleSeed.name,
          arn,
          roleId: roleUniqueId(arn),
          maxSessionDurationSeconds: roleSeed.maxSessionDurationSeconds,
          ...(roleSeed.parameters ? { parameters: roleSeed.parameters } : {}),
          ...(roleSeed.template ? { template: roleSeed.template } : {}),
        });
      }
      this.accounts.set(accountSeed.accountId, {
        accountId: accountSeed.accountId,
        name: accountSeed.name,
        ...(accountSeed.organizationId ? { organizationId: accountSeed.organizationId } : {}),
        roles,
        regions: Object.keys(accountSeed.regions),
      });
      for (const [region, { instances }] of Object.entries(accountSeed.regions)) {
        const records = instances.map((instance) =>
          this.recordFor(accountSeed.accountId, region, instance, now),
        );
        this.instancesByPlace.set(placeKey(accountSeed.accountId, region), records);
        for (const record of records) this.instancesById.set(record.fields.instanceId, record);
      }
    }
    this.rds = new RdsResources(seed, clock, () => this.settingsNow.timeFactor);
    this.homeSession = this.createHomeSession(homeSessionOptions);
  }

  get settings(): WorldSettings {
    return { ...this.settingsNow };
  }

  updateSettings(patch: unknown): WorldSettings {
    const parsed = WorldSettingsSchema.partial().parse(patch);
    this.settingsNow = { ...this.settingsNow, ...parsed };
    return this.settings;
  }

  /** Transition durations now: the settings' real-world times scaled by their time factor. */
  timing(): Timing {
    return scaledTiming(this.settingsNow);
  }

  account(accountId: string): Account | undefined {
    return this.accounts.get(accountId);
  }

  allAccounts(): Account[] {
    return [...this.accounts.values()];
  }

  /** The role an ARN names, if the world has it (paths are ignored, as role names are unique). */
  roleByArn(arn: string): Role | undefined {
    const parsed = parseRoleArn(arn);
    if (!parsed) return undefined;
    return this.accounts.get(parsed.accountId)?.roles.get(parsed.roleName);
  }

  homeRole(): Role {
    const role = this.accounts.get(this.home.accountId)?.roles.get(this.home.executionRoleName);
    if (!role) throw new Error('The seed has no home execution role (load-seed checks this).');
    return role;
  }

  /** A new session of the execution role, e.g. one without lambda:SourceFunctionArn. */
  createHomeSession(options: HomeSessionOptions = {}): RoleSession {
    const sourceFunctionArn =
      options.sourceFunctionArn === undefined ? this.home.functionArn : options.sourceFunctionArn;
    return this.sessions.issue({
      role: this.homeRole(),
      sessionName: options.sessionName ?? this.home.functionName,
      lifetimeSeconds: options.lifetimeSeconds ?? this.settingsNow.homeSessionLifetimeSeconds,
      ...(sourceFunctionArn ? { sourceFunctionArn } : {}),
    });
  }

  /** Instances of one account and region as they are now, in a stable order. */
  instancesIn(accountId: string, region: string): InstanceView[] {
    return (this.instancesByPlace.get(placeKey(accountId, region)) ?? []).map((record) =>
      this.view(record),
    );
  }

  /** One instance as it is now, wherever it lives (tests and the admin API). */
  instance(instanceId: string): InstanceView | undefined {
    const record = this.instancesById.get(instanceId);
    return record ? this.view(record) : undefined;
  }

  /** Finds an instance only where a caller in that account and region would see it. */
  findIn(accountId: string, region: string, instanceId: string): InstanceView | undefined {
    const record = this.instancesById.get(instanceId);
    if (!record || record.fields.accountId !== accountId || record.fields.region !== region) {
      return undefined;
    }
    return this.view(record);
  }

  /** stopped → pending → running (or back to stopped when `kmsDenied`). */
  beginStart(instanceId: string, kmsDenied: boolean): void {
    const record = this.mustFind(instanceId);
    const now = this.clock.now();
    record.phase = startingPhase(now, this.timing(), kmsDenied);
    // EC2 reports LaunchTime to the second.
    record.fields.launchTime = Math.floor(now / 1000) * 1000;
  }

  /** running → stopping → stopped; `force` on an instance already stopping finishes it now. */
  beginStop(instanceId: string, options: { hibernate: boolean; force: boolean }): void {
    const record = this.mustFind(instanceId);
    const now = this.clock.now();
    record.phase = settle(record.phase, now);
    if (record.phase.state === 'stopping') {
      if (options.force && record.phase.next) {
        record.phase = { ...record.phase.next.phase, since: now };
      }
      return;
    }
    record.phase = stoppingPhase(now, this.timing(), options.hibernate);
  }

  private mustFind(instanceId: string): InstanceRecord {
    const record = this.instancesById.get(instanceId);
    if (!record) throw new Error(`No instance ${instanceId}`);
    return record;
  }

  private view(record: InstanceRecord): InstanceView {
    record.phase = settle(record.phase, this.clock.now());
    const { state, stateReason, transitionReason } = record.phase;
    return {
      ...record.fields,
      tags: record.fields.tags.map((tag) => ({ ...tag })),
      state,
      ...(stateReason ? { stateReason: { ...stateReason } } : {}),
      transitionReason,
    };
  }

  private recordFor(
    accountId: string,
    region: string,
    seed: InstanceSeed,
    now: number,
  ): InstanceRecord {
    return {
      fields: {
        instanceId: seed.instanceId,
        accountId,
        region,
        reservationId: seed.reservationId ?? `r-${seed.instanceId.slice(2)}`,
        instanceType: seed.instanceType,
        availabilityZone: seed.availabilityZone,
        imageId: seed.imageId,
        launchTime: Date.parse(seed.launchTime),
        hibernationConfigured: seed.hibernationConfigured,
        ...(seed.ebsKmsKeyArn ? { ebsKmsKeyArn: seed.ebsKmsKeyArn } : {}),
        tags: Object.entries(seed.tags).map(([key, value]) => ({ key, value })),
      },
      phase: seededPhase(seed.state, now, this.timing()),
    };
  }
}

function placeKey(accountId: string, region: string): string {
  return `${accountId}|${region}`;
}
