import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { RDSClient, type RDSClientConfig } from '@aws-sdk/client-rds';
import { AssumeRoleCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import {
  type Clock,
  type LocalAws,
  loadSeedFile,
  ManualClock,
  type StartLocalAwsOptions,
  startLocalAws,
  type TemporaryCredentials,
} from '../../scripts/local-aws';
import { createFakeAuthorizer, type FakeAuthorizer, type FakeRules } from './fake-authorizer';

export const HOME_ACCOUNT = '111111111111';
export const TARGET_ROLE = (accountId: string) =>
  `arn:aws:iam::${accountId}:role/xacct-ec2-local-target`;
export const EXTERNAL_ID_222 = 'xacct-ec2-local-222222222222';

/** Credentials a test signs with: a session's, or deliberately wrong ones. */
export type TestCredentials = Omit<TemporaryCredentials, 'expiration'> & { expiration?: Date };

export interface Fixture {
  aws: LocalAws;
  authorizer: FakeAuthorizer;
  clock: Clock;
  sts(credentials?: TestCredentials, config?: Partial<STSClientConfig>): STSClient;
  ec2(credentials: TestCredentials, region?: string, config?: Partial<EC2ClientConfig>): EC2Client;
  rds(credentials: TestCredentials, region?: string, config?: Partial<RDSClientConfig>): RDSClient;
  /** The home session assumes the target role of an account (with the right ExternalId for 222). */
  assume(accountId: string, durationSeconds?: number): Promise<TemporaryCredentials>;
  stop(): Promise<void>;
}

/** `authorizer` replaces the fake one in the endpoint (the fixture's `authorizer` stays the fake). */
export interface FixtureOptions extends Partial<StartLocalAwsOptions> {
  rules?: FakeRules;
}

/**
 * A running endpoint with the fake authorizer and, unless told otherwise, a frozen clock.
 * Clients are the real SDK clients pointed at it; one attempt each, so error tests stay fast.
 */
export async function startFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const { rules, ...rest } = options;
  const seed = loadSeedFile();
  const authorizer = createFakeAuthorizer(seed, rules);
  const clock = rest.clock ?? new ManualClock();
  const aws = await startLocalAws({ authorizer, clock, log: () => {}, ...rest });
  const clients: Array<{ destroy(): void }> = [];
  const track = <T extends { destroy(): void }>(client: T): T => {
    clients.push(client);
    return client;
  };

  const fixture: Fixture = {
    aws,
    authorizer,
    clock,
    sts: (credentials = aws.homeCredentials, config = {}) =>
      track(
        new STSClient({
          region: aws.region,
          endpoint: aws.url,
          credentials,
          maxAttempts: 1,
          ...config,
        }),
      ),
    ec2: (credentials, region = aws.region, config = {}) =>
      track(new EC2Client({ region, endpoint: aws.url, credentials, maxAttempts: 1, ...config })),
    rds: (credentials, region = aws.region, config = {}) =>
      track(new RDSClient({ region, endpoint: aws.url, credentials, maxAttempts: 1, ...config })),
    async assume(accountId, durationSeconds) {
      const answer = await fixture.sts().send(
        new AssumeRoleCommand({
          RoleArn: TARGET_ROLE(accountId),
          RoleSessionName: 'test-session',
          ...(accountId === '222222222222' ? { ExternalId: EXTERNAL_ID_222 } : {}),
          ...(durationSeconds ? { DurationSeconds: durationSeconds } : {}),
        }),
      );
      const credentials = answer.Credentials;
      if (
        !credentials?.AccessKeyId ||
        !credentials.SecretAccessKey ||
        !credentials.SessionToken ||
        !credentials.Expiration
      ) {
        throw new Error('AssumeRole returned no credentials');
      }
      return {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        sessionToken: credentials.SessionToken,
        expiration: credentials.Expiration,
      };
    },
    async stop() {
      for (const client of clients) client.destroy();
      await aws.stop();
    },
  };
  return fixture;
}

/** The rejection of a promise, for asserting on SDK errors (fails if it resolves). */
export async function failureOf(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('Expected the call to fail, but it succeeded');
}

export interface SdkError extends Error {
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number };
}
