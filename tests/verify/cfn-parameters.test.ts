import { resolveParameters } from '../../scripts/verify/cfn-parameters';
import { loadTargetRoleTemplate } from '../../scripts/verify/target-role';

/** The real template's declarations: the constraints under test are the ones that deploy. */
const declarations = (loadTargetRoleTemplate() as { Parameters: Record<string, unknown> })
  .Parameters;

const REQUIRED = {
  HomeAccountId: '111111111111',
  ExecutionRoleName: 'xacct-ec2-dev-eu-west-1-exec',
  RoleName: 'xacct-ec2-dev-target',
  ControlTagValue: 'dev',
  Regions: 'eu-west-1',
};

describe('Function: resolveParameters', () => {
  it('applies the Defaults and splits a CommaDelimitedList', () => {
    // Prepare
    const given = {
      ...REQUIRED,
      KmsKeyArns:
        'arn:aws:kms:eu-west-1:222222222222:key/a,arn:aws:kms:eu-west-1:222222222222:key/b',
    };

    // Act
    const resolved = resolveParameters(declarations, given);

    // Assess
    expect(resolved).toMatchObject({
      ...REQUIRED,
      Regions: ['eu-west-1'],
      ExternalId: '',
      OrganizationId: '',
      ControlTagKey: 'xacct-ec2:managed',
      KmsKeyArns: [
        'arn:aws:kms:eu-west-1:222222222222:key/a',
        'arn:aws:kms:eu-west-1:222222222222:key/b',
      ],
    });
  });

  it('turns an empty CommaDelimitedList into one empty value, as CloudFormation does', () => {
    // Prepare
    const given = REQUIRED;

    // Act
    const resolved = resolveParameters(declarations, given);

    // Assess
    expect(resolved.KmsKeyArns).toEqual(['']);
  });

  it.each([
    [{ HomeAccountId: '1111' }, /HomeAccountId: "1111" does not match/],
    [{ ExternalId: 'x' }, /ExternalId: "x" does not match/],
    [{ OrganizationId: 'org-1' }, /OrganizationId: "org-1" does not match/],
    [{ ControlTagKey: '' }, /ControlTagKey: shorter than 1/],
    [{ Surprise: 'x' }, /unknown parameter Surprise/],
  ])('rejects %j as the deploy would', (override, message) => {
    // Prepare
    const given = { ...REQUIRED, ...override };

    // Act
    const attempt = () => resolveParameters(declarations, given);

    // Assess
    expect(attempt).toThrow(message);
  });

  it('needs a value for a parameter without a Default', () => {
    // Prepare
    const given = { HomeAccountId: '111111111111' };

    // Act
    const attempt = () => resolveParameters(declarations, given);

    // Assess
    expect(attempt).toThrow(/ExecutionRoleName needs a value/);
  });
});
