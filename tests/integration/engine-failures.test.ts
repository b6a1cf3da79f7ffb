/**
 * Every way an engine run can fail ends with its Run Summary, marked failed with what failed: the
 * packaged definition (not a copy) runs with aws-local-stepfunctions, its Task states calling the
 * engine's handlers against the local endpoint, with one handler made to fail in each shape a
 * Distributed Map can hand the summary step (Step Functions Developer Guide, Distributed Map:
 * child workflow executions) or the run can meet:
 * - a task error the per-item Catch sees, and a task timeout (States.Timeout) it sees the same way;
 * - a result element `null`, or `{Error, Cause}`: what the Map holds for a child that failed or
 *   timed out at the execution level (Express's 5 minutes), where its own Catch never ran;
 * - the plan failing (a fleet past the engine's work items): its Catch, the run read from the
 *   execution's input; and an input that names no action, for which no summary can be sent;
 * - the Map itself failing as a whole with an error a Catch sees (none is expected at a tolerance of
 *   100 %, but the Catch stays): its Catch;
 * - the summary step failing after its retries, and then its failure summary too (last resort);
 * - a summary step retried after its Run Summary was accepted (one eventId, SIGNALS.md), and one
 *   that sent it and then failed for good (the failed summary supersedes it, under its own).
 * The library runs a Distributed Map inline and ignores ToleratedFailurePercentage, so the Map's
 * own failure is made here by a child without its Catch, which fails the Map with its error.
 */
import type { Context } from 'aws-lambda';
import { TooManyTargetsError } from '../../handlers/engine/batches';
import { realEc2Timings } from '../../scripts/local-aws';
import {
  type EngineHandlers,
  type LocalRunOutcome,
  startEngineRun,
} from '../../scripts/local-aws/local-engine';
import { packagedEngineDefinition } from '../../scripts/shared/stack/packaged-definition';
import { type Harness, startHarness } from './harness';

const TIME_FACTOR = 0.005;
const WAIT_MS = 30_000 * TIME_FACTOR;
const STOP = { action: 'stop', wait: true };
const ORIGIN = {
  kind: 'schedule',
  schedule: 'weekday-evening-stop',
  scheduledTime: '2026-12-01T18:00:00Z',
};

type Handler = (event: never, context: Context) => Promise<unknown>;
type Phase = { phase?: string; item?: { batch?: number } };

interface RunSummary {
  eventId: string;
  runId: string;
  outcome: string;
  requestedAction?: string;
  origin?: unknown;
  counts: Record<string, number>;
  engine?: {
    itemsFailed: number;
    failure?: { failedAt: string; error: string; cause: string };
  };
  failedAt?: string;
}

/** A Lambda error Step Functions retries (LAMBDA_RETRIED_ERRORS). */
function lambdaServiceException(): Error {
  const error = new Error('Lambda could not return the function result');
  error.name = 'Lambda.ServiceException';
  return error;
}

