import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type LocalAws, startLocalAws } from '../../scripts/local-aws';
import type { ActionCheck, Authorizer } from '../../scripts/shared/authorization';

const HOME_BUS = 'arn:aws:events:eu-west-1:111111111111:event-bus/default';

/** Allows events:PutEvents on the home account's default bus only, and records every check. */
function busAuthorizer(checks: ActionCheck[]): Authorizer {
  const deny = async () => ({
    allowed: false,
    result: 'ImplicitlyDenied' as const,
    explanation: 'n/a',
  });
  return {
    authorizeAssumeRole: deny,
    authorizeEc2: deny,
    authorizeRequest: async (check) => {
      checks.push(check);
      const allowed = check.action === 'events:PutEvents' && check.resourceArn === HOME_BUS;
      return { allowed, result: allowed ? 'Allowed' : 'ImplicitlyDenied', explanation: 'test' };
    },
  };
}

const entry = (n: number, extra: Record<string, string> = {}) => ({
  Source: 'xacct-ec2',
  DetailType: 'Run Summary',
  Detail: JSON.stringify({ n }),
  ...extra,
});

describe('Local EventBridge: PutEvents', () => {
  let aws: LocalAws;
  let client: EventBridgeClient;
  const checks: ActionCheck[] = [];

  beforeAll(async () => {
    aws = await startLocalAws({ authorizer: busAuthorizer(checks), log: () => undefined });
    client = new EventBridgeClient({
      region: aws.region,
      endpoint: aws.url,
      credentials: aws.homeCredentials,
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await aws.stop();
  });

  beforeEach(() => {
    aws.events.reset();
    checks.length = 0;
  });

  const admin = async (path: string, body?: unknown) => {
    const response = await fetch(`${aws.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', 'x-local-aws-admin': '1' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await response.json()) as Record<string, unknown>;
  };

  it('records the events of a signed call the authorizer allows on the default bus, readable over the admin API', async () => {
    // Act
    const output = await client.send(new PutEventsCommand({ Entries: [entry(1), entry(2)] }));

    // Assess
    expect(output.FailedEntryCount).toBe(0);
    expect(output.Entries?.every((e) => typeof e.EventId === 'string')).toBe(true);
    expect(checks).toEqual([
      expect.objectContaining({
        action: 'events:PutEvents',
        resourceArn: HOME_BUS,
        callerRoleArn: expect.stringMatching(/:role\//),
      }),
    ]);
    const recorded = await admin('/_local/events');
    expect(recorded.events).toEqual([
      expect.objectContaining({
        source: 'xacct-ec2',
        detail: { n: 1 },
        account: '111111111111',
        eventBusArn: HOME_BUS,
      }),
      expect.objectContaining({ detail: { n: 2 } }),
    ]);
  });

  it('refuses a bus the authorizer does not allow, recording nothing', async () => {
    // Act
    const call = client.send(
      new PutEventsCommand({ Entries: [entry(1, { EventBusName: 'orders' })] }),
    );

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(aws.events.list()).toEqual([]);
  });

  it('answers a bad entry, or an injected failure, in that entry alone', async () => {
    // Prepare
    await admin('/_local/events/faults', { failEntries: 1 });

    // Act
    const output = await client.send(
      new PutEventsCommand({ Entries: [entry(1), entry(2, { Detail: 'not json' }), entry(3)] }),
    );

    // Assess
    expect(output.FailedEntryCount).toBe(2);
    expect(output.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'InternalFailure',
      'MalformedDetail',
      'ok',
    ]);
    expect(aws.events.list().map((e) => e.detail)).toEqual([{ n: 3 }]);
  });

  it('refuses more than 10 entries in one call', async () => {
    // Act
    const call = client.send(
      new PutEventsCommand({ Entries: Array.from({ length: 11 }, (_, i) => entry(i)) }),
    );

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ValidationException' });
  });

  // AWS Compute Blog, "More room to build: serverless services now support payloads up to 1 MB"
  // (2026-01-29): PutEvents went from 256 KB to 1 MB per call.
  it('accepts a call of 1 MB, four times the limit before 2026-01-29', async () => {
    // Prepare: Source + DetailType + Detail of one entry add up to exactly 1 MB.
    const overhead = Buffer.byteLength('xacct-ec2Run Summary{"pad":""}');
    const Detail = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 - overhead) });

    // Act
    const output = await client.send(new PutEventsCommand({ Entries: [entry(1, { Detail })] }));

    // Assess
    expect(output.FailedEntryCount).toBe(0);
    expect(aws.events.list()).toHaveLength(1);
  });

  it('refuses a call of 1 MB and one byte with ValidationException', async () => {
    // Prepare
    const overhead = Buffer.byteLength('xacct-ec2Run Summary{"pad":""}');
    const Detail = JSON.stringify({ pad: 'x'.repeat(1024 * 1024 - overhead + 1) });

    // Act
    const call = client.send(new PutEventsCommand({ Entries: [entry(1, { Detail })] }));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'ValidationException' });
    expect(aws.events.list()).toEqual([]);
  });

  it('refuses a call signed with a wrong secret', async () => {
    // Prepare
    const forged = new EventBridgeClient({
      region: aws.region,
      endpoint: aws.url,
      credentials: { ...aws.homeCredentials, secretAccessKey: 'wrong-secret' },
      maxAttempts: 1,
    });

    // Act
    const call = forged.send(new PutEventsCommand({ Entries: [entry(1)] }));

    // Assess
    await expect(call).rejects.toMatchObject({ name: 'InvalidSignatureException' });
    expect(checks).toEqual([]);
    forged.destroy();
  });
});
