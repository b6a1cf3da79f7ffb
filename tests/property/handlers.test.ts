/**
 * Properties 3 and 4, through the real entry points against a fake EC2 and Step Functions
 * (aws-sdk-client-mock): the HTTP handler answers every generated event with 202 (one engine
 * run started) or a 4xx that names a problem, never a 5xx; and no input that says
 * `dryRun: true` makes a Start or Stop happen for real, nor starts an engine run without it.
 * Every direct run also publishes its signals: a fake EventBridge accepts them, so a run never
 * waits on an endpoint that is not there.
 */
import {
  StartInstancesCommand,
  StopInstancesCommand,
  type StopInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { handler as httpHandler } from '../../handlers/http';
import { handler as instancesHandler } from '../../handlers/instances';
import { CONTROL_TAG } from '../helpers/config';
import { aContext } from '../helpers/context';
import { acceptingEventBridge } from '../helpers/event-bridge';
import { anHttpEvent } from '../helpers/http-event';
import { instanceIds } from '../helpers/instances';
import { pauseSwitch } from '../helpers/pause-switch';
import {
  bodyText,
  hostileString,
  hostileValue,
  jsonText,
  objectTextWithDuplicates,
  ownObject,
  plausibleRequest,
  requestLike,
} from './arbitraries';
import { type FakeInstance, fakeEc2 } from './fake-ec2';
import { NUM_RUNS, PROPERTY_TIMEOUT_MS, SEED } from './settings';

/** Lambda refuses a synchronous response larger than this: the caller would see a 5xx. */
const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;

function aWorld(): FakeInstance[] {
  const [managed, stopped, unmanaged] = instanceIds(3);
  return [
    {
      id: managed as string,
      state: 'running',
      tags: [
        { key: CONTROL_TAG.key, value: 'true' },
        { key: 'Name', value: 'web' },
      ],
    },
    {
      id: stopped as string,
      state: 'stopped',
      tags: [
        { key: CONTROL_TAG.key, value: 'true' },
        { key: 'Name', value: 'web-*' },
      ],
    },
    { id: unmanaged as string, state: 'running', tags: [{ key: 'Name', value: 'web' }] },
  ];
}

const action = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('start', 'stop', 'status') },
  { weight: 1, arbitrary: hostileString },
);

/** The event API Gateway would send, with a hostile body, or a body in base64. */
const wellShapedEvent = fc.tuple(action, bodyText, fc.boolean()).map(([path, text, base64]) => ({
  ...anHttpEvent(path, base64 ? Buffer.from(text, 'utf8').toString('base64') : text),
  isBase64Encoded: base64,
}));

/** Events API Gateway never sends: fields missing or of the wrong type, or no object at all. */
const misshapenEvent = fc
  .tuple(
    wellShapedEvent,
    fc.constantFrom(
      'requestContext',
      'http',
      'isBase64Encoded',
      'pathParameters',
      'authorizer',
      'body',
    ),
    hostileValue,
  )
  .map(([event, field, value]) => {
    if (field === 'http' || field === 'authorizer') {
      return { ...event, requestContext: { ...event.requestContext, [field]: value } };
    }
    return ownObject([...Object.entries(event).filter(([key]) => key !== field), [field, value]]);
  });

const httpEvent = fc.oneof(
  { weight: 6, arbitrary: wellShapedEvent },
  { weight: 2, arbitrary: misshapenEvent },
  { weight: 1, arbitrary: hostileValue },
);

/** Body text that says `"dryRun": true` at the top, whatever else it says (duplicates too). */
const dryRunBody = fc.oneof(
  {
    weight: 3,
    arbitrary: plausibleRequest.map((r) =>
      jsonText({ ...r, dryRun: true, action: undefined, wait: undefined }),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(objectTextWithDuplicates, fc.boolean())
      .map(([text, first]) =>
        first ? `{"dryRun":true,${text.slice(1)}` : `${text.slice(0, -1)},"dryRun":true}`,
      ),
  },
);

/** Direct events that say `dryRun: true`; mostly a start or stop that reaches EC2. */
const dryRunEvent = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: plausibleRequest }, { weight: 1, arbitrary: requestLike }),
    fc.constantFrom('start', 'stop'),
  )
  .map(([r, verb]) =>
    ownObject([
      ...Object.entries(r).filter(([key]) => key !== 'dryRun' && key !== 'wait'),
      ...(r.action === 'status' ? [['action', verb] as const] : []),
      ['dryRun', true],
    ]),
  );

