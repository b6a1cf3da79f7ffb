/**
 * The endpoint's Step Functions service with the real SFNClient: executions of a registered state
 * machine run in-process (aws-local-stepfunctions), and every refusal arrives as the SDK's named
 * exception class. The machine here is a small one over the engine's function IDs with test
 * handlers, so nothing is packaged; the packaged engine runs in tests/integration.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidArn,
  InvalidExecutionInput,
  InvalidName,
  InvalidToken,
  ListExecutionsCommand,
  ListTagsForResourceCommand,
  ResourceNotFound,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-sfn';
import { ENGINE_FUNCTIONS } from '../../resources/home-stack/engine/state-machine';
import type { TemporaryCredentials } from '../../scripts/local-aws';
import type { EngineHandlers } from '../../scripts/local-aws/local-engine';
import { type Fixture, startFixture } from './local-aws-fixture';

const MACHINE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:xacct-ec2-local-engine';
const UNKNOWN_MACHINE = 'arn:aws:states:eu-west-1:111111111111:stateMachine:nothing-here';
const execution = (name: string) =>
  `arn:aws:states:eu-west-1:111111111111:execution:xacct-ec2-local-engine:${name}`;
const fn = (logicalId: string) => `arn:aws:lambda:eu-west-1:111111111111:function:${logicalId}`;
/** A role whose policy (here: the test's rule) allows no states:* action. */
const READ_NOTHING_ROLE = 'arn:aws:iam::111111111111:role/reads-nothing';

/** Plan → one Work per batch, one at a time → summary: the engine's shape in miniature. */
const DEFINITION = {
  StartAt: 'Plan',
  States: {
    Plan: { Type: 'Task', Resource: fn(ENGINE_FUNCTIONS.Plan), ResultPath: '$.plan', Next: 'Act' },
    Act: {
      Type: 'Map',
      ItemsPath: '$.plan.batches',
      MaxConcurrency: 1,
      ItemProcessor: {
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: fn(ENGINE_FUNCTIONS.Work), End: true } },
      },
      ResultPath: '$.acted',
      Next: 'SummariseAct',
    },
    SummariseAct: { Type: 'Task', Resource: fn(ENGINE_FUNCTIONS.SummariseAct), End: true },
  },
};

/** A Work handler each test can hold until it lets go, counting calls. */
class WorkGate {
  calls = 0;
  held = false;
  failWith: Error | undefined;
  private release: (() => void) | undefined;
  private returned: Promise<void> = Promise.resolve();
  private entered: (() => void) | undefined;
  /** Resolves once a held call has been entered. */
  waitEntered = Promise.resolve();

  hold(): void {
    this.held = true;
    this.waitEntered = new Promise((resolve) => {
      this.entered = resolve;
    });
  }

  /** Lets the held call return; resolves when it has. */
  async letGo(): Promise<void> {
    this.held = false;
    this.release?.();
    await this.returned;
  }

  handler = async (event: { batch: number }) => {
    this.calls += 1;
    if (this.failWith) throw this.failWith;
    if (this.held) {
      let done: () => void = () => undefined;
      this.returned = new Promise((resolve) => {
        done = resolve;
      });
      await new Promise<void>((resolve) => {
        this.release = resolve;
        this.entered?.();
      });
      done();
    }
    return { batch: event.batch, changed: 1 };
  };
}

