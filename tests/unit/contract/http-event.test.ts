import { MAX_BODY_BYTES, readHttpEvent } from '../../../handlers/contract/http-event';
import { anHttpEvent } from '../../helpers/http-event';

describe('Function: readHttpEvent', () => {
  it('reads the action, the body and the caller of an API Gateway event', () => {
    // Act
    const read = readHttpEvent(anHttpEvent('stop', '{"dryRun":true}'));

    // Assess
    expect(read).toEqual({
      ok: true,
      call: {
        method: 'POST',
        action: 'stop',
        runId: undefined,
        apiRequestId: 'JKJaXmPLvHcESHA=',
        receivedAt: 1_767_639_600_000,
        bodyText: '{"dryRun":true}',
        caller: {
          userArn: 'arn:aws:sts::111111111111:assumed-role/operators/alice',
          accountId: '111111111111',
          userId: 'AROAEXAMPLE:alice',
        },
        sourceIp: '192.0.2.10',
      },
    });
  });

  it.each([
    ['not an object', () => 'stop', '(event)'],
    [
      'without requestContext',
      () => ({ ...anHttpEvent('stop'), requestContext: undefined }),
      '(event).requestContext',
    ],
    [
      'without requestContext.http',
      () => {
        const event = anHttpEvent('stop');
        return { ...event, requestContext: { ...event.requestContext, http: null } };
      },
      '(event).requestContext.http',
    ],
    [
      'without isBase64Encoded',
      () => ({ ...anHttpEvent('stop'), isBase64Encoded: undefined }),
      '(event).isBase64Encoded',
    ],
    [
      'with a body that is not a string',
      () => ({ ...anHttpEvent('stop'), body: { dryRun: true } }),
      '(event).body',
    ],
    [
      'with pathParameters that are not an object',
      () => ({ ...anHttpEvent('stop'), pathParameters: 'stop' }),
      '(event).pathParameters',
    ],
  ])('answers 400 for an event %s, naming the field', (_name, event, field) => {
    // Act
    const read = readHttpEvent(event());

    // Assess
    expect(read).toEqual({
      ok: false,
      statusCode: 400,
      problems: [{ field, message: expect.stringMatching(/API Gateway HTTP API/) }],
    });
  });

  it('answers 413 for a body past the size limit, counted in bytes after base64 decoding', () => {
    // Prepare
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 'a').toString('base64');

    // Act
    const read = readHttpEvent({ ...anHttpEvent('stop', big), isBase64Encoded: true });

    // Assess
    expect(read).toMatchObject({ ok: false, statusCode: 413, problems: [{ field: 'body' }] });
  });

  it('refuses a base64 body that is not UTF-8, instead of turning bytes into U+FFFD', () => {
    // Prepare
    const body = Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]).toString('base64');

    // Act
    const read = readHttpEvent({ ...anHttpEvent('stop', body), isBase64Encoded: true });

    // Assess
    expect(read).toEqual({
      ok: false,
      statusCode: 400,
      problems: [{ field: 'body', message: expect.stringMatching(/not valid UTF-8/) }],
    });
  });
});
