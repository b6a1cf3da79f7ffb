/**
 * The actions the target role is never granted, against the endpoint's real Authorizer: the
 * policies rendered from resources/target-account-role.yml and the packaged execution role,
 * evaluated by iam-simulate. The refusal comes from the policy, not from a list in the endpoint.
 */
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  EC2Client,
  RebootInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  type LocalAws,
  loadAuthorizer,
  loadSeedFile,
  ManualClock,
  REPO_ROOT,
  startLocalAws,
} from '../../scripts/local-aws';
import type { Authorizer } from '../../scripts/shared/authorization';
import { EXTERNAL_ID_222, failureOf, TARGET_ROLE } from './local-aws-fixture';

const MANAGED_RUNNING = 'i-0222a000000000001';

describe('local-aws: actions the target role was never granted (real policies)', () => {
  let authorizer: Authorizer;
  let aws: LocalAws;
  let ec2: EC2Client;
  let sts: STSClient;

  beforeAll(async () => {
    // Packages the `local` stage once for the file (sls package), as `npm run local-aws` does.
    const seed = loadSeedFile();
    authorizer = await loadAuthorizer(undefined, { seed, repoRoot: REPO_ROOT });
  }, 120_000);

  beforeEach(async () => {
    aws = await startLocalAws({ authorizer, clock: new ManualClock(), log: () => {} });
    sts = new STSClient({
      region: aws.region,
      endpoint: aws.url,
      credentials: aws.homeCredentials,
      maxAttempts: 1,
    });
    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: TARGET_ROLE('222222222222'),
        RoleSessionName: 'never-granted',
        ExternalId: EXTERNAL_ID_222,
      }),
    );
    const credentials = assumed.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
      throw new Error('AssumeRole returned no credentials');
    }
    ec2 = new EC2Client({
      region: aws.region,
      endpoint: aws.url,
      maxAttempts: 1,
      credentials: {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        sessionToken: credentials.SessionToken,
      },
    });
  });

  afterEach(async () => {
    ec2.destroy();
    sts.destroy();
    await aws.stop();
  });

  it.each([
    [
      'TerminateInstances',
      (client: EC2Client) =>
        client.send(new TerminateInstancesCommand({ InstanceIds: [MANAGED_RUNNING] })),
    ],
    [
      'RebootInstances',
      (client: EC2Client) =>
        client.send(new RebootInstancesCommand({ InstanceIds: [MANAGED_RUNNING] })),
    ],
    [
      'CreateTags',
      (client: EC2Client) =>
        client.send(
          new CreateTagsCommand({
            Resources: [MANAGED_RUNNING],
            Tags: [{ Key: 'xacct-ec2:managed', Value: 'local' }],
          }),
        ),
    ],
    [
      'DeleteTags',
      (client: EC2Client) =>
        client.send(
          new DeleteTagsCommand({
            Resources: [MANAGED_RUNNING],
            Tags: [{ Key: 'xacct-ec2:managed' }],
          }),
        ),
    ],
  ])(
    'answers %s on a managed instance with UnauthorizedOperation (403), decided by the policy',
    async (action, send) => {
      // Act
      const error = await failureOf(send(ec2));

      // Assess
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['UnauthorizedOperation', 403]);
      expect(error.message).toContain(
        `is not authorized to perform: ec2:${action} on resource: arn:aws:ec2:eu-west-1:222222222222:instance/${MANAGED_RUNNING} because no identity-based policy allows the ec2:${action} action`,
      );
      expect(aws.world.instance(MANAGED_RUNNING)?.state).toBe('running');
      expect(aws.world.instance(MANAGED_RUNNING)?.tags).toContainEqual({
        key: 'xacct-ec2:managed',
        value: 'local',
      });
    },
  );

  it('refuses a DryRun terminate the same way (the role may not, so no DryRunOperation)', async () => {
    // Act
    const error = await failureOf(
      ec2.send(new TerminateInstancesCommand({ InstanceIds: [MANAGED_RUNNING], DryRun: true })),
    );

    // Assess
    expect(error.name).toBe('UnauthorizedOperation');
  });

  it('lets the same session stop the same instance (DryRun): the policy, not the endpoint, refuses terminate', async () => {
    // Act
    const error = await failureOf(
      ec2.send(new StopInstancesCommand({ InstanceIds: [MANAGED_RUNNING], DryRun: true })),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['DryRunOperation', 412]);
  });
});
