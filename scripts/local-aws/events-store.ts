/** The events the local EventBridge accepted, and a knob that makes it refuse entries. */

export interface RecordedEvent {
  eventId: string;
  /** The bus's ARN (the caller's account and region). */
  eventBusArn: string;
  account: string;
  region: string;
  source: string;
  detailType: string;
  detail: unknown;
  resources: string[];
  time: string;
}

export interface EventsFaults {
  /** The next this-many entries are answered with ErrorCode InternalFailure (then it counts down). */
  failEntries: number;
}

export interface PutEventsCallRecord {
  outcome: string;
  entries: number;
  failedEntries: number;
}

export class RecordedEvents {
  private readonly events: RecordedEvent[] = [];
  private readonly callLog: PutEventsCallRecord[] = [];
  private faults: EventsFaults = { failEntries: 0 };

  record(event: RecordedEvent): void {
    this.events.push(event);
  }

  recordCall(call: PutEventsCallRecord): void {
    this.callLog.push(call);
  }

  /** Whether the next entry is to be refused (consumes one from the knob). */
  takeFailure(): boolean {
    if (this.faults.failEntries <= 0) return false;
    this.faults.failEntries -= 1;
    return true;
  }

  list(): RecordedEvent[] {
    return [...this.events];
  }

  calls(): PutEventsCallRecord[] {
    return [...this.callLog];
  }

  currentFaults(): EventsFaults {
    return { ...this.faults };
  }

  updateFaults(patch: unknown): EventsFaults {
    const failEntries = (patch as { failEntries?: unknown } | null)?.failEntries;
    if (typeof failEntries !== 'number' || !Number.isInteger(failEntries) || failEntries < 0) {
      throw new EventsFaultsError('Expected {"failEntries": <whole number >= 0>}');
    }
    this.faults = { failEntries };
    return this.currentFaults();
  }

  reset(): void {
    this.events.length = 0;
    this.callLog.length = 0;
    this.faults = { failEntries: 0 };
  }
}

export class EventsFaultsError extends Error {
  override name = 'EventsFaultsError';
}
