/**
 * Runs the engine's packaged state machine on this machine with aws-local-stepfunctions: every
 * Task state calls the matching handler in-process (chosen by the Lambda logical ID in its
 * Resource), the Wait state is shortened by the caller (the local endpoint's time factor), and
 * the state events are counted. The library runs a Distributed Map as an inline one and ignores
 * ItemReader/ItemBatcher/ResultWriter/Tolerated*: the definition uses none of what it cannot model
 * for correctness (items come from the plan's output, each child catches its own failure).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
} from 'aws-local-stepfunctions';
import { ENGINE_FUNCTIONS } from '../../resources/home-stack/engine/state-machine';

type JSONValue = Parameters<StateMachine['run']>[0];
/** The library's event type (not exported by name). */
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
type Handler = (event: never, context: Context) => Promise<unknown>;

/** The engine's Lambda handlers, by their logical IDs' role. */
export interface EngineHandlers {
  plan: Handler;
  work: Handler;
  recheck: Handler;
  summarise: Handler;
  /**
   * EventBridge PutEvents as Step Functions' integration calls it (its Parameters as input):
   * only the last-resort summary uses it; without it that state fails.
   */
  putEvents?: Handler;
}

export interface LocalRunOptions {
  executionName: string;
  /** `$$.Execution.Id` (the execution ARN), when the run is served as a Step Functions execution. */
  executionArn?: string;
  /** Milliseconds each Wait state takes here (waitSeconds x 1000 x time factor). */
  waitMs: number;
  /** Seen for every state and Map iteration event, e.g. to show progress. */
  onEvent?: (event: EventLog) => void;
}

export interface LocalRunResult {
  output: unknown;
  /** Tasks called, by state name (Work: one per work item, RecheckBatch: one per re-check). */
  taskCalls: Record<string, number>;
  /** State transitions a Standard parent would be billed for (states entered outside the Maps). */
  parentTransitions: number;
  mapIterations: number;
}

const TIMEOUTS_MS: Record<keyof EngineHandlers, number> = {
  plan: 30_000,
  work: 60_000,
  recheck: 60_000,
  summarise: 30_000,
  putEvents: 30_000,
};

