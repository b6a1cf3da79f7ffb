import type { ServiceName } from './faults';

/** Outcome of a call: `OK`, or the AWS error code it was answered with. */
export interface CallRecord {
  service: ServiceName | 'organizations' | 'states' | 'unknown';
  /** Account of the signing credentials (`unknown` when they could not be identified). */
  accountId: string;
  region: string;
  action: string;
  outcome: string;
}

export interface CallCount {
  service: CallRecord['service'];
  accountId: string;
  region: string;
  action: string;
  count: number;
  outcomes: Record<string, number>;
}

export type CallFilter = Partial<CallRecord>;

/** Counts AWS calls per account, region and action, with their outcomes: what tests and the benchmark assert on. */
export class CallCounters {
  private readonly counts = new Map<string, CallCount>();
  private inFlight = 0;
  private peak = 0;

  record(call: CallRecord): void {
    const key = [call.service, call.accountId, call.region, call.action].join('|');
    let entry = this.counts.get(key);
    if (!entry) {
      const { outcome: _outcome, ...where } = call;
      entry = { ...where, count: 0, outcomes: {} };
      this.counts.set(key, entry);
    }
    entry.count += 1;
    entry.outcomes[call.outcome] = (entry.outcomes[call.outcome] ?? 0) + 1;
  }

  /** Number of calls matching every given field (all calls when the filter is empty). */
  count(filter: CallFilter = {}): number {
    let total = 0;
    for (const entry of this.counts.values()) {
      if (!matches(entry, filter)) continue;
      total += filter.outcome === undefined ? entry.count : (entry.outcomes[filter.outcome] ?? 0);
    }
    return total;
  }

  list(): CallCount[] {
    return [...this.counts.values()].map((entry) => ({
      ...entry,
      outcomes: { ...entry.outcomes },
    }));
  }

  /** Marks a request as being answered; the peak shows how much concurrency a client achieved. */
  begin(): () => void {
    this.inFlight += 1;
    this.peak = Math.max(this.peak, this.inFlight);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight -= 1;
    };
  }

  concurrency(): { inFlight: number; peak: number } {
    return { inFlight: this.inFlight, peak: this.peak };
  }

  reset(): void {
    this.counts.clear();
    this.peak = this.inFlight;
  }

  snapshot(): {
    total: number;
    concurrency: { inFlight: number; peak: number };
    calls: CallCount[];
  } {
    return { total: this.count(), concurrency: this.concurrency(), calls: this.list() };
  }
}

function matches(entry: CallCount, filter: CallFilter): boolean {
  return (
    (filter.service === undefined || filter.service === entry.service) &&
    (filter.accountId === undefined || filter.accountId === entry.accountId) &&
    (filter.region === undefined || filter.region === entry.region) &&
    (filter.action === undefined || filter.action === entry.action)
  );
}
