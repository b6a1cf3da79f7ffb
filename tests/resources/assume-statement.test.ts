import {
  ASSUME_STATEMENT_BUDGET,
  AssumeStatementTooLargeError,
  assumeStatement,
  iamPolicyCharacters,
} from '../../resources/home-stack/roles/assume-statement';

const accounts = (n: number) =>
  Array.from({ length: n }, (_, i) => String(100000000000 + i).padStart(12, '0'));

const base = {
  service: 'xacct-ec2',
  stage: 'prod',
  targetRoleName: 'xacct-ec2-target',
  region: 'eu-west-1',
  functionNames: ['xacct-ec2-prod-instances', 'xacct-ec2-prod-http'],
};

/** The largest count of accounts whose exact statement fits. */
function exactLimit(): number {
  let n = 1;
  while (true) {
    try {
      assumeStatement({ ...base, accountIds: accounts(n + 1), assumeScope: 'exact' });
      n += 1;
    } catch {
      return n;
    }
  }
}

describe('assumeStatement', () => {
  it('counts characters as IAM does: whitespace is not counted', () => {
    // Act / Assess
    expect(iamPolicyCharacters({ a: 'b c' })).toBe('{"a":"bc"}'.length);
  });

  it('lists each target role while the exact form fits, and refuses past that, naming the setting', () => {
    // Prepare
    const limit = exactLimit();

    // Act
    const fits = assumeStatement({ ...base, accountIds: accounts(limit), assumeScope: 'exact' });
    const tooMany = () =>
      assumeStatement({ ...base, accountIds: accounts(limit + 1), assumeScope: 'exact' });

    // Assess: roughly 170 accounts for this role name, within the budget
    expect(limit).toBeGreaterThan(150);
    expect(limit).toBeLessThan(200);
    expect(fits.form).toBe('exact');
    expect(fits.characters).toBeLessThanOrEqual(ASSUME_STATEMENT_BUDGET);
    expect((fits.statement.Resource as unknown[]).length).toBe(limit);
    expect(tooMany).toThrow(AssumeStatementTooLargeError);
    expect(tooMany).toThrow(/params\.assumeScope: organization/);
  });

  it('uses the org-scoped form only when chosen, whatever the count, keeping the source-function condition', () => {
    // Act
    const org = assumeStatement({
      ...base,
      accountIds: accounts(2500),
      assumeScope: 'organization',
      organizationId: 'o-a1b2c3d4e5',
      organizationalUnitPaths: ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/'],
    });
    const small = assumeStatement({ ...base, accountIds: accounts(2), assumeScope: 'exact' });

    // Assess
    expect(org.form).toBe('organization');
    expect(org.statement.Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/xacct-ec2-target']],
    });
    expect(org.statement.Condition).toMatchObject({
      StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' },
      'ForAnyValue:StringLike': {
        'aws:ResourceOrgPaths': ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*'],
      },
      ArnEquals: { 'lambda:SourceFunctionArn': expect.any(Array) },
    });
    expect(org.characters).toBeLessThan(1000);
    expect(small.form).toBe('exact');
  });
});