/** A Lambda context for an in-process invocation with `timeoutMs` to run. */
export function lambdaContext(name: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:111111111111:function:${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const ROLE_OF: Record<string, keyof EngineHandlers> = {
  [ENGINE_FUNCTIONS.Plan]: 'plan',
  [ENGINE_FUNCTIONS.Work]: 'work',
  [ENGINE_FUNCTIONS.RecheckBatch]: 'recheck',
  [ENGINE_FUNCTIONS.SummariseAct]: 'summarise',
};

interface StateNode {
  Type?: string;
  Resource?: string;
  States?: Record<string, StateNode>;
  ItemProcessor?: { States?: Record<string, StateNode> };
}

/**
 * Task states that call an AWS service integration rather than a Lambda function, and the role
 * that serves them here: the last-resort summary (EventBridge PutEvents) goes to `putEvents`.
 */
const SERVICE_INTEGRATIONS: Record<string, keyof EngineHandlers> = {
  'arn:aws:states:::events:putEvents': 'putEvents',
};

/** Task state name to handler role, from each Task's Resource ARN (…:function:<logical ID>). */
export function taskRoles(definition: {
  States?: Record<string, StateNode>;
}): Map<string, keyof EngineHandlers> {
  const roles = new Map<string, keyof EngineHandlers>();
  const walk = (states: Record<string, StateNode> | undefined) => {
    for (const [name, state] of Object.entries(states ?? {})) {
      if (state.Type === 'Task') {
        const logicalId = state.Resource?.split(':function:')[1] ?? '';
        const role = ROLE_OF[logicalId] ?? SERVICE_INTEGRATIONS[state.Resource ?? ''];
        if (!role)
          throw new Error(
            `Task state ${name} calls ${state.Resource}, which no engine handler serves`,
          );
        roles.set(name, role);
      }
      walk(state.ItemProcessor?.States);
    }
  };
  walk(definition.States);
  return roles;
}

/** How a local run ended, in Step Functions' terms (DescribeExecution's status, error, cause). */
export type LocalRunOutcome =
  | { status: 'SUCCEEDED'; result: LocalRunResult }
  | { status: 'FAILED'; error: string; cause: string }
  | { status: 'TIMED_OUT' }
  | { status: 'ABORTED' };

export interface LocalRun {
  /** Settles when the run ends, however it ends; never rejects. */
  outcome: Promise<LocalRunOutcome>;
  /**
   * Stops the run (the library's abort): no further state, Map iteration or Task starts; a
   * handler already called finishes, as an in-flight Lambda invocation does, and its result is
   * dropped.
   */
  abort(): void;
}

/** A run that failed, with the Step Functions error name and cause. */
export class LocalRunFailedError extends Error {
  constructor(
    readonly error: string,
    readonly runCause: string,
  ) {
    super(`the state machine failed: ${error}: ${runCause}`);
    this.name = 'LocalRunFailedError';
  }
}

/** Validating a definition takes the library a few hundred ms: once per definition object. */
const machines = new WeakMap<Record<string, unknown>, StateMachine>();

function machineFor(definition: Record<string, unknown>): StateMachine {
  let machine = machines.get(definition);
  if (!machine) {
    machine = new StateMachine(definition as never, { validationOptions: { checkArn: false } });
    machines.set(definition, machine);
  }
  return machine;
}

/** Starts a run and returns at once; `outcome` tells how it ended. */
export function startEngineRun(
  definition: Record<string, unknown>,
  handlers: EngineHandlers,
  input: unknown,
  options: LocalRunOptions,
): LocalRun {
  const taskCalls: Record<string, number> = {};
  let aborted = false;
  const overrides: Record<string, (input: JSONValue) => Promise<JSONValue>> = {};
  for (const [stateName, role] of taskRoles(definition)) {
    overrides[stateName] = async (event) => {
      // The library checks its abort signal between states, not before a Map's next iteration.
      if (aborted) throw new Error('the execution was stopped');
      taskCalls[stateName] = (taskCalls[stateName] ?? 0) + 1;
      const handler = handlers[role];
      if (!handler) throw new Error(`no local handler serves ${stateName} (${role})`);
      const result = await handler(
        event as never,
        lambdaContext(`engine-${role}`, TIMEOUTS_MS[role]),
      );
      return result as JSONValue;
    };
  }
  const execution = machineFor(definition).run(input as JSONValue, {
    overrides: {
      taskResourceLocalHandlers: overrides,
      waitTimeOverrides: { WaitForTransitions: options.waitMs },
    },
    context: {
      Execution: {
        Name: options.executionName,
        Input: input as JSONValue,
        ...(options.executionArn ? { Id: options.executionArn } : {}),
        StartTime: new Date().toISOString(),
      },
    },
  });
  let parentTransitions = 0;
  let mapIterations = 0;
  const counting = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered' && event.index === undefined) parentTransitions += 1;
      if (event.type === 'MapIterationStarted') mapIterations += 1;
      options.onEvent?.(event);
    }
  })();
  const outcome = execution.result.then(
    async (output): Promise<LocalRunOutcome> => {
      await counting;
      return {
        status: 'SUCCEEDED',
        result: { output, taskCalls, parentTransitions, mapIterations },
      };
    },
    (thrown: unknown): LocalRunOutcome => {
      if (thrown instanceof ExecutionAbortedError) return { status: 'ABORTED' };
      if (thrown instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT' };
      // ExecutionError carries the state's RuntimeError (States.TaskFailed, a handler's error name).
      const caught = thrown instanceof ExecutionError ? thrown.cause : thrown;
      return caught instanceof Error
        ? { status: 'FAILED', error: caught.name, cause: caught.message }
        : { status: 'FAILED', error: 'States.Runtime', cause: String(caught) };
    },
  );
  return {
    outcome,
    abort() {
      aborted = true;
      execution.abort();
    },
  };
}

/** Runs to the end: the result of a run that succeeded, else LocalRunFailedError. */
export async function runEngineLocally(
  definition: Record<string, unknown>,
  handlers: EngineHandlers,
  input: unknown,
  options: LocalRunOptions,
): Promise<LocalRunResult> {
  const outcome = await startEngineRun(definition, handlers, input, options).outcome;
  if (outcome.status === 'SUCCEEDED') return outcome.result;
  throw outcome.status === 'FAILED'
    ? new LocalRunFailedError(outcome.error, outcome.cause)
    : new LocalRunFailedError(
        `States.${outcome.status === 'ABORTED' ? 'Aborted' : 'Timeout'}`,
        outcome.status,
      );
}