describe('Property: handlers', () => {
  let world = aWorld();
  const ec2 = fakeEc2(() => world);
  const { events } = acceptingEventBridge();
  const sfn = mockClient(SFNClient);
  const stageSwitch = pauseSwitch(sfn);
  const acceptStarts = () =>
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
      executionArn: `arn:aws:states:eu-west-1:111111111111:execution:xacct-ec2-test-engine:${input.name}`,
      startDate: new Date(),
    }));

  beforeEach(() => {
    world = aWorld();
    ec2.resetHistory();
    stageSwitch.reset();
    acceptStarts();
  });

  afterAll(() => {
    ec2.restore();
    events.restore();
    sfn.restore();
  });

  it(
    'answers every HTTP event with 202 or a 4xx naming a problem, never a 5xx',
    async () => {
      // Prepare
      const seen = new Set<number>();
      const property = fc.asyncProperty(httpEvent, async (event) => {
        world = aWorld();
        sfn.resetHistory();

        // Act
        const response = (await httpHandler(
          event as Parameters<typeof httpHandler>[0],
          aContext(),
        )) as APIGatewayProxyStructuredResultV2;

        // Assess
        const status = response.statusCode ?? 0;
        seen.add(status);
        const body = JSON.parse(response.body ?? 'null') as {
          problems?: unknown[];
          runId?: string;
        };
        // An accepted request started exactly one run, named by the run ID it answered; a refused
        // one started none.
        const starts = sfn.commandCalls(StartExecutionCommand);
        const started =
          status === 202
            ? starts.length === 1 && starts[0]?.args[0].input.name === body.runId
            : starts.length === 0;
        const problemsNamed =
          status === 202 ||
          (Array.isArray(body.problems) &&
            body.problems.length > 0 &&
            body.problems.every(
              (p) =>
                typeof (p as { field?: unknown }).field === 'string' &&
                typeof (p as { message?: unknown }).message === 'string',
            ));
        return (
          (status === 202 || (status >= 400 && status < 500)) &&
          problemsNamed &&
          started &&
          Buffer.byteLength(response.body ?? '') < LAMBDA_RESPONSE_LIMIT_BYTES
        );
      });

      // Act
      await fc.assert(property, { numRuns: NUM_RUNS, seed: SEED });

      // Assess: both answers happened, so the property covered runs and refusals
      expect([...seen].sort()).toEqual(expect.arrayContaining([202, 400]));
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'never starts or stops for real when the request says dryRun: true',
    async () => {
      // Prepare
      let askedEc2 = 0;
      let startedRuns = 0;
      const property = fc.asyncProperty(
        fc.oneof(
          dryRunEvent.map((event) => ({ kind: 'direct' as const, event })),
          fc
            .tuple(fc.constantFrom('start', 'stop'), dryRunBody)
            .map(([path, text]) => ({ kind: 'http' as const, event: anHttpEvent(path, text) })),
        ),
        async (input) => {
          world = aWorld();
          ec2.resetHistory();
          sfn.resetHistory();

          // Act
          if (input.kind === 'http') await httpHandler(input.event, aContext());
          else await instancesHandler(input.event, aContext()).catch(() => undefined);

          // Assess
          const changes = [
            ...ec2.commandCalls(StartInstancesCommand),
            ...ec2.commandCalls(StopInstancesCommand),
          ].map((call) => call.args[0].input as StopInstancesCommandInput);
          if (changes.length > 0) askedEc2 += 1;
          // Over HTTP the engine runs the request: it must reach it with dryRun: true.
          const runs = sfn
            .commandCalls(StartExecutionCommand)
            .map((call) => JSON.parse(call.args[0].input.input ?? '{}') as { request?: unknown });
          startedRuns += runs.length;
          return (
            changes.every((change) => change.DryRun === true) &&
            runs.every((run) => (run.request as { dryRun?: unknown })?.dryRun === true)
          );
        },
      );

      // Act
      await fc.assert(property, { numRuns: NUM_RUNS, seed: SEED });

      // Assess: many cases reached EC2 with a DryRun call or started a run, so the property is
      // not vacuous
      expect(askedEc2).toBeGreaterThan(NUM_RUNS / 20);
      expect(startedRuns).toBeGreaterThan(NUM_RUNS / 20);
    },
    PROPERTY_TIMEOUT_MS,
  );
});
