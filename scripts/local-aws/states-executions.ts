/**
 * The executions of the state machines registered with the local endpoint: each StartExecution
 * starts a run in this process (scripts/local-aws/local-engine.ts, the one place that knows
 * aws-local-stepfunctions) and returns at once; the record follows the run to SUCCEEDED, FAILED,
 * TIMED_OUT or ABORTED. Names stay taken after an execution ends, as in AWS (for 90 days there).
 */
import {
  type EngineHandlers,
  type LocalRun,
  type LocalRunOutcome,
  startEngineRun,
} from './local-engine';

/** A state machine the endpoint serves: its ARN, its definition and the handlers its Tasks call. */
export interface LocalStateMachine {
  /** e.g. arn:aws:states:eu-west-1:111111111111:stateMachine:xacct-ec2-local-engine */
  arn: string;
  /** The ASL, e.g. packagedEngineDefinition(template) (Task Resources name the engine functions). */
  definition: Record<string, unknown>;
  handlers: EngineHandlers;
  /** Milliseconds each Wait state takes here (waitSeconds x 1000 x time factor). */
  waitMs: number;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
];

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  /** The input as given (a JSON string). */
  input: string;
  /** The output as a JSON string, once SUCCEEDED. */
  output?: string;
  error?: string;
  cause?: string;
}

/** arn:<partition>:states:<region>:<account>:stateMachine:<name> → its parts. */
function stateMachineParts(arn: string) {
  const [, partition, , region, accountId, , name] = arn.split(':');
  return { partition, region, accountId, name };
}

export function executionArnOf(stateMachineArn: string, name: string): string {
  const { partition, region, accountId, name: machine } = stateMachineParts(stateMachineArn);
  return `arn:${partition}:states:${region}:${accountId}:execution:${machine}:${name}`;
}

interface Entry {
  record: ExecutionRecord;
  run: LocalRun;
  finished: Promise<void>;
}

export class StateMachineExecutions {
  private readonly machines = new Map<string, LocalStateMachine>();
  private readonly entries = new Map<string, Entry>();
  /** Each machine's tags (TagResource, UntagResource, ListTagsForResource): the pause switch. */
  private readonly tags = new Map<string, Map<string, string>>();

  constructor(
    machines: readonly LocalStateMachine[],
    private readonly now: () => Date = () => new Date(),
  ) {
    for (const machine of machines) this.machines.set(machine.arn, machine);
  }

  /** Serves one more state machine (e.g. once its packaged definition is read). */
  register(machine: LocalStateMachine): void {
    this.machines.set(machine.arn, machine);
  }

  /**
   * A machine deployed in the home account whose runs are not served here (the stage's engine
   * when no definition is registered): its tags are, so the pause switch works everywhere.
   */
  declare(arn: string): void {
    this.tagsOf(arn);
  }

  /** True when the machine is registered or declared. */
  exists(arn: string): boolean {
    return this.machines.has(arn) || this.tags.has(arn);
  }

  /** A machine's tags, created empty; the caller has checked the machine exists. */
  tagsOf(arn: string): Map<string, string> {
    let tags = this.tags.get(arn);
    if (!tags) {
      tags = new Map();
      this.tags.set(arn, tags);
    }
    return tags;
  }

  machine(arn: string): LocalStateMachine | undefined {
    return this.machines.get(arn);
  }

  find(executionArn: string): ExecutionRecord | undefined {
    return this.entries.get(executionArn)?.record;
  }

  /** Starts a run of `machine` named `name`; the caller has checked the name is free. */
  start(machine: LocalStateMachine, name: string, input: string): ExecutionRecord {
    const executionArn = executionArnOf(machine.arn, name);
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.arn,
      name,
      status: 'RUNNING',
      startDate: this.now(),
      input,
    };
    const run = startEngineRun(machine.definition, machine.handlers, JSON.parse(input), {
      executionName: name,
      executionArn,
      waitMs: machine.waitMs,
    });
    const finished = run.outcome.then((outcome) => this.settle(record, outcome));
    this.entries.set(executionArn, { record, run, finished });
    return record;
  }

  /** Aborts a running execution (no further state starts); a finished one is left as it is. */
  stop(record: ExecutionRecord, error?: string, cause?: string): void {
    if (record.status !== 'RUNNING') return;
    record.status = 'ABORTED';
    record.stopDate = this.now();
    if (error !== undefined) record.error = error;
    if (cause !== undefined) record.cause = cause;
    this.entries.get(record.executionArn)?.run.abort();
  }

  /** The executions of one machine, newest first (as ListExecutions orders them). */
  list(stateMachineArn: string, status?: ExecutionStatus): ExecutionRecord[] {
    return [...this.entries.values()]
      .map((e) => e.record)
      .filter((r) => r.stateMachineArn === stateMachineArn)
      .filter((r) => status === undefined || r.status === status)
      .reverse();
  }

  /** Resolves once the execution has ended (tests and scripts that wait without polling). */
  async finished(executionArn: string): Promise<ExecutionRecord | undefined> {
    const entry = this.entries.get(executionArn);
    await entry?.finished;
    return entry?.record;
  }

  /** Aborts every running execution (the endpoint is shutting down). */
  stopAll(): void {
    for (const { record } of this.entries.values()) {
      this.stop(record, 'States.Aborted', 'the local endpoint stopped');
    }
  }

  private settle(record: ExecutionRecord, outcome: LocalRunOutcome): void {
    // A stopped execution stays ABORTED with the stop's date, whatever the run did after.
    if (record.status !== 'RUNNING') return;
    record.status = outcome.status;
    record.stopDate = this.now();
    if (outcome.status === 'SUCCEEDED') {
      record.output = JSON.stringify(outcome.result.output);
    } else if (outcome.status === 'FAILED') {
      record.error = outcome.error;
      record.cause = outcome.cause;
    }
  }
}
