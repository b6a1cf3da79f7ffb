import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  AssumeRoleCommand,
  type AssumeRoleCommandInput,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
} from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { ManualClock } from '../../scripts/local-aws';
import {
  EXTERNAL_ID_222,
  type Fixture,
  failureOf,
  startFixture,
  TARGET_ROLE,
} from './local-aws-fixture';

const EXEC_ROLE_ARN = 'arn:aws:iam::111111111111:role/xacct-ec2-local-eu-west-1-exec';
const HOME_SESSION_ARN =
  'arn:aws:sts::111111111111:assumed-role/xacct-ec2-local-eu-west-1-exec/xacct-ec2-local-instances';

describe('local-aws: STS', () => {
  let fixture: Fixture;

  beforeEach(async () => {
    fixture = await startFixture();
  });

  afterEach(async () => {
    await fixture.stop();
  });

  const assumeRole = (input: Partial<AssumeRoleCommandInput>) =>
    fixture.sts().send(
      new AssumeRoleCommand({
        RoleArn: TARGET_ROLE('222222222222'),
        RoleSessionName: 'xacct-ec2-test-1',
        ExternalId: EXTERNAL_ID_222,
        ...input,
      }),
    );

  describe('AssumeRole', () => {
    it('issues a session in the target account that expires after DurationSeconds', async () => {
      // Prepare
      const now = fixture.clock.now();

      // Act
      const answer = await assumeRole({ DurationSeconds: 900 });

      // Assess
      expect(answer.AssumedRoleUser?.Arn).toBe(
        'arn:aws:sts::222222222222:assumed-role/xacct-ec2-local-target/xacct-ec2-test-1',
      );
      expect(answer.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:xacct-ec2-test-1$/);
      expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
      expect(answer.Credentials?.SecretAccessKey).toHaveLength(40);
      expect(answer.Credentials?.Expiration?.getTime()).toBe(
        Math.floor((now + 900_000) / 1000) * 1000,
      );
    });

    it('passes who is calling, from where, to the Authorizer', async () => {
      // Act
      await assumeRole({});

      // Assess
      expect(fixture.authorizer.assumeRoleChecks).toEqual([
        {
          callerSessionArn: HOME_SESSION_ARN,
          callerRoleArn: EXEC_ROLE_ARN,
          callerAccountId: '111111111111',
          callerOrgId: 'o-a1b2c3d4e5',
          sourceFunctionArn:
            'arn:aws:lambda:eu-west-1:111111111111:function:xacct-ec2-local-instances',
          targetRoleArn: TARGET_ROLE('222222222222'),
          externalId: EXTERNAL_ID_222,
          // Where the role sits in the seeded organization (aws:ResourceOrgID / ResourceOrgPaths).
          targetOrgId: 'o-a1b2c3d4e5',
          targetOrgPaths: ['o-a1b2c3d4e5/r-a1b2/ou-a1b2-prod0001/'],
        },
      ]);
    });

    it.each([
      ['a wrong ExternalId', '222222222222', { ExternalId: 'guess' }],
      ['a role deployed for another stage only', '444444444444', {}],
      ['a role that does not exist', '555555555555', {}],
    ])('answers AccessDenied with AWS text for %s', async (_case, accountId, input) => {
      // Act
      const error = await failureOf(assumeRole({ RoleArn: TARGET_ROLE(accountId), ...input }));

      // Assess
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
      expect(error.message).toBe(
        `User: ${HOME_SESSION_ARN} is not authorized to perform: sts:AssumeRole on resource: ${TARGET_ROLE(accountId)}`,
      );
    });

    it('carries no lambda:SourceFunctionArn for a home session used outside the function', async () => {
      // Prepare
      const outside = fixture.aws.world.createHomeSession({ sourceFunctionArn: null });
      const sts = fixture.sts({
        accessKeyId: outside.accessKeyId,
        secretAccessKey: outside.secretAccessKey,
        sessionToken: outside.sessionToken,
      });

      // Act
      const error = await failureOf(
        sts.send(
          new AssumeRoleCommand({
            RoleArn: TARGET_ROLE('222222222222'),
            RoleSessionName: 'leaked',
            ExternalId: EXTERNAL_ID_222,
          }),
        ),
      );

      // Assess
      expect(error.name).toBe('AccessDenied');
      expect(fixture.authorizer.assumeRoleChecks[0]?.sourceFunctionArn).toBeUndefined();
    });

    it('refuses more than an hour for a chained role session', async () => {
      // Act
      const error = await failureOf(assumeRole({ DurationSeconds: 7200 }));

      // Assess
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
        'ValidationError',
        400,
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      ]);
    });

    it.each([
      [
        'a space',
        'nightly stop',
        "1 validation error detected: Value 'nightly stop' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      ],
      [
        'one character',
        'a',
        "1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
      ],
      [
        '65 characters',
        'x'.repeat(65),
        `1 validation error detected: Value '${'x'.repeat(65)}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
      ],
      [
        'an ISO timestamp',
        '2026-01-05T19:00:00Z',
        "1 validation error detected: Value '2026-01-05T19:00:00Z' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
      ],
    ])('refuses a session name with %s', async (_case, name, message) => {
      // Act
      const error = await failureOf(assumeRole({ RoleSessionName: name }));

      // Assess
      expect([error.name, error.message]).toEqual(['ValidationError', message]);
    });

    it('refuses a malformed ExternalId and a too short duration in one message', async () => {
      // Act
      const error = await failureOf(assumeRole({ ExternalId: 'a', DurationSeconds: 600 }));

      // Assess
      expect(error.message).toBe(
        "2 validation errors detected: Value 'a' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2; Value '600' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      );
    });

    it('lets the session lifetime override make sessions expire in seconds', async () => {
      // Prepare
      fixture.aws.world.updateSettings({ sessionLifetimeOverrideSeconds: 2 });
      const now = fixture.clock.now();

      // Act
      const answer = await assumeRole({});

      // Assess
      expect(answer.Credentials?.Expiration?.getTime()).toBe(
        Math.floor((now + 2000) / 1000) * 1000,
      );
      expect(
        fixture.aws.world.sessions.find(answer.Credentials?.AccessKeyId ?? '')?.expiresAt,
      ).toBe(now + 2000);
    });
  });

  describe('GetCallerIdentity', () => {
    it('answers with the identity of the signing credentials', async () => {
      // Prepare
      const assumed = await fixture.assume('222222222222');

      // Act
      const home = await fixture.sts().send(new GetCallerIdentityCommand({}));
      const target = await fixture.sts(assumed).send(new GetCallerIdentityCommand({}));

      // Assess
      expect(home).toMatchObject({ Account: '111111111111', Arn: HOME_SESSION_ARN });
      expect(target).toMatchObject({
        Account: '222222222222',
        Arn: 'arn:aws:sts::222222222222:assumed-role/xacct-ec2-local-target/test-session',
        UserId: expect.stringMatching(/^AROA\w+:test-session$/),
      });
    });
  });

  it('answers an action it does not model with InvalidAction', async () => {
    // Act
    const error = await failureOf(fixture.sts().send(new GetSessionTokenCommand({})));

    // Assess
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'InvalidAction',
      400,
      'Could not find operation GetSessionToken for version 2011-06-15',
    ]);
  });

  it('serves fromTemporaryCredentials through AWS_ENDPOINT_URL_STS / _EC2 set in this process only', async () => {
    // Prepare
    const saved = { sts: process.env.AWS_ENDPOINT_URL_STS, ec2: process.env.AWS_ENDPOINT_URL_EC2 };
    Object.assign(process.env, fixture.aws.endpointEnv);
    const ec2 = new EC2Client({
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: fromTemporaryCredentials({
        masterCredentials: fixture.aws.homeCredentials,
        params: {
          RoleArn: TARGET_ROLE('222222222222'),
          ExternalId: EXTERNAL_ID_222,
          RoleSessionName: 'env-test',
        },
        clientConfig: { region: 'eu-west-1' },
      }),
    });

    try {
      // Act
      const answer = await ec2.send(
        new DescribeInstancesCommand({ InstanceIds: ['i-0222a000000000003'] }),
      );

      // Assess
      expect(answer.Reservations?.[0]?.OwnerId).toBe('222222222222');
      expect(fixture.aws.calls.count({ service: 'sts', action: 'AssumeRole', outcome: 'OK' })).toBe(
        1,
      );
    } finally {
      ec2.destroy();
      for (const [name, value] of [
        ['AWS_ENDPOINT_URL_STS', saved.sts],
        ['AWS_ENDPOINT_URL_EC2', saved.ec2],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('expires issued sessions on the world clock', async () => {
    // Prepare
    const assumed = await fixture.assume('333333333333', 900);
    (fixture.clock as ManualClock).advance(899_000);
    await fixture.sts(assumed).send(new GetCallerIdentityCommand({}));
    (fixture.clock as ManualClock).advance(1_000);

    // Act
    const error = await failureOf(fixture.sts(assumed).send(new GetCallerIdentityCommand({})));

    // Assess
    expect(error.name).toBe('ExpiredToken');
  });
});
