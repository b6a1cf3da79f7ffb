import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { ManualClock } from '../../scripts/local-aws';
import { type Fixture, failureOf, startFixture } from './local-aws-fixture';

/** Changes one byte of the body after the SDK has signed it (same length), as a proxy or a bug would. */
function tamperAfterSigning(client: {
  middlewareStack: { add: (...args: never[]) => unknown };
}): void {
  const add = client.middlewareStack.add as (
    middleware: (
      next: (args: { request: { body?: unknown } }) => Promise<unknown>,
    ) => (args: { request: { body?: unknown } }) => Promise<unknown>,
    options: { step: 'deserialize'; name: string },
  ) => void;
  add(
    (next) => async (args) => {
      if (typeof args.request.body === 'string') {
        const body = args.request.body;
        args.request.body = `${body.slice(0, -1)}${body.endsWith('5') ? '6' : '5'}`;
      }
      return next(args);
    },
    { step: 'deserialize', name: 'tamperAfterSigning' },
  );
}

describe('local-aws: SigV4 authentication', () => {
  let fixture: Fixture;

  beforeEach(async () => {
    fixture = await startFixture();
  });

  afterEach(async () => {
    await fixture.stop();
  });

  it('accepts a request signed by the SDK with the home session', async () => {
    // Act
    const identity = await fixture.sts().send(new GetCallerIdentityCommand({}));

    // Assess
    expect(identity.Arn).toBe(
      'arn:aws:sts::111111111111:assumed-role/xacct-ec2-local-eu-west-1-exec/xacct-ec2-local-instances',
    );
  });

  it('refuses a body changed after signing with SignatureDoesNotMatch (STS and EC2)', async () => {
    // Prepare
    const sts = fixture.sts();
    const ec2 = fixture.ec2(fixture.aws.homeCredentials);
    tamperAfterSigning(sts);
    tamperAfterSigning(ec2);

    // Act
    const stsError = await failureOf(sts.send(new GetCallerIdentityCommand({})));
    const ec2Error = await failureOf(ec2.send(new DescribeInstancesCommand({})));

    // Assess
    expect([stsError.name, stsError.$metadata.httpStatusCode]).toEqual([
      'SignatureDoesNotMatch',
      403,
    ]);
    expect([ec2Error.name, ec2Error.$metadata.httpStatusCode]).toEqual([
      'SignatureDoesNotMatch',
      403,
    ]);
  });

  it('refuses a signature made with the wrong secret', async () => {
    // Prepare
    const wrongSecret = { ...fixture.aws.homeCredentials, secretAccessKey: 'x'.repeat(40) };

    // Act
    const error = await failureOf(fixture.sts(wrongSecret).send(new GetCallerIdentityCommand({})));

    // Assess
    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.message).toMatch(/^The request signature we calculated does not match/);
  });

  it('refuses an unknown access key: InvalidClientTokenId from STS, AuthFailure from EC2', async () => {
    // Prepare
    const unknown = {
      accessKeyId: 'ASIAUNKNOWNKEY000000',
      secretAccessKey: 'y'.repeat(40),
      sessionToken: 'token',
    };

    // Act
    const stsError = await failureOf(fixture.sts(unknown).send(new GetCallerIdentityCommand({})));
    const ec2Error = await failureOf(fixture.ec2(unknown).send(new DescribeInstancesCommand({})));

    // Assess
    expect([stsError.name, stsError.$metadata.httpStatusCode, stsError.message]).toEqual([
      'InvalidClientTokenId',
      403,
      'The security token included in the request is invalid.',
    ]);
    expect([ec2Error.name, ec2Error.$metadata.httpStatusCode]).toEqual(['AuthFailure', 401]);
  });

  it('refuses a known key presented with another session token', async () => {
    // Prepare
    const wrongToken = { ...fixture.aws.homeCredentials, sessionToken: 'not-the-token' };

    // Act
    const error = await failureOf(fixture.sts(wrongToken).send(new GetCallerIdentityCommand({})));

    // Assess
    expect(error.name).toBe('InvalidClientTokenId');
  });

  it('refuses an expired session: ExpiredToken from STS, RequestExpired from EC2', async () => {
    // Prepare
    fixture.aws.world.updateSettings({ sessionLifetimeOverrideSeconds: 60 });
    const assumed = await fixture.assume('222222222222');
    (fixture.clock as ManualClock).advance(61_000);

    // Act
    const stsError = await failureOf(fixture.sts(assumed).send(new GetCallerIdentityCommand({})));
    const ec2Error = await failureOf(fixture.ec2(assumed).send(new DescribeInstancesCommand({})));

    // Assess
    expect([stsError.name, stsError.$metadata.httpStatusCode, stsError.message]).toEqual([
      'ExpiredToken',
      403,
      'The security token included in the request is expired',
    ]);
    expect([ec2Error.name, ec2Error.$metadata.httpStatusCode]).toEqual(['RequestExpired', 400]);
  });

  it('refuses a signature dated more than 15 minutes from real time', async () => {
    // Prepare
    const skewed = { systemClockOffset: -20 * 60 * 1000 };

    // Act
    const stsError = await failureOf(
      fixture.sts(undefined, skewed).send(new GetCallerIdentityCommand({})),
    );
    const ec2Error = await failureOf(
      fixture
        .ec2(fixture.aws.homeCredentials, undefined, skewed)
        .send(new DescribeInstancesCommand({})),
    );

    // Assess
    expect(stsError.name).toBe('SignatureDoesNotMatch');
    expect(stsError.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    expect(ec2Error.name).toBe('RequestExpired');
  });

  it('sends a real-time Date header, from which the SDK corrects a skewed clock', async () => {
    // Prepare
    const sts = fixture.sts(undefined, { systemClockOffset: -20 * 60 * 1000 });
    await failureOf(sts.send(new GetCallerIdentityCommand({})));

    // Act
    const identity = await sts.send(new GetCallerIdentityCommand({}));

    // Assess
    expect(identity.Account).toBe('111111111111');
  });

  it('refuses an unsigned request with MissingAuthenticationToken', async () => {
    // Act
    const response = await fetch(fixture.aws.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });

    // Assess
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });
});
