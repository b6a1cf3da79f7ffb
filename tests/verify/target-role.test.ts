import { statementsOf } from '../../resources/home-stack/roles/policy-document';
import { renderTargetRole } from '../../scripts/verify/target-role';

const HOME = '111111111111';
const TARGET = '222222222222';
const EXEC = 'xacct-ec2-test-eu-west-1-exec';
/** What every stack states since the role name and tag value have no default (one per stage). */
const STAGE = {
  RoleName: 'xacct-ec2-prod-target',
  ControlTagValue: 'prod',
  Regions: ['eu-west-1'],
};
const KEY = 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const sids = (policy: Parameters<typeof statementsOf>[0]) => statementsOf(policy).map((s) => s.Sid);

describe('Function: renderTargetRole', () => {
  it('renders the minimal stack: trust of the execution role only, describe and tagged start/stop', () => {
    // Prepare
    const params = { ...STAGE, HomeAccountId: HOME, ExecutionRoleName: EXEC };

    // Act
    const role = renderTargetRole(params, { accountId: TARGET });

    // Assess
    expect(role.roleArn).toBe('arn:aws:iam::222222222222:role/xacct-ec2-prod-target');
    expect(statementsOf(role.trustPolicy.policy)).toEqual([
      {
        Sid: 'TrustOnlyTheExecutionRole',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${HOME}:root` },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
        Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${HOME}:role/${EXEC}` } },
      },
    ]);
    expect(role.permissionPolicies.map((p) => p.name)).toEqual([
      'start-stop-control-tagged-instances',
      'only-in-the-stage-regions',
      'start-stop-control-tagged-databases',
      'rds-only-in-the-stage-regions',
    ]);
    expect(statementsOf(role.permissionPolicies[1]?.policy ?? { Statement: [] })).toEqual([
      {
        Sid: 'DenyOutsideTheStageRegions',
        Effect: 'Deny',
        Action: ['ec2:DescribeInstances', 'ec2:StartInstances', 'ec2:StopInstances'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1'] } },
      },
    ]);
    const [startStop] = statementsOf(role.permissionPolicies[0]?.policy ?? { Statement: [] }).slice(
      1,
    );
    expect(startStop).toMatchObject({
      Sid: 'StartStopControlTaggedInstances',
      Resource: `arn:aws:ec2:*:${TARGET}:instance/*`,
      Condition: { StringEquals: { 'aws:ResourceTag/xacct-ec2:managed': 'prod' } },
    });
  });

  it('adds the ExternalId deny when an ExternalId is set', () => {
    // Prepare
    const params = {
      ...STAGE,
      HomeAccountId: HOME,
      ExecutionRoleName: EXEC,
      ExternalId: 'ext-123',
    };

    // Act
    const role = renderTargetRole(params, { accountId: TARGET });

    // Assess
    expect(sids(role.trustPolicy.policy)).toEqual([
      'TrustOnlyTheExecutionRole',
      'RequireExternalId',
    ]);
    expect(statementsOf(role.trustPolicy.policy)[1]).toMatchObject({
      Effect: 'Deny',
      Condition: { StringNotEquals: { 'sts:ExternalId': 'ext-123' } },
    });
  });

  it('adds the Organization deny when an OrganizationId is set', () => {
    // Prepare
    const params = {
      ...STAGE,
      HomeAccountId: HOME,
      ExecutionRoleName: EXEC,
      OrganizationId: 'o-abcdefghij',
    };

    // Act
    const role = renderTargetRole(params, { accountId: TARGET });

    // Assess
    expect(sids(role.trustPolicy.policy)).toEqual([
      'TrustOnlyTheExecutionRole',
      'RequireOrganization',
    ]);
    expect(statementsOf(role.trustPolicy.policy)[1]).toMatchObject({
      Effect: 'Deny',
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } },
    });
  });

  it('adds the EC2-only CreateGrant policy for the given KMS keys', () => {
    // Prepare
    const params = {
      ...STAGE,
      Regions: ['eu-west-1', 'us-east-1'],
      HomeAccountId: HOME,
      ExecutionRoleName: EXEC,
      KmsKeyArns: [KEY],
    };

    // Act
    const role = renderTargetRole(params, { accountId: TARGET });

    // Assess
    const kms = role.permissionPolicies.find(
      (p) => p.name === 'create-grants-for-encrypted-volumes',
    );
    expect(statementsOf(kms?.policy ?? { Statement: [] })).toEqual([
      {
        Sid: 'CreateGrantForEc2Only',
        Effect: 'Allow',
        Action: 'kms:CreateGrant',
        Resource: [KEY],
        Condition: {
          Bool: { 'kms:GrantIsForAWSResource': 'true' },
          StringEquals: {
            'kms:ViaService': ['ec2.eu-west-1.amazonaws.com', 'ec2.us-east-1.amazonaws.com'],
          },
          'ForAllValues:StringEquals': {
            'kms:GrantOperations': ['Decrypt'],
            'kms:EncryptionContextKeys': ['aws:ebs:id'],
          },
          Null: { 'kms:GrantOperations': 'false', 'kms:EncryptionContextKeys': 'false' },
        },
      },
    ]);
  });

  it('renders every option together, with a custom role name and control tag', () => {
    // Prepare
    const params = {
      HomeAccountId: HOME,
      ExecutionRoleName: EXEC,
      ExternalId: 'ext-123',
      OrganizationId: 'o-abcdefghij',
      KmsKeyArns: KEY,
      RoleName: 'ops-scheduler',
      ControlTagKey: 'schedule',
      ControlTagValue: 'office-hours',
      Regions: 'us-gov-west-1',
    };

    // Act
    const role = renderTargetRole(params, { accountId: TARGET, partition: 'aws-us-gov' });

    // Assess
    expect(role.roleArn).toBe('arn:aws-us-gov:iam::222222222222:role/ops-scheduler');
    expect(sids(role.trustPolicy.policy)).toEqual([
      'TrustOnlyTheExecutionRole',
      'RequireExternalId',
      'RequireOrganization',
    ]);
    expect(role.permissionPolicies).toHaveLength(5);
    expect(JSON.stringify(role.permissionPolicies[0]?.policy)).toContain(
      '"aws:ResourceTag/schedule":"office-hours"',
    );
    // The RDS statements follow the same control tag and partition.
    const databases = JSON.stringify(role.permissionPolicies[3]?.policy);
    expect(databases).toContain('"aws:ResourceTag/schedule":"office-hours"');
    expect(databases).toContain(`"arn:aws-us-gov:rds:*:${TARGET}:cluster:*"`);
  });

  it('refuses parameters the stack would refuse', () => {
    // Prepare
    const params = {
      ...STAGE,
      HomeAccountId: HOME,
      ExecutionRoleName: EXEC,
      ExternalId: 'has space',
    };

    // Act
    const attempt = () => renderTargetRole(params, { accountId: TARGET });

    // Assess
    expect(attempt).toThrow(/parameter ExternalId/);
  });
});
