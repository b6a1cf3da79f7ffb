import {
  type DiagnoseContext,
  diagnoseTargetError,
  TROUBLESHOOTING,
} from '../../../handlers/core/diagnose';
import { explainInstanceError, explainStartFallback } from '../../../handlers/tasks/ec2/errors';
import { ec2Task } from '../../../handlers/tasks/ec2/task';
import {
  awsError,
  LEAKED_ACCESS_KEY,
  LEAKED_SECRET,
  LEAKED_SESSION_TOKEN,
} from '../../helpers/errors';

const CONTEXT: DiagnoseContext = {
  service: 'ec2',
  accountId: '222222222222',
  region: 'eu-west-1',
  roleArn: 'arn:aws:iam::222222222222:role/xacct-ec2-target',
  externalIdSent: true,
  homeRegion: 'eu-west-1',
  executionRoleName: 'xacct-ec2-test-eu-west-1-exec',
};

const ACCESS_DENIED = awsError(
  'AccessDenied',
  'User: arn:aws:sts::111111111111:assumed-role/xacct-ec2-test-eu-west-1-exec/xacct-ec2-test-instances is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/xacct-ec2-target',
);

describe('Function: diagnoseTargetError', () => {
  it('names both sides of an AssumeRole denial and says an ExternalId was sent', () => {
    // Prepare
    const err = ACCESS_DENIED;

    // Act
    const diagnosis = diagnoseTargetError(err, CONTEXT);

    // Assess
    const text = diagnosis.checks.join('\n');
    expect(diagnosis.code).toBe('AccessDenied');
    expect(text).toMatch(
      /Home account: .*xacct-ec2-test-eu-west-1-exec.*sts:AssumeRole on exactly arn:aws:iam::222222222222:role\/xacct-ec2-target/,
    );
    expect(text).toMatch(/lambda:SourceFunctionArn/);
    expect(text).toMatch(/Target account 222222222222: the trust policy/);
    expect(text).toMatch(/deleted and recreated/);
    expect(text).toMatch(/An ExternalId was sent/);
    expect(text).toMatch(/exactly the name "xacct-ec2-target" \(names are case-sensitive\)/);
    expect(text).toMatch(/SCP.*RCP.*permissions boundary/);
    expect(diagnosis.checks).toContain(TROUBLESHOOTING);
  });

  it('says when no ExternalId was sent', () => {
    // Prepare
    const context = { ...CONTEXT, externalIdSent: false };

    // Act
    const diagnosis = diagnoseTargetError(ACCESS_DENIED, context);

    // Assess
    expect(diagnosis.checks.join('\n')).toMatch(/No ExternalId was sent/);
  });

  it('explains the role-chaining one-hour limit', () => {
    // Prepare
    const err = awsError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );

    // Act
    const diagnosis = diagnoseTargetError(err, CONTEXT);

    // Assess
    expect(diagnosis.checks.join('\n')).toMatch(/role chaining.*one hour.*3600/s);
  });

  it('points at STS region activation in the account that owns the role', () => {
    // Prepare
    const err = awsError('RegionDisabledException', 'STS is not activated in the requested region');

    // Act
    const diagnosis = diagnoseTargetError(err, CONTEXT);

    // Assess
    expect(diagnosis.checks[0]).toMatch(
      /STS in eu-west-1 is not activated for account 222222222222.*activate/,
    );
  });

  it('tells a local run without credentials to run in Lambda or provide credentials', () => {
    // Prepare
    const err = awsError(
      'CredentialsProviderError',
      'Could not load credentials from any providers',
    );

    // Act
    const diagnosis = diagnoseTargetError(err, CONTEXT);

    // Assess
    expect(diagnosis.checks[0]).toMatch(/inside the deployed Lambda function.*provide credentials/);
  });

  it.each([
    ['ExpiredToken', /refreshes the assumed-role session/],
    ['Throttling', /rate-limited/],
    ['TimeoutError', /NAT gateway or interface endpoints/],
  ])('gives specific checks for %s', (code, expected) => {
    // Prepare
    const err = awsError(code);

    // Act
    const diagnosis = diagnoseTargetError(err, CONTEXT);

    // Assess
    expect(diagnosis.checks.join('\n')).toMatch(expected);
    expect(diagnosis.checks).toContain(TROUBLESHOOTING);
  });

  it.each([
    ['UnauthorizedOperation', /ec2:DescribeInstances on "\*"/],
    ['OptInRequired', /opt-in region that is not enabled in account 222222222222/],
    ['AuthFailure', /not enabled in account 222222222222/],
    ['RequestLimitExceeded', /rate-limited.*EC2 API quotas/],
  ])('words EC2 error %s through the EC2 task (its diagnose)', (code, expected) => {
    // Prepare
    const err = awsError(code);

    // Act
    const withTask = diagnoseTargetError(err, CONTEXT, ec2Task);
    const shared = diagnoseTargetError(err, CONTEXT);

    // Assess: only the task knows its service's codes
    expect(withTask.checks.join('\n')).toMatch(expected);
    expect(withTask.checks).toContain(TROUBLESHOOTING);
    expect(shared.checks.join('\n')).toMatch(/^Unexpected error/);
  });

  it.each([
    ['Throttling', 'RDS API quotas'],
    ['TimeoutError', 'interface endpoints for STS (eu-west-1) and RDS (eu-west-1)'],
    ['CredentialsProviderError', 'AWS_ENDPOINT_URL_RDS'],
  ])(
    'names the target service of the context in the shared words for %s, never EC2',
    (code, named) => {
      // Prepare
      const err = awsError(code);

      // Act
      const diagnosis = diagnoseTargetError(err, { ...CONTEXT, service: 'rds' });

      // Assess
      const text = diagnosis.checks.join('\n');
      expect(text).toContain(named);
      expect(text).not.toMatch(/EC2/);
    },
  );

  it('never carries credentials in its message', () => {
    // Prepare
    const err = awsError(
      'InvalidClientTokenId',
      `The security token included in the request is invalid: key ${LEAKED_ACCESS_KEY} secret ${LEAKED_SECRET} X-Amz-Security-Token=${LEAKED_SESSION_TOKEN}`,
    );

    // Act
    const diagnosis = diagnoseTargetError(err, CONTEXT);

    // Assess
    const text = JSON.stringify(diagnosis);
    expect(text).not.toContain(LEAKED_ACCESS_KEY);
    expect(text).not.toContain(LEAKED_SECRET);
    expect(text).not.toContain(LEAKED_SESSION_TOKEN.slice(0, 20));
    expect(diagnosis.message).toMatch(/^InvalidClientTokenId: The security token included/);
  });
});

describe('Function: explainInstanceError', () => {
  it('adds a hint to known instance-level codes', () => {
    // Prepare
    const err = awsError('OperationNotPermitted', "The instance 'i-0000000a' may not be stopped.");

    // Act
    const explained = explainInstanceError(err);

    // Assess
    expect(explained).toEqual({
      code: 'OperationNotPermitted',
      reason: expect.stringContaining('stop protection'),
    });
  });
});

describe('Function: explainStartFallback', () => {
  it('quotes the state reason once, even when its message repeats the code', () => {
    // Prepare
    const code = 'Client.InternalError';

    // Act
    const reason = explainStartFallback(code, 'Client.InternalError: Client error on launch');

    // Assess
    expect(reason).toContain('(Client.InternalError: Client error on launch)');
    expect(reason).not.toContain('Client.InternalError: Client.InternalError');
  });
});
