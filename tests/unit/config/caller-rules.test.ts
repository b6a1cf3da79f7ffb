import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { authorizeCaller } from '../../../handlers/aws/authorize-caller';
import {
  type CallerRule,
  callerRuleSchema,
  decideCaller,
  ruleMatchesCaller,
} from '../../../handlers/config/caller-rules';
import { parseStageConfig } from '../../../handlers/config/stage-config';
import { readCaller } from '../../../handlers/formats/caller';
import { TEST_CONFIG } from '../../helpers/config';

const HOME = '111111111111';
const SSO_ARN = `arn:aws:sts::${HOME}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice@example.com`;

const RULES: CallerRule[] = [
  { account: HOME, principal: 'role/ops-*', actions: ['status'] },
  { account: HOME, principal: 'sso/Admin', actions: ['start', 'stop', 'status'] },
  { account: HOME, principal: 'role-id/AROAPINNEDROLE1234', actions: ['stop'] },
  { account: HOME, principal: 'user/deployer', actions: ['status'] },
];

function eventFrom(iam: unknown, action = 'stop'): APIGatewayProxyEventV2WithIAMAuthorizer {
  return {
    pathParameters: { action },
    requestContext: { authorizer: iam === undefined ? undefined : { iam } },
  } as unknown as APIGatewayProxyEventV2WithIAMAuthorizer;
}

describe('readCaller', () => {
  it.each([
    [
      'an assumed role, with its role ID',
      {
        userArn: `arn:aws:sts::${HOME}:assumed-role/ops-read/bob`,
        userId: 'AROAOPSREAD12345678:bob',
      },
      {
        kind: 'assumed-role',
        roleName: 'ops-read',
        sessionName: 'bob',
        roleId: 'AROAOPSREAD12345678',
      },
    ],
    [
      'an SSO role',
      { userArn: SSO_ARN, userId: 'AROASSO:alice@example.com' },
      {
        kind: 'assumed-role',
        roleName: 'AWSReservedSSO_Admin_0123456789abcdef',
        sessionName: 'alice@example.com',
      },
    ],
    [
      'an IAM user with a path',
      { userArn: `arn:aws:iam::${HOME}:user/ci/deployer` },
      { kind: 'user', userName: 'deployer' },
    ],
    ['the root user', { userArn: `arn:aws:iam::${HOME}:root` }, { kind: 'root' }],
    [
      'a federated user',
      { userArn: `arn:aws:sts::${HOME}:federated-user/carol` },
      { kind: 'federated-user', userName: 'carol' },
    ],
  ])('reads %s', (_shape, iam, expected) => {
    // Act
    const caller = readCaller(iam);

    // Assess
    expect(caller).toMatchObject({ ...expected, accountId: HOME });
  });

  it.each([
    ['no context', undefined],
    ['no userArn', { accountId: HOME }],
    ['a service ARN', { userArn: 'arn:aws:iam::111111111111:role/ops-read' }],
    ['an ARN with an extra segment', { userArn: `arn:aws:sts::${HOME}:assumed-role/a/b/c` }],
    ['a non-ARN', { userArn: 'offlineContext_userArn' }],
  ])('refuses %s', (_shape, iam) => {
    expect(readCaller(iam)).toBeUndefined();
  });
});