describe('Local Step Functions: executions of a registered state machine', () => {
  let fixture: Fixture;
  let client: SFNClient;
  const gate = new WorkGate();
  let summaries = 0;

  const handlers: EngineHandlers = {
    plan: (async (event: { request: { batches: number } }) => ({
      batches: Array.from({ length: event.request.batches }, (_, i) => ({ batch: i })),
    })) as EngineHandlers['plan'],
    work: gate.handler as EngineHandlers['work'],
    recheck: (async () => ({})) as EngineHandlers['recheck'],
    summarise: (async (event: { acted: unknown[] }) => {
      summaries += 1;
      return { batches: event.acted.length, changed: event.acted.length };
    }) as EngineHandlers['summarise'],
  };

  const sfn = (credentials: TemporaryCredentials) =>
    new SFNClient({ region: 'eu-west-1', endpoint: fixture.aws.url, credentials, maxAttempts: 1 });

  const start = (name: string, input: unknown = { batches: 2 }) =>
    client.send(
      new StartExecutionCommand({
        stateMachineArn: MACHINE,
        name,
        input: JSON.stringify({ request: input }),
      }),
    );

  const describe_ = (executionArn: string) =>
    client.send(new DescribeExecutionCommand({ executionArn }));

  const finished = async (executionArn: string): Promise<DescribeExecutionCommandOutput> => {
    await fixture.aws.executions.finished(executionArn);
    return describe_(executionArn);
  };

  const refusal = async (call: Promise<unknown>): Promise<unknown> =>
    call.then(
      () => undefined,
      (e) => e,
    );

  beforeAll(async () => {
    fixture = await startFixture({
      rules: {
        request: (check) =>
          check.action.startsWith('states:') && check.callerRoleArn !== READ_NOTHING_ROLE,
      },
      stateMachines: [{ arn: MACHINE, definition: DEFINITION, handlers, waitMs: 0 }],
    });
    client = sfn(fixture.aws.homeCredentials);
  });

  afterAll(async () => {
    client.destroy();
    await fixture.stop();
  });

  beforeEach(() => {
    gate.calls = 0;
    gate.failWith = undefined;
    summaries = 0;
    fixture.authorizer.requestChecks.length = 0;
  });

  it('starts at once, shows RUNNING, then SUCCEEDED with the output as a JSON string', async () => {
    // Prepare
    gate.hold();

    // Act
    const started = await start('runs-to-the-end');
    await gate.waitEntered;
    const running = await describe_(started.executionArn ?? '');
    await gate.letGo();
    const done = await finished(started.executionArn ?? '');

    // Assess
    expect(started.executionArn).toBe(execution('runs-to-the-end'));
    expect(started.startDate).toBeInstanceOf(Date);
    expect(running).toMatchObject({ status: 'RUNNING', name: 'runs-to-the-end' });
    expect(running.stopDate).toBeUndefined();
    expect(running.input).toBe(JSON.stringify({ request: { batches: 2 } }));
    expect(done).toMatchObject({ status: 'SUCCEEDED', stateMachineArn: MACHINE });
    expect(JSON.parse(done.output ?? '')).toEqual({ batches: 2, changed: 2 });
    expect(done.stopDate?.getTime()).toBeGreaterThanOrEqual(done.startDate?.getTime() ?? 0);
    expect(gate.calls).toBe(2);
  });

  it('reports a failed run as FAILED with the error and cause of the failing state', async () => {
    // Prepare
    gate.failWith = Object.assign(new Error('the target is gone'), { name: 'TargetGoneError' });

    // Act
    const started = await start('fails');
    const done = await finished(started.executionArn ?? '');

    // Assess
    expect(done).toMatchObject({ status: 'FAILED', error: 'TargetGoneError' });
    expect(done.cause).toContain('the target is gone');
    expect(done.output).toBeUndefined();
  });

  it('StopExecution aborts the run: ABORTED, and no further work item or summary starts', async () => {
    // Prepare: three work items, one at a time; the first is held in flight
    gate.hold();
    const started = await start('stopped-midway', { batches: 3 });
    await gate.waitEntered;

    // Act
    const stopped = await client.send(
      new StopExecutionCommand({
        executionArn: started.executionArn,
        error: 'Paused',
        cause: 'kill switch',
      }),
    );
    await gate.letGo();
    await fixture.aws.executions.finished(started.executionArn ?? '');
    // Give the library every chance to start the next item if it were going to.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const done = await describe_(started.executionArn ?? '');

    // Assess
    expect(stopped.stopDate).toBeInstanceOf(Date);
    expect(done).toMatchObject({ status: 'ABORTED', error: 'Paused', cause: 'kill switch' });
    expect(done.stopDate).toEqual(stopped.stopDate);
    expect(gate.calls).toBe(1);
    expect(summaries).toBe(0);
  });

  it('keeps a name taken after the run ends, and answers a repeat while running with the same execution', async () => {
    // Prepare
    gate.hold();
    const first = await start('once-only');
    await gate.waitEntered;

    // Act
    const sameWhileRunning = await start('once-only');
    const otherInput = await refusal(start('once-only', { batches: 5 }));
    await gate.letGo();
    await fixture.aws.executions.finished(first.executionArn ?? '');
    const afterEnd = await refusal(start('once-only'));
    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: MACHINE }));

    // Assess
    expect(sameWhileRunning).toMatchObject({
      executionArn: first.executionArn,
      startDate: first.startDate,
    });
    expect(otherInput).toBeInstanceOf(ExecutionAlreadyExists);
    expect(afterEnd).toBeInstanceOf(ExecutionAlreadyExists);
    expect((afterEnd as Error).message).toContain(execution('once-only'));
    expect(listed.executions?.filter((e) => e.name === 'once-only')).toHaveLength(1);
  });

  it('lists newest first, filters by status and pages with maxResults and nextToken', async () => {
    // Prepare: a machine of its own, so earlier tests' executions do not count
    const arn = 'arn:aws:states:eu-west-1:111111111111:stateMachine:listing';
    fixture.aws.executions.register({ arn, definition: DEFINITION, handlers, waitMs: 0 });
    const names = ['list-1', 'list-2', 'list-3', 'list-4', 'list-5'];
    for (const name of names) {
      const out = await client.send(
        new StartExecutionCommand({
          stateMachineArn: arn,
          name,
          input: JSON.stringify({ request: { batches: 1 } }),
        }),
      );
      await fixture.aws.executions.finished(out.executionArn ?? '');
    }
    gate.hold();
    await client.send(
      new StartExecutionCommand({
        stateMachineArn: arn,
        name: 'list-running',
        input: JSON.stringify({ request: { batches: 1 } }),
      }),
    );
    await gate.waitEntered;

    // Act
    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new ListExecutionsCommand({
          stateMachineArn: arn,
          statusFilter: 'SUCCEEDED',
          maxResults: 2,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      pages.push((page.executions ?? []).map((e) => e.name ?? ''));
      nextToken = page.nextToken;
    } while (nextToken);
    const running = await client.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }),
    );
    await gate.letGo();

    // Assess
    expect(pages).toEqual([['list-5', 'list-4'], ['list-3', 'list-2'], ['list-1']]);
    expect(running.executions?.map((e) => [e.name, e.status, e.stopDate])).toEqual([
      ['list-running', 'RUNNING', undefined],
    ]);
  });

  it('authorises StartExecution and ListExecutions on the machine, Describe and Stop on the execution', async () => {
    // Prepare
    const started = await start('authorised');
    await fixture.aws.executions.finished(started.executionArn ?? '');

    // Act
    await describe_(started.executionArn ?? '');
    await client.send(new StopExecutionCommand({ executionArn: started.executionArn }));
    await client.send(new ListExecutionsCommand({ stateMachineArn: MACHINE, maxResults: 1 }));

    // Assess
    expect(
      fixture.authorizer.requestChecks.map((c) => [c.action, c.resourceArn, c.resourceAccountId]),
    ).toEqual([
      ['states:StartExecution', MACHINE, '111111111111'],
      ['states:DescribeExecution', execution('authorised'), '111111111111'],
      ['states:StopExecution', execution('authorised'), '111111111111'],
      ['states:ListExecutions', MACHINE, '111111111111'],
    ]);
  });

  it('keeps a machine’s tags (the pause switch): TagResource adds or overwrites, UntagResource removes, with aws:TagKeys authorised', async () => {
    // Prepare
    const paused = [
      { key: 'xacct-ec2:paused-by', value: 'arn:aws:sts::111111111111:assumed-role/ops/alice' },
      { key: 'xacct-ec2:paused-reason', value: 'INC-1 first' },
    ];

    // Act
    await client.send(new TagResourceCommand({ resourceArn: MACHINE, tags: paused }));
    await client.send(
      new TagResourceCommand({
        resourceArn: MACHINE,
        tags: [{ key: 'xacct-ec2:paused-reason', value: 'INC-1 second' }],
      }),
    );
    const whilePaused = await client.send(new ListTagsForResourceCommand({ resourceArn: MACHINE }));
    await client.send(
      new UntagResourceCommand({
        resourceArn: MACHINE,
        tagKeys: ['xacct-ec2:paused-by', 'xacct-ec2:paused-reason'],
      }),
    );
    const resumed = await client.send(new ListTagsForResourceCommand({ resourceArn: MACHINE }));
    const missing = await refusal(
      client.send(new ListTagsForResourceCommand({ resourceArn: UNKNOWN_MACHINE })),
    );
    const badValue = await refusal(
      client.send(
        new TagResourceCommand({ resourceArn: MACHINE, tags: [{ key: 'k', value: 'a, b' }] }),
      ),
    );

    // Assess
    expect(whilePaused.tags).toEqual([
      paused[0],
      { key: 'xacct-ec2:paused-reason', value: 'INC-1 second' },
    ]);
    expect(resumed.tags).toEqual([]);
    expect(missing).toBeInstanceOf(ResourceNotFound);
    expect(badValue).toBeInstanceOf(ValidationException);
    expect(
      fixture.authorizer.requestChecks
        .filter((c) => c.action !== 'states:ListTagsForResource')
        .map((c) => [c.action, c.resourceArn, c.context?.['aws:TagKeys']]),
    ).toEqual([
      ['states:TagResource', MACHINE, ['xacct-ec2:paused-by', 'xacct-ec2:paused-reason']],
      ['states:TagResource', MACHINE, ['xacct-ec2:paused-reason']],
      ['states:UntagResource', MACHINE, ['xacct-ec2:paused-by', 'xacct-ec2:paused-reason']],
      ['states:TagResource', MACHINE, ['k']],
    ]);
  });

  it('refuses a caller whose policy allows no states:* action with AccessDeniedException', async () => {
    // Prepare
    const denied = sfn(fixture.aws.issueSession(READ_NOTHING_ROLE, 'operator'));

    // Act
    const error = await refusal(
      denied.send(new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'not-allowed' })),
    );
    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: MACHINE }));
    denied.destroy();

    // Assess
    expect(error).toBeInstanceOf(SFNServiceException);
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    expect((error as Error).message).toContain(
      'is not authorized to perform: states:StartExecution on resource: arn:aws:states:eu-west-1:111111111111:stateMachine:xacct-ec2-local-engine',
    );
    expect(listed.executions?.map((e) => e.name)).not.toContain('not-allowed');
  });

  it('refuses a signature made with the wrong secret (InvalidSignatureException)', async () => {
    // Prepare
    const wrong = sfn({ ...fixture.aws.homeCredentials, secretAccessKey: 'not-the-secret' });

    // Act
    const error = await refusal(
      wrong.send(new ListExecutionsCommand({ stateMachineArn: MACHINE })),
    );
    wrong.destroy();

    // Assess
    expect(error).toMatchObject({ name: 'InvalidSignatureException' });
  });

  describe('as strict as AWS: each refusal arrives as the SDK exception class', () => {
    const cases: Array<[string, () => Promise<unknown>, new (...args: never[]) => Error, string]> =
      [
        [
          'a name with a colon',
          () => start('weekday:stop'),
          InvalidName,
          "Invalid Name: 'weekday:stop'",
        ],
        ['a name with a space', () => start('a b'), InvalidName, "Invalid Name: 'a b'"],
        ['a name of 81 characters', () => start('n'.repeat(81)), InvalidName, 'Invalid Name'],
        [
          'input that is not JSON',
          () =>
            client.send(
              new StartExecutionCommand({ stateMachineArn: MACHINE, name: 'x', input: '{nope' }),
            ),
          InvalidExecutionInput,
          'Invalid State Machine Execution Input',
        ],
        [
          'input over 256 KiB (Step Functions kept its limit when EventBridge and async Lambda went to 1 MB on 2026-01-29)',
          () =>
            client.send(
              new StartExecutionCommand({
                stateMachineArn: MACHINE,
                name: 'big',
                input: JSON.stringify({ pad: 'x'.repeat(256 * 1024) }),
              }),
            ),
          InvalidExecutionInput,
          'the maximum is 262144',
        ],
        [
          'a machine that does not exist',
          () => client.send(new StartExecutionCommand({ stateMachineArn: UNKNOWN_MACHINE })),
          StateMachineDoesNotExist,
          `State Machine Does Not Exist: '${UNKNOWN_MACHINE}'`,
        ],
        [
          'a malformed state machine ARN',
          () =>
            client.send(new StartExecutionCommand({ stateMachineArn: 'xacct-ec2-local-engine' })),
          InvalidArn,
          "Invalid Arn: 'xacct-ec2-local-engine'",
        ],
        [
          'an execution ARN where a state machine ARN belongs',
          () =>
            client.send(
              new ListExecutionsCommand({ stateMachineArn: execution('runs-to-the-end') }),
            ),
          InvalidArn,
          'Resource type not valid in this context: execution',
        ],
        [
          'an execution that does not exist',
          () => describe_(execution('never-started')),
          ExecutionDoesNotExist,
          `Execution Does Not Exist: '${execution('never-started')}'`,
        ],
        [
          'a state machine ARN where an execution ARN belongs',
          () => client.send(new StopExecutionCommand({ executionArn: MACHINE })),
          InvalidArn,
          'Resource type not valid in this context: stateMachine',
        ],
        [
          'StartExecution without stateMachineArn',
          () => client.send(new StartExecutionCommand({} as never)),
          ValidationException,
          "Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
        ],
        [
          'DescribeExecution without executionArn',
          () => client.send(new DescribeExecutionCommand({} as never)),
          ValidationException,
          "Value null at 'executionArn'",
        ],
        [
          'ListExecutions with an unknown statusFilter',
          () =>
            client.send(
              new ListExecutionsCommand({
                stateMachineArn: MACHINE,
                statusFilter: 'DONE' as never,
              }),
            ),
          ValidationException,
          "at 'statusFilter' failed to satisfy constraint",
        ],
        [
          'ListExecutions with maxResults 1001',
          () =>
            client.send(new ListExecutionsCommand({ stateMachineArn: MACHINE, maxResults: 1001 })),
          ValidationException,
          'Member must have value less than or equal to 1000',
        ],
        [
          'ListExecutions with a token it never gave',
          () =>
            client.send(
              new ListExecutionsCommand({ stateMachineArn: MACHINE, nextToken: 'bm90LWEtdG9rZW4' }),
            ),
          InvalidToken,
          'Invalid Token',
        ],
        [
          'StopExecution with an error over 256 characters',
          () =>
            client.send(
              new StopExecutionCommand({
                executionArn: execution('runs-to-the-end'),
                error: 'e'.repeat(257),
              }),
            ),
          ValidationException,
          "at 'error' failed to satisfy constraint: Member must have length between 0 and 256",
        ],
      ];

    it.each(cases)('%s', async (_label, call, type, message) => {
      // Act
      const error = await refusal(call());

      // Assess
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({ $metadata: { httpStatusCode: 400 } });
      expect((error as Error).message).toContain(message);
    });

    it('accepts what AWS accepts in a name: dots and non-ASCII letters are not refused', async () => {
      // Act
      const dotted = await start('nightly.stop.v2', { batches: 0 });
      const accented = await start('arrêt-du-soir', { batches: 0 });

      // Assess
      expect(dotted.executionArn).toBe(execution('nightly.stop.v2'));
      expect(accented.executionArn).toBe(execution('arrêt-du-soir'));
    });

    it('starts nothing for a refused request', async () => {
      // Act
      const listed = await client.send(new ListExecutionsCommand({ stateMachineArn: MACHINE }));

      // Assess
      const names = listed.executions?.map((e) => e.name) ?? [];
      expect(names.filter((n) => ['x', 'big', 'a b'].includes(n ?? ''))).toEqual([]);
    });
  });
});
