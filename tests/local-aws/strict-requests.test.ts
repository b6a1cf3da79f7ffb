import { DescribeInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { TemporaryCredentials } from '../../scripts/local-aws';
import {
  EXTERNAL_ID_222,
  type Fixture,
  failureOf,
  startFixture,
  TARGET_ROLE,
} from './local-aws-fixture';
import { addParametersBeforeSigning, sendSignedQuery } from './signed-query';

const RUNNING_222 = 'i-0222a000000000001';

describe('local-aws: requests AWS would refuse', () => {
  let fixture: Fixture;
  let target: TemporaryCredentials;

  beforeEach(async () => {
    fixture = await startFixture();
    target = await fixture.assume('222222222222');
  });

  afterEach(async () => {
    await fixture.stop();
  });

  const stateOf = (instanceId: string) => fixture.aws.world.instance(instanceId)?.state;

  describe('unknown parameters', () => {
    it('refuses an EC2 parameter the action does not have with UnknownParameter (400), and stops nothing', async () => {
      // Prepare
      const ec2 = fixture.ec2(target);
      addParametersBeforeSigning(ec2, { Hibernation: 'true' });

      // Act
      const error = await failureOf(
        ec2.send(new StopInstancesCommand({ InstanceIds: [RUNNING_222] })),
      );

      // Assess
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
        'UnknownParameter',
        400,
        'The parameter Hibernation is not recognized',
      ]);
      expect(stateOf(RUNNING_222)).toBe('running');
    });

    it('refuses a list member numbered from 0 (EC2 lists start at 1)', async () => {
      // Prepare
      const ec2 = fixture.ec2(target);
      addParametersBeforeSigning(ec2, { 'InstanceId.0': RUNNING_222 });

      // Act
      const error = await failureOf(ec2.send(new DescribeInstancesCommand({})));

      // Assess
      expect([error.name, error.message]).toEqual([
        'UnknownParameter',
        'The parameter InstanceId.0 is not recognized',
      ]);
    });

    it('refuses an STS parameter AssumeRole does not have, before the role is assumed', async () => {
      // Prepare
      const sts = fixture.sts();
      addParametersBeforeSigning(sts, { ExternalID: EXTERNAL_ID_222 });

      // Act
      const error = await failureOf(
        sts.send(
          new AssumeRoleCommand({ RoleArn: TARGET_ROLE('222222222222'), RoleSessionName: 'typo' }),
        ),
      );

      // Assess
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
        'UnknownParameter',
        400,
        'The parameter ExternalID is not recognized',
      ]);
      expect(fixture.aws.world.sessions.all()).toHaveLength(2);
    });

    it('checks parameters sent in the URL query string too, not only those in the form', async () => {
      // Act
      const answer = await sendSignedQuery({
        url: fixture.aws.url,
        service: 'ec2',
        region: fixture.aws.region,
        credentials: target,
        form: { Action: 'StopInstances', Version: '2016-11-15', 'InstanceId.1': RUNNING_222 },
        query: { DryRun: 'maybe' },
      });

      // Assess
      expect([answer.status, answer.code]).toEqual([400, 'InvalidParameterValue']);
      expect(stateOf(RUNNING_222)).toBe('running');
    });

    it('still accepts every parameter the SDK sends for the actions it models', async () => {
      // Act
      const page = await fixture.ec2(target).send(
        new DescribeInstancesCommand({
          Filters: [{ Name: 'instance-state-name', Values: ['running'] }],
          MaxResults: 5,
          IncludeManagedResources: false,
          DryRun: false,
        }),
      );

      // Assess
      expect(page.Reservations?.length).toBeGreaterThan(0);
    });
  });

  describe('Version', () => {
    const send = (service: 'sts' | 'ec2', form: Record<string, string>) =>
      sendSignedQuery({
        url: fixture.aws.url,
        service,
        region: fixture.aws.region,
        credentials: service === 'sts' ? fixture.aws.homeCredentials : target,
        form,
      });

    it('refuses a request without Action with MissingAction (400)', async () => {
      // Act
      const ec2 = await send('ec2', { Version: '2016-11-15' });
      const sts = await send('sts', { Version: '2011-06-15' });

      // Assess
      expect([ec2.status, ec2.code, sts.status, sts.code]).toEqual([
        400,
        'MissingAction',
        400,
        'MissingAction',
      ]);
    });

    it('refuses a request without Version with MissingParameter (EC2 and STS, 400)', async () => {
      // Act
      const ec2 = await send('ec2', { Action: 'DescribeInstances' });
      const sts = await send('sts', { Action: 'GetCallerIdentity' });

      // Assess
      expect([ec2.status, ec2.code, ec2.message]).toEqual([
        400,
        'MissingParameter',
        'The request must contain the parameter Version',
      ]);
      expect([sts.status, sts.code]).toEqual([400, 'MissingParameter']);
    });

    it('refuses an API version the service does not serve (EC2 NoSuchVersion, STS InvalidAction)', async () => {
      // Act
      const ec2 = await send('ec2', { Action: 'DescribeInstances', Version: '2014-10-01' });
      const sts = await send('sts', { Action: 'GetCallerIdentity', Version: '2016-11-15' });

      // Assess
      expect([ec2.status, ec2.code, ec2.message]).toEqual([
        400,
        'NoSuchVersion',
        'The requested version (2014-10-01) of service AmazonEC2 does not exist',
      ]);
      expect([sts.status, sts.code, sts.message]).toEqual([
        400,
        'InvalidAction',
        'Could not find operation GetCallerIdentity for version 2016-11-15',
      ]);
    });

    it('serves a hand-written request that carries the right Version', async () => {
      // Act
      const answer = await send('sts', { Action: 'GetCallerIdentity', Version: '2011-06-15' });

      // Assess
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('<Account>111111111111</Account>');
    });
  });

  describe('booleans', () => {
    const stop = (extra: Record<string, string>) =>
      sendSignedQuery({
        url: fixture.aws.url,
        service: 'ec2',
        region: fixture.aws.region,
        credentials: target,
        form: {
          Action: 'StopInstances',
          Version: '2016-11-15',
          'InstanceId.1': RUNNING_222,
          ...extra,
        },
      });

    it('refuses DryRun=maybe with InvalidParameterValue (400) instead of running a real stop', async () => {
      // Act
      const answer = await stop({ DryRun: 'maybe' });

      // Assess
      expect([answer.status, answer.code]).toEqual([400, 'InvalidParameterValue']);
      expect(answer.message).toContain('DryRun');
      expect(stateOf(RUNNING_222)).toBe('running');
    });

    it('refuses Hibernate and Force values other than true/false', async () => {
      // Act
      const hibernate = await stop({ Hibernate: 'yes' });
      const force = await stop({ Force: '1' });

      // Assess
      expect([hibernate.code, force.code]).toEqual([
        'InvalidParameterValue',
        'InvalidParameterValue',
      ]);
      expect(stateOf(RUNNING_222)).toBe('running');
    });

    it('takes DryRun=false as a real stop, as AWS does', async () => {
      // Act
      const answer = await stop({ DryRun: 'false' });

      // Assess
      expect(answer.status).toBe(200);
      expect(stateOf(RUNNING_222)).toBe('stopping');
    });
  });

  describe('SigV4 credential scope and date', () => {
    it('refuses a credential scope naming a region that does not exist (EC2 AuthFailure 401, STS 403)', async () => {
      // Act
      const ec2 = await failureOf(
        fixture.ec2(target, 'eu-westt-1').send(new DescribeInstancesCommand({})),
      );
      const sts = await failureOf(
        fixture.sts(undefined, { region: 'mars-north-1' }).send(new GetCallerIdentityCommand({})),
      );

      // Assess
      expect([ec2.name, ec2.$metadata.httpStatusCode, ec2.message]).toEqual([
        'AuthFailure',
        401,
        "Credential should be scoped to a valid region, not 'eu-westt-1'.",
      ]);
      expect([sts.name, sts.$metadata.httpStatusCode, sts.message]).toEqual([
        'SignatureDoesNotMatch',
        403,
        "Credential should be scoped to a valid region, not 'mars-north-1'.",
      ]);
    });

    it('serves a real region the seed has no instances in (an empty answer, not an error)', async () => {
      // Act
      const page = await fixture.ec2(target, 'ap-south-2').send(new DescribeInstancesCommand({}));

      // Assess
      expect(page.Reservations).toEqual([]);
    });

    it('says "not yet current" for a request dated more than 15 minutes ahead (STS and EC2)', async () => {
      // Prepare
      const ahead = { systemClockOffset: 20 * 60 * 1000 };

      // Act
      const sts = await failureOf(
        fixture.sts(undefined, ahead).send(new GetCallerIdentityCommand({})),
      );
      const ec2 = await failureOf(
        fixture.ec2(target, undefined, ahead).send(new DescribeInstancesCommand({})),
      );

      // Assess
      expect([sts.name, sts.$metadata.httpStatusCode]).toEqual(['SignatureDoesNotMatch', 403]);
      expect(sts.message).toMatch(
        /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/,
      );
      expect([ec2.name, ec2.$metadata.httpStatusCode]).toEqual(['RequestExpired', 400]);
      expect(ec2.message).toContain('not yet current');
      expect(`${sts.message} ${ec2.message}`).not.toMatch(/expired/i);
    });
  });

  describe('AssumeRole role ARN', () => {
    const assume = (roleArn: string) =>
      failureOf(
        fixture
          .sts()
          .send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'arn-check' })),
      );

    it.each([
      ['a role name instead of an ARN', 'xacct-ec2-local-target-role-name'],
      ['a user ARN', 'arn:aws:iam::222222222222:user/xacct-ec2-local-target'],
      ['an account ID that is not 12 digits', 'arn:aws:iam::2222:role/xacct-ec2-local-target'],
      ['a single colon before the account', 'arn:aws:iam:222222222222:role/xacct-ec2-local-target'],
    ])(
      'refuses %s with ValidationError (400) before any policy is asked',
      async (_case, roleArn) => {
        // Act
        const error = await assume(roleArn);

        // Assess
        expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
          'ValidationError',
          400,
          `${roleArn} is invalid`,
        ]);
        expect(fixture.authorizer.assumeRoleChecks).toHaveLength(1);
      },
    );

    it('answers a well-formed ARN of a role that does not exist with AccessDenied, as for a refusal', async () => {
      // Act
      const error = await assume('arn:aws:iam::222222222222:role/no-such-role');

      // Assess
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    });
  });
});