describe('integration: every failure of an engine run ends in its Run Summary', () => {
  let harness: Harness;
  let handlers: EngineHandlers;
  let definition: Record<string, unknown>;

  beforeAll(async () => {
    harness = await startHarness({ settings: realEc2Timings(TIME_FACTOR) });
    definition = packagedEngineDefinition(harness.packaged.template);
  }, 180_000);
  afterAll(async () => harness?.stop());

  beforeEach(async () => {
    // Two targets per item: the local stage's five targets make three work items (batches 0-2).
    handlers = await harness.loadEngine({ ENGINE_MAX_TARGETS_PER_BATCH: '2' });
    harness.endpoint.aws.events.reset();
  });

  /** The work function, failing on the Act item of batch 1 as `fail` says. */
  const workFailingOnBatch1 = (fail: () => Promise<unknown>): Handler => {
    return async (event, context) => {
      const input = event as Phase;
      if (input.phase !== 'survey' && input.item?.batch === 1) return fail();
      return handlers.work(event, context);
    };
  };

  const run = async (
    name: string,
    overrides: Partial<EngineHandlers>,
    machine: Record<string, unknown> = definition,
  ): Promise<LocalRunOutcome> =>
    startEngineRun(
      machine,
      { ...handlers, ...overrides },
      { request: STOP, origin: ORIGIN },
      { executionName: name, waitMs: WAIT_MS },
    ).outcome;

  const summaries = (): RunSummary[] =>
    harness.endpoint.aws.events
      .list()
      .filter((e) => e.detailType === 'Run Summary')
      .map((e) => e.detail as RunSummary);

  it('a task error: the per-item Catch lists the item, the run ends with one Run Summary, failed', async () => {
    // Act
    const outcome = await run('task-error', {
      work: workFailingOnBatch1(async () => {
        throw new TypeError('Cannot read properties of undefined');
      }),
    });

    // Assess
    expect(outcome.status).toBe('SUCCEEDED');
    expect(outcome.status === 'SUCCEEDED' && outcome.result.output).toMatchObject({
      failedItems: [1],
      summary: { itemsFailed: 1 },
    });
    expect(summaries()).toEqual([
      expect.objectContaining({
        runId: 'task-error',
        outcome: 'failed',
        engine: expect.objectContaining({ itemsFailed: 1 }),
      }),
    ]);
  }, 60_000);

  it('a task timeout (States.Timeout): caught by the same Catch, the run ends failed with its summary', async () => {
    // Act: the error Step Functions raises when a Task passes its TimeoutSeconds
    const outcome = await run('task-timeout', {
      work: workFailingOnBatch1(async () => {
        const timeout = new Error('Task timed out');
        timeout.name = 'States.Timeout';
        throw timeout;
      }),
    });

    // Assess
    expect(outcome.status === 'SUCCEEDED' && outcome.result.output).toMatchObject({
      failedItems: [1],
    });
    expect(summaries().map((s) => [s.outcome, s.engine?.itemsFailed])).toEqual([['failed', 1]]);
  }, 60_000);

  it.each([
    ['null', null],
    ['{Error, Cause}', { Error: 'States.Timeout', Cause: 'The execution timed out after 300 s' }],
  ])(
    'a batch whose result element is %s: the summary counts that batch failed',
    async (_shape, element) => {
      // Act
      const outcome = await run(`element-${_shape.length}`, {
        work: workFailingOnBatch1(async () => element),
      });

      // Assess: the summary step did not crash on it, and knows which batch it was
      expect(outcome.status === 'SUCCEEDED' && outcome.result.output).toMatchObject({
        failedItems: [1],
        summary: { itemsFailed: 1 },
      });
      expect(summaries().map((s) => [s.outcome, s.engine?.itemsFailed])).toEqual([['failed', 1]]);
    },
    60_000,
  );

  it.each([
    ['null', null],
    ['{Error, Cause}', { Error: 'States.Timeout', Cause: 'The execution timed out after 300 s' }],
  ])(
    'a child that failed at the execution level (its whole result %s): every batch of its group counts failed',
    async (_shape, element) => {
      // Prepare: each Act child returns what the Map holds for a child that failed as a whole (its
      // inline Map replaced by a Pass of that result); the three batches are one group of up to 10
      const machine = structuredClone(definition) as {
        States: Record<
          string,
          { ItemProcessor: { StartAt: string; States: Record<string, unknown> } }
        >;
      };
      const processor = machine.States.Act?.ItemProcessor;
      if (!processor) throw new Error('the packaged definition has no Act Map');
      processor.States[processor.StartAt] = { Type: 'Pass', Result: element, End: true };

      // Act
      const outcome = await run(
        `child-${_shape.length}`,
        {},
        machine as unknown as Record<string, unknown>,
      );

      // Assess
      expect(outcome.status === 'SUCCEEDED' && outcome.result.output).toMatchObject({
        failedItems: [0, 1, 2],
        summary: { itemsFailed: 3 },
      });
      expect(summaries().map((s) => [s.outcome, s.engine?.itemsFailed])).toEqual([['failed', 3]]);
    },
    60_000,
  );

  it("a plan that fails (a fleet past the engine's work items): its Catch sends the Run Summary, failed at Plan, from the execution's input", async () => {
    // Prepare: the plan refuses the fleet, as planBatches does past maxBatches work items
    const plan: Handler = async () => {
      throw new TooManyTargetsError(20_001, 10_000);
    };

    // Act
    const outcome = await run('plan-failed', { plan });

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'TooManyTargetsError' });
    expect(summaries()).toEqual([
      expect.objectContaining({
        eventId: 'plan-failed/run-summary/failed',
        runId: 'plan-failed',
        outcome: 'failed',
        requestedAction: 'stop',
        origin: ORIGIN,
        engine: expect.objectContaining({
          failure: expect.objectContaining({ failedAt: 'Plan', error: 'TooManyTargetsError' }),
        }),
      }),
    ]);
  }, 60_000);

  it('a plan that fails on an input naming no action: no summary can name the run, and the execution fails with the plan error', async () => {
    // Act: the real plan refuses the request; the summary cannot say what was asked
    const outcome = await startEngineRun(
      definition,
      handlers,
      { request: { action: 'reboot' }, origin: ORIGIN },
      { executionName: 'no-action', waitMs: WAIT_MS },
    ).outcome;

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'InvalidRequestError' });
    expect(summaries()).toEqual([]);
  }, 60_000);

  it('the Map failing as a whole: its Catch ends the run with the Run Summary marked failed at Act, then fails the execution', async () => {
    // Prepare: the Act child without its Catch, so a failed child fails the Map with its error:
    // here AWS's own Map failure, which the tolerance of 100 % keeps from arising (States.Runtime
    // and States.DataLimitExceeded would be caught by nothing, so they are not what this tests)
    type Processor = { StartAt: string; States: Record<string, State> };
    type State = { Catch?: unknown; ItemProcessor?: Processor };
    const machine = structuredClone(definition) as { States: Record<string, State> };
    const child = machine.States.Act?.ItemProcessor;
    const batch = child?.States[child.StartAt]?.ItemProcessor?.States;
    if (!batch?.Work) throw new Error('the packaged Act child has no Work task');
    delete batch.Work.Catch;
    delete batch.WorkFailed;

    // Act
    const outcome = await run(
      'map-failed',
      {
        work: workFailingOnBatch1(async () => {
          const exceeded = new Error('The specified tolerated failure threshold was exceeded');
          exceeded.name = 'States.ExceedToleratedFailureThreshold';
          throw exceeded;
        }),
      },
      machine as unknown as Record<string, unknown>,
    );

    // Assess
    expect(outcome).toMatchObject({
      status: 'FAILED',
      error: 'States.ExceedToleratedFailureThreshold',
    });
    expect(summaries()).toEqual([
      expect.objectContaining({
        eventId: 'map-failed/run-summary/failed',
        outcome: 'failed',
        engine: expect.objectContaining({
          failure: expect.objectContaining({
            failedAt: 'Act',
            error: 'States.ExceedToleratedFailureThreshold',
          }),
        }),
      }),
    ]);
  }, 60_000);

  it('a summary step that fails: the failure summary sends the Run Summary, failed at Act, and the execution fails', async () => {
    // Prepare: the act's summary crashes on what the Map collected
    const summarise: Handler = async (event, context) => {
      if ((event as Phase).phase === 'act') throw new TypeError('Cannot read properties of null');
      return handlers.summarise(event, context);
    };

    // Act
    const outcome = await run('summary-failed', { summarise });

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'TypeError' });
    expect(summaries()).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        engine: expect.objectContaining({
          failure: expect.objectContaining({ failedAt: 'Act', error: 'TypeError' }),
        }),
      }),
    ]);
  }, 60_000);

  it('the failure summary failing too: the last resort sends a Run Summary straight from Step Functions', async () => {
    // Prepare: the summary function fails whatever it is asked
    const summarise: Handler = async (event, context) => {
      const { phase } = event as Phase;
      if (phase === 'act' || phase === 'failed') throw new Error('summary function broken');
      return handlers.summarise(event, context);
    };

    // Act
    const outcome = await run('last-resort', { summarise });

    // Assess
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'Error' });
    expect(summaries()).toEqual([
      expect.objectContaining({
        eventId: 'last-resort/run-summary/failed',
        runId: 'last-resort',
        outcome: 'failed',
        failedAt: 'SummariseFailure',
      }),
    ]);
  }, 60_000);

  it('a summary step retried after its Run Summary was accepted: the copy carries the same eventId', async () => {
    // Prepare: the first call sends the summary, then Lambda reports a service error (retried)
    let calls = 0;
    const summarise: Handler = async (event, context) => {
      const result = await handlers.summarise(event, context);
      const { phase } = event as Phase;
      if (phase !== 'survey' && summaries().length > 0 && calls++ === 0) {
        throw lambdaServiceException();
      }
      return result;
    };

    // Act
    const outcome = await run('retried-summary', { summarise });

    // Assess: two deliveries of one fact; consumers keep the first eventId they see
    expect(outcome.status).toBe('SUCCEEDED');
    const sent = summaries();
    expect(sent.length).toBe(2);
    expect(new Set(sent.map((s) => s.eventId))).toEqual(
      new Set(['retried-summary/run-summary/failed']),
    );
  }, 60_000);

  it('a summary step that sent its Run Summary and then failed for good: the failed summary follows under its own eventId', async () => {
    // Prepare: the first call that sends a summary then fails with an error Step Functions does not retry
    let failed = false;
    const summarise: Handler = async (event, context) => {
      const result = await handlers.summarise(event, context);
      if (!failed && summaries().length > 0) {
        failed = true;
        throw new TypeError('Cannot read properties of undefined');
      }
      return result;
    };

    // Act: only the accounts whose role the run may assume, so its own summary is `succeeded`
    const outcome = await startEngineRun(
      definition,
      { ...handlers, summarise },
      {
        request: { ...STOP, targets: { accounts: ['222222222222', '333333333333'] } },
        origin: ORIGIN,
      },
      { executionName: 'superseded', waitMs: WAIT_MS },
    ).outcome;

    // Assess: a consumer that keeps the first of each eventId still learns that the run failed
    expect(outcome).toMatchObject({ status: 'FAILED', error: 'TypeError' });
    expect(summaries().map((s) => [s.eventId, s.outcome])).toEqual([
      ['superseded/run-summary/succeeded', 'succeeded'],
      ['superseded/run-summary/failed', 'failed'],
    ]);
  }, 60_000);
});
