/**
 * The five bad inputs an outside tester found, each as the request they sent. Each one used to
 * crash, widen the selection or do a real run; each must now be refused before any AWS call.
 */
import {
  DescribeInstancesCommand,
  EC2Client,
  StartInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidRequestError } from '../../handlers/contract/errors';
import { parseRequest } from '../../handlers/contract/request';
import { handler as httpHandler } from '../../handlers/http';
import { handler as instancesHandler } from '../../handlers/instances';
import { selectInstances } from '../../handlers/tasks/ec2/select';
import { CONTROL_TAG, TEST_CONFIG } from '../helpers/config';
import { aContext } from '../helpers/context';
import { acceptingEventBridge } from '../helpers/event-bridge';
import { anHttpEvent } from '../helpers/http-event';
import { describePage } from '../helpers/instances';

const names = (count: number) => Array.from({ length: count }, (_, i) => `web-${i}`);

async function callHttp(event: unknown) {
  const response = (await httpHandler(
    event as Parameters<typeof httpHandler>[0],
    aContext(),
  )) as APIGatewayProxyStructuredResultV2;
  return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') };
}

describe('Regression: bad input reported from outside', () => {
  const ec2Mock = mockClient(EC2Client);
  const eventBridge = acceptingEventBridge();

  beforeEach(() => {
    ec2Mock.reset();
    eventBridge.reset();
    ec2Mock.on(DescribeInstancesCommand).resolves(describePage([]));
  });

  it('refuses a status with one ID and 196 Name values up front, instead of chunking forever', () => {
    // Prepare
    const event = {
      action: 'status',
      instanceIds: ['i-0222a000000000001'],
      tags: { Name: names(196) },
    };

    // Act
    const parsed = parseRequest(event, TEST_CONFIG);

    // Assess: 196 values + 4 states + 1 ID = 201
    expect(parsed).toEqual({
      ok: false,
      problems: [
        {
          field: 'tags',
          message: expect.stringMatching(/names 196 tag values.*would carry 201.*at most 195/),
        },
      ],
    });
  });

  it('accepts 195 Name values beside IDs, and describes them in finite calls within the limit', async () => {
    // Prepare
    const parsed = parseRequest(
      {
        action: 'status',
        instanceIds: ['i-0222a000000000001', 'i-0222a000000000002'],
        tags: { Name: names(195) },
      },
      TEST_CONFIG,
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));

    // Act
    await selectInstances(new EC2Client({}), { ...parsed.value, controlTag: CONTROL_TAG });

    // Assess: one ID per call fits beside 195 + 4 values
    const calls = ec2Mock.commandCalls(DescribeInstancesCommand);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      const values = (call.args[0].input.Filters ?? []).flatMap((f) => f.Values ?? []);
      expect(values).toHaveLength(200);
    }
  });

  it('refuses more than 195 tag values without IDs, instead of failing every target with FilterLimitExceeded', () => {
    // Act
    const parsed = parseRequest({ action: 'status', tags: { Name: names(196) } }, TEST_CONFIG);

    // Assess: 196 values + the control tag + 4 states = 201
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems.map((p) => p.field)).toEqual(['tags']);
    expect(!parsed.ok && parsed.problems[0]?.message).toMatch(/would carry 201/);
  });

  it('refuses "__proto__" as a tag key, instead of dropping the only filter and stopping everything', async () => {
    // Prepare: the Lambda runtime parses the event with JSON.parse, which keeps __proto__ as a key
    const event = JSON.parse('{"action":"stop","tags":{"__proto__":"x"}}');

    // Act
    const run = instancesHandler(event, aContext());

    // Assess
    await expect(run).rejects.toThrow(InvalidRequestError);
    await expect(run).rejects.toThrow(/tags\.__proto__: "__proto__" cannot be a tag key/);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it.each(['constructor', 'prototype', 'toString', 'hasOwnProperty'])(
    'refuses %s as a tag key, naming it',
    (key) => {
      // Act
      const parsed = parseRequest(
        JSON.parse(`{"action":"status","tags":{"${key}":"x"}}`),
        TEST_CONFIG,
      );

      // Assess
      expect(parsed.ok).toBe(false);
      expect(!parsed.ok && parsed.problems.map((p) => p.field)).toEqual([`tags.${key}`]);
    },
  );

  it('answers 400 naming the key for a body with "dryRun" twice, instead of letting the last one win', async () => {
    // Act
    const response = await callHttp(anHttpEvent('stop', '{"dryRun":true,"dryRun":false}'));

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([
      { field: 'body.dryRun', message: expect.stringMatching(/appears more than once/) },
    ]);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('refuses an empty tags selector, instead of listing instances without the control tag', () => {
    // Act
    const parsed = parseRequest({ action: 'status', tags: {} }, TEST_CONFIG);

    // Assess
    expect(parsed).toEqual({
      ok: false,
      problems: [
        {
          field: 'tags',
          message:
            'names no tag: give at least one key, or leave "tags" out to select by the control tag',
        },
      ],
    });
  });

  it('answers 400 for an http event without requestContext, instead of a TypeError', async () => {
    // Prepare
    const { requestContext: _dropped, ...event } = anHttpEvent('status', '{}');

    // Act
    const response = await callHttp(event);

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([
      {
        field: '(event).requestContext',
        message: expect.stringMatching(/missing.*API Gateway HTTP API/),
      },
    ]);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it.each([
    ['null', null],
    ['a string', 'stop'],
    ['an array', [{ action: 'stop' }]],
    ['a number', 7],
  ])('fails a direct invocation that is %s with InvalidRequestError', async (_name, event) => {
    // Act
    const run = instancesHandler(event, aContext());

    // Assess
    await expect(run).rejects.toThrow(InvalidRequestError);
    await expect(run).rejects.toThrow(/\(root\): the event must be a JSON object/);
    expect(ec2Mock).not.toHaveReceivedCommand(StartInstancesCommand);
    expect(ec2Mock).not.toHaveReceivedCommand(StopInstancesCommand);
  });
});