describe('caller rules', () => {
  it('matches a trailing wildcard as a prefix, an SSO permission set exactly, and a role ID', () => {
    // Prepare
    const ops = readCaller({ userArn: `arn:aws:sts::${HOME}:assumed-role/ops-read/bob` });
    const sso = readCaller({ userArn: SSO_ARN });
    const ssoLonger = readCaller({
      userArn: `arn:aws:sts::${HOME}:assumed-role/AWSReservedSSO_Admin_More_0123456789abcdef/eve`,
    });
    const pinned = readCaller({
      userArn: `arn:aws:sts::${HOME}:assumed-role/anything/x1`,
      userId: 'AROAPINNEDROLE1234:x1',
    });

    // Act
    const decisions = [
      decideCaller(ops, 'status', RULES),
      decideCaller(ops, 'stop', RULES),
      decideCaller(sso, 'stop', RULES),
      decideCaller(ssoLonger, 'stop', RULES),
      decideCaller(pinned, 'stop', RULES),
    ];

    // Assess
    expect(decisions).toEqual([
      { allowed: true, ruleIndex: 0 },
      { allowed: false, reason: 'action-not-allowed', rules: [0] },
      { allowed: true, ruleIndex: 1 },
      { allowed: false, reason: 'unmatched-caller', rules: [] },
      { allowed: true, ruleIndex: 2 },
    ]);
  });

  it('requires the account: the same role name in another account matches nothing', () => {
    // Prepare
    const stranger = readCaller({ userArn: 'arn:aws:sts::999999999999:assumed-role/ops-read/bob' });

    // Act
    const matched = RULES.some((rule) => stranger && ruleMatchesCaller(rule, stranger));

    // Assess
    expect(matched).toBe(false);
  });

  it('never matches root or a federated user, even with role/* and user/*', () => {
    // Prepare
    const everyone: CallerRule[] = [
      { account: HOME, principal: 'role/*', actions: ['status'] },
      { account: HOME, principal: 'user/*', actions: ['status'] },
    ];

    // Act
    const root = decideCaller(
      readCaller({ userArn: `arn:aws:iam::${HOME}:root` }),
      'status',
      everyone,
    );
    const federated = decideCaller(
      readCaller({ userArn: `arn:aws:sts::${HOME}:federated-user/carol` }),
      'status',
      everyone,
    );

    // Assess
    expect([root.allowed, federated.allowed]).toEqual([false, false]);
  });

  it.each([
    ['a wildcard in the middle', 'role/ops-*-admin'],
    ['a bare *', '*'],
    ['a role ARN', 'arn:aws:iam::111111111111:role/ops'],
    ['an unknown form', 'group/ops'],
  ])('refuses %s as a principal', (_shape, principal) => {
    // Act
    const parsed = callerRuleSchema.safeParse({ account: HOME, principal, actions: ['status'] });

    // Assess
    expect(parsed.success).toBe(false);
  });

  it('validates the rules with the stage config, naming the field', () => {
    // Prepare
    const { callers: _callers, sourceIdentity: _si, ...rest } = TEST_CONFIG;
    const config = { ...rest, callers: [{ account: '1111', principal: 'role/x*y', actions: [] }] };

    // Act
    const parsed = parseStageConfig(config, 'params');

    // Assess
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.field).sort()).toEqual([
      'params.callers[0].account',
      'params.callers[0].actions',
      'params.callers[0].principal',
    ]);
  });
});

describe('authorizeCaller', () => {
  it('refuses a request without an IAM context with 403, naming the route setting', () => {
    // Act
    const check = authorizeCaller(eventFrom(undefined), RULES);

    // Assess
    expect(check.ok).toBe(false);
    const response = check.ok ? undefined : check.response;
    expect(response).toMatchObject({ statusCode: 403 });
    expect(JSON.parse(String((response as { body: string }).body)).problems[0].message).toContain(
      'aws_iam',
    );
  });

  it('refuses an unknown caller with 403 quoting the rule to add', () => {
    // Act
    const check = authorizeCaller(
      eventFrom({ userArn: `arn:aws:sts::${HOME}:assumed-role/dev-team/dana` }, 'start'),
      RULES,
    );

    // Assess
    const response = check.ok
      ? undefined
      : (check.response as { statusCode: number; body: string });
    expect(response?.statusCode).toBe(403);
    expect(JSON.parse(response?.body ?? '{}')).toEqual({
      message: `forbidden: arn:aws:sts::${HOME}:assumed-role/dev-team/dana is not named by any rule of params.callers`,
      problems: [
        {
          field: 'params.callers',
          message: `add {"account":"${HOME}","principal":"role/dev-team","actions":["start"]} to params.callers of this stage in serverless.yml, and deploy`,
        },
      ],
    });
  });

  it('lets a named caller through to validation when the action is unknown (400 there, not 403)', () => {
    // Act
    const check = authorizeCaller(eventFrom({ userArn: SSO_ARN }, 'reboot'), RULES);

    // Assess
    expect(check.ok).toBe(true);
  });
});
