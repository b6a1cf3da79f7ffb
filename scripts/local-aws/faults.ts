import { z } from 'zod';
import { type Random, seededRandom } from './seeded-random';
import { BUCKET_NAMES, type BucketName, DOCUMENTED_BUCKETS } from './throttling';
import type { BucketSpec } from './token-bucket';

export type ServiceName = 'sts' | 'ec2' | 'rds';

/** What a fault decision needs to know about a call. */
export interface CallScope {
  service: ServiceName;
  accountId: string;
  region: string;
  action: string;
}

const BucketSpecSchema = z.strictObject({
  capacity: z.number().positive(),
  refillPerSecond: z.number().min(0),
});

/** Limits latency, server errors and STS throttling to some calls; an omitted list matches all. */
const FaultScopeSchema = z.strictObject({
  services: z.array(z.enum(['sts', 'ec2', 'rds'])).optional(),
  accounts: z.array(z.string()).optional(),
  regions: z.array(z.string()).optional(),
  actions: z.array(z.string()).optional(),
});

export const FaultSettingsSchema = z.strictObject({
  /** Added before every AWS call is answered (real milliseconds). */
  latencyMs: z.number().int().min(0).max(60_000),
  /** Extra latency drawn uniformly from [0, latencyJitterMs) with the seeded RNG. */
  latencyJitterMs: z.number().int().min(0).max(60_000),
  /** Share of calls answered InternalError (500) or ServiceUnavailable (503). */
  serverErrorRate: z.number().min(0).max(1),
  /** Share of STS calls answered Throttling "Rate exceeded" (400), on top of the STS bucket. */
  stsThrottleRate: z.number().min(0).max(1),
  /** EC2 and STS token buckets on or off. */
  throttling: z.boolean(),
  /** Replaces documented bucket sizes, e.g. { StartInstances: { capacity: 1, refillPerSecond: 10 } }. */
  buckets: z.partialRecord(z.enum(BUCKET_NAMES as [BucketName, ...BucketName[]]), BucketSpecSchema),
  /** Seed of the RNG behind every probabilistic fault; setting it restarts the sequence. */
  randomSeed: z.number().int(),
  scope: FaultScopeSchema.optional(),
});

export type FaultSettings = z.infer<typeof FaultSettingsSchema>;
export type FaultPatch = Partial<FaultSettings>;

export const DEFAULT_FAULTS: FaultSettings = {
  latencyMs: 0,
  latencyJitterMs: 0,
  serverErrorRate: 0,
  stsThrottleRate: 0,
  throttling: true,
  buckets: {},
  randomSeed: 1,
};

export class FaultSettingsError extends Error {
  override name = 'FaultSettingsError';
}

export type ServerErrorKind = 'internal' | 'unavailable';

/** The fault knobs, changeable while the endpoint runs. */
export class Faults {
  private settings: FaultSettings = { ...DEFAULT_FAULTS };
  private random: Random = seededRandom(DEFAULT_FAULTS.randomSeed);
  private readonly bucketListeners: Array<() => void> = [];

  constructor(initial: unknown = {}) {
    this.update(initial);
  }

  current(): FaultSettings {
    return structuredClone(this.settings);
  }

  /** Validates and merges a patch (unknown keys are refused); returns the settings now in force. */
  update(patch: unknown): FaultSettings {
    const parsed = FaultSettingsSchema.partial().safeParse(patch);
    if (!parsed.success) throw new FaultSettingsError(z.prettifyError(parsed.error));
    const changes = parsed.data;
    this.settings = { ...this.settings, ...changes };
    if (changes.randomSeed !== undefined) this.random = seededRandom(changes.randomSeed);
    if (changes.buckets !== undefined || changes.throttling !== undefined) {
      for (const listener of this.bucketListeners) listener();
    }
    return this.current();
  }

  reset(): FaultSettings {
    this.settings = { ...DEFAULT_FAULTS };
    this.random = seededRandom(DEFAULT_FAULTS.randomSeed);
    for (const listener of this.bucketListeners) listener();
    return this.current();
  }

  /** Called when bucket sizes change, so buckets restart full at their new size. */
  onBucketsChanged(listener: () => void): void {
    this.bucketListeners.push(listener);
  }

  throttlingEnabled(): boolean {
    return this.settings.throttling;
  }

  bucketSpec(name: BucketName): BucketSpec {
    return this.settings.buckets[name] ?? DOCUMENTED_BUCKETS[name];
  }

  latencyFor(call: CallScope): number {
    const { latencyMs, latencyJitterMs } = this.settings;
    if (!this.inScope(call) || (latencyMs === 0 && latencyJitterMs === 0)) return 0;
    return latencyMs + (latencyJitterMs > 0 ? Math.floor(this.random() * latencyJitterMs) : 0);
  }

  serverErrorFor(call: CallScope): ServerErrorKind | undefined {
    const rate = this.settings.serverErrorRate;
    if (rate === 0 || !this.inScope(call)) return undefined;
    if (this.random() >= rate) return undefined;
    return this.random() < 0.5 ? 'internal' : 'unavailable';
  }

  stsThrottled(call: CallScope): boolean {
    const rate = this.settings.stsThrottleRate;
    if (rate === 0 || call.service !== 'sts' || !this.inScope(call)) return false;
    return this.random() < rate;
  }

  private inScope(call: CallScope): boolean {
    const scope = this.settings.scope;
    if (!scope) return true;
    return (
      (scope.services?.includes(call.service) ?? true) &&
      (scope.accounts?.includes(call.accountId) ?? true) &&
      (scope.regions?.includes(call.region) ?? true) &&
      (scope.actions?.includes(call.action) ?? true)
    );
  }
}
