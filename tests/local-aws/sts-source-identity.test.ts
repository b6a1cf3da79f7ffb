import { AwsError } from '../../scripts/local-aws/aws-error';
import { QueryParams } from '../../scripts/local-aws/query-params';
import { readAssumeRoleInput } from '../../scripts/local-aws/sts-validation';

function paramsWith(sourceIdentity: string) {
  return QueryParams.parse(
    new URLSearchParams({
      RoleArn: 'arn:aws:iam::222222222222:role/xacct-ec2-target',
      RoleSessionName: 'xacct-ec2-local-req-1',
      SourceIdentity: sourceIdentity,
    }).toString(),
  );
}

describe('local STS: AssumeRole SourceIdentity', () => {
  it.each([['ab'], ['ops@alice.example.com'], ['x'.repeat(64)], ['schedule.weekday-evening-stop']])(
    'accepts %s',
    (value) => {
      // Act
      const input = readAssumeRoleInput(paramsWith(value));

      // Assess
      expect(input).toMatchObject({ sourceIdentity: value });
    },
  );

  it.each([
    ['1 character', 'a', 'Member must have length greater than or equal to 2'],
    ['65 characters', 'y'.repeat(65), 'Member must have length less than or equal to 64'],
    ['a slash', 'ops/alice', 'Member must satisfy regular expression pattern'],
    ['a colon', 'ops:alice', 'Member must satisfy regular expression pattern'],
  ])('refuses %s as STS does, naming sourceIdentity', (_case, value, words) => {
    // Act
    const input = readAssumeRoleInput(paramsWith(value));

    // Assess
    expect(input).toBeInstanceOf(AwsError);
    expect((input as AwsError).message).toContain(
      `at 'sourceIdentity' failed to satisfy constraint: ${words}`,
    );
  });
});
