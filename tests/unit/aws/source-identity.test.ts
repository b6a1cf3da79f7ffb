import { AssumeRoleCommand, STSClient } from '@aws-sdk/nested-clients/sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createTargetClients } from '../../../handlers/aws/clients';
import { createAccountCredentials, sessionKey } from '../../../handlers/aws/credentials';
import {
  SOURCE_IDENTITY_PATTERN,
  sourceIdentityFor,
  toSourceIdentity,
} from '../../../handlers/formats/source-identity';
import { ec2Task } from '../../../handlers/tasks/ec2/task';
import { TEST_CONFIG } from '../../helpers/config';

const ACCOUNT = '222222222222';
// The credential provider's own STS client (the one fromTemporaryCredentials builds).
const stsMock = mockClient(STSClient);

function credentialsWithClock() {
  let requestId = 'req-1';
  const credentials = createAccountCredentials({
    config: TEST_CONFIG,
    homeRegion: 'eu-west-1',
    serviceName: 'xacct-ec2',
    stage: 'test',
    requestId: () => requestId,
  });
  return { credentials, nextRequest: (id: string) => (requestId = id) };
}

describe('sourceIdentityFor', () => {
  it.each([
    [{ kind: 'invoke' as const }, 'direct'],
    [
      { kind: 'schedule' as const, schedule: 'weekday-evening-stop' },
      'schedule.weekday-evening-stop',
    ],
    [
      {
        kind: 'http' as const,
        callerArn: 'arn:aws:sts::111111111111:assumed-role/operators/alice',
      },
      'r.111111111111.9.operators.alice',
    ],
    [
      { kind: 'http' as const, callerArn: 'arn:aws:iam::111111111111:user/ci/deployer' },
      'u.111111111111.deployer',
    ],
  ])('maps %j to %s', (origin, expected) => {
    expect(sourceIdentityFor(origin)).toBe(expected);
  });

  const http = (callerArn: string) => sourceIdentityFor({ kind: 'http', callerArn });

  it.each([
    [
      'role ops, session x@yy / role ops@x, session yy',
      'arn:aws:sts::111111111111:assumed-role/ops/x@yy',
      'arn:aws:sts::111111111111:assumed-role/ops@x/yy',
    ],
    [
      'role user, session alice / IAM user alice',
      'arn:aws:sts::111111111111:assumed-role/user/alice',
      'arn:aws:iam::111111111111:user/alice',
    ],
    [
      'IAM user alice in two accounts',
      'arn:aws:iam::111111111111:user/alice',
      'arn:aws:iam::222222222222:user/alice',
    ],
    [
      'the same role and session in two accounts',
      'arn:aws:sts::111111111111:assumed-role/ops/alice',
      'arn:aws:sts::222222222222:assumed-role/ops/alice',
    ],
  ])('keeps apart what the old form mixed up: %s', (_case, one, two) => {
    // Act / Assess
    expect(http(one)).not.toBe(http(two));
  });

  it('keeps an SSO caller readable and within 64 characters, hashing the whole', () => {
    // Prepare
    const callerArn =
      'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice.longname@example.com';

    // Act
    const identity = sourceIdentityFor({ kind: 'http', callerArn });

    // Assess
    expect(identity).toHaveLength(64);
    expect(identity).toMatch(SOURCE_IDENTITY_PATTERN);
    expect(identity).toMatch(/^h\.AWSReservedSSO_AdministratorAccess_0123456789\.[0-9a-f]{16}$/);
  });

  it.each([
    ['1 character', 'a'],
    ['2 characters', 'ab'],
    ['64 characters', 'y'.repeat(64)],
    ['65 characters', 'z'.repeat(65)],
    ['200 characters', 'w'.repeat(200)],
    ['characters STS refuses', 'role/with spaces:and~tilde'],
    ['nothing', ''],
  ])('always gives a value STS accepts: %s', (_case, exact) => {
    // Act
    const identity = toSourceIdentity(exact);

    // Assess
    expect(identity).toMatch(SOURCE_IDENTITY_PATTERN);
    if (/^[\w+=,.@-]{2,64}$/.test(exact)) expect(identity).toBe(exact);
    else expect(identity).toHaveLength(64);
  });

  it('keeps long values apart: same readable prefix, different hash', () => {
    // Act
    const one = toSourceIdentity(`${'p'.repeat(60)}@one`);
    const two = toSourceIdentity(`${'p'.repeat(60)}@two`);

    // Assess
    expect(one).not.toBe(two);
    expect(one.slice(0, 47)).toBe(two.slice(0, 47));
  });
});

describe('sessions per (account, source identity)', () => {
  beforeEach(() => {
    stsMock.reset();
    let n = 0;
    stsMock.on(AssumeRoleCommand).callsFake(async () => {
      n += 1;
      return {
        Credentials: {
          AccessKeyId: `ASIASESSION${n}`,
          SecretAccessKey: 'secret',
          SessionToken: `token-${n}`,
          Expiration: new Date(Date.now() + 3_600_000),
        },
      };
    });
  });

  it('keys a session by the account and the caller', () => {
    expect([
      sessionKey({ accountId: ACCOUNT }),
      sessionKey({ accountId: ACCOUNT, sourceIdentity: 'direct' }),
    ]).toEqual([ACCOUNT, `${ACCOUNT}|direct`]);
  });

  it('assumes once per caller in a warm container, sending each caller as SourceIdentity', async () => {
    // Prepare
    const { credentials, nextRequest } = credentialsWithClock();

    // Act
    const alice1 = await credentials.forAccount(ACCOUNT, 'operators@alice')();
    nextRequest('req-2');
    const bob = await credentials.forAccount(ACCOUNT, 'operators@bob')();
    nextRequest('req-3');
    const alice2 = await credentials.forAccount(ACCOUNT, 'operators@alice')();

    // Assess
    const sent = stsMock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);
    expect(sent.map((input) => input.SourceIdentity)).toEqual(['operators@alice', 'operators@bob']);
    expect(alice2.accessKeyId).toBe(alice1.accessKeyId);
    expect(bob.accessKeyId).not.toBe(alice1.accessKeyId);
    expect(credentials.sessionNames('operators@bob')).toEqual({
      [ACCOUNT]: 'xacct-ec2-test-req-2',
    });
  });

  it('never sends SourceIdentity when none is given (the stage param is off)', async () => {
    // Prepare
    const { credentials } = credentialsWithClock();

    // Act
    await credentials.forAccount(ACCOUNT)();

    // Assess
    const [call] = stsMock.commandCalls(AssumeRoleCommand);
    expect(call?.args[0].input).not.toHaveProperty('SourceIdentity');
  });

  it('gives each caller its own target client: an SDK client memoises the credentials it got', () => {
    // Prepare
    const clients = createTargetClients({
      config: TEST_CONFIG,
      homeRegion: 'eu-west-1',
      serviceName: 'xacct-ec2',
      stage: 'test',
      requestId: () => 'req-1',
    });
    const target = { accountId: ACCOUNT, region: 'eu-west-1' };

    // Act
    const alice = clients.clientFor(ec2Task, target, 'operators@alice');
    const aliceAgain = clients.clientFor(ec2Task, target, 'operators@alice');
    const bob = clients.clientFor(ec2Task, target, 'operators@bob');

    // Assess
    expect(aliceAgain).toBe(alice);
    expect(bob).not.toBe(alice);
    clients.destroy();
  });
});
