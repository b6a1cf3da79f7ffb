// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${Name} is CloudFormation's Fn::Sub syntax, rendered by the template generator
/**
 * What the target role needs for the EC2 task: describe everything (DescribeInstances has no
 * resource-level permissions), start and stop only control-tagged instances, and let EC2 (and
 * only EC2) use customer-managed keys to decrypt the volumes of an instance it starts.
 */
import type { PolicyFragment } from '../policy';

export const EC2_POLICY: PolicyFragment = {
  parameters: {
    ControlTagKey: {
      Type: 'String',
      Default: 'xacct-ec2:managed',
      MinLength: 1,
      MaxLength: 128,
      Description: 'Tag key that marks the instances this service may start and stop.',
    },
    ControlTagValue: {
      Type: 'String',
      Default: 'true',
      MinLength: 1,
      MaxLength: 256,
      Description: 'Value the control tag must have.',
    },
    KmsKeyArns: {
      Type: 'CommaDelimitedList',
      Default: '',
      Description:
        'Customer-managed KMS key ARNs that encrypt EBS volumes of controlled instances. Starting such an instance needs kms:CreateGrant on the key; without it the instance falls back to stopped (Client.InternalError). Leave empty when volumes use the AWS-managed key.',
      StackSetDescription:
        'Customer-managed KMS key ARNs that encrypt EBS volumes of controlled instances (kms:CreateGrant, for EC2 only). Key ARNs name their account, so a list shared by all accounts only fits keys shared across the Organization; account-specific keys need ParameterOverrides or own stacks.',
    },
  },
  policies: [
    {
      name: 'start-stop-control-tagged-instances',
      statements: [
        {
          Sid: 'DescribeInstances',
          Effect: 'Allow',
          Action: 'ec2:DescribeInstances',
          Resource: '*',
        },
        {
          Sid: 'StartStopControlTaggedInstances',
          Effect: 'Allow',
          Action: ['ec2:StartInstances', 'ec2:StopInstances'],
          Resource: 'arn:${AWS::Partition}:ec2:*:${AWS::AccountId}:instance/*',
          Condition: {
            StringEquals: { 'aws:ResourceTag/${ControlTagKey}': '${ControlTagValue}' },
          },
        },
      ],
    },
    {
      name: 'create-grants-for-encrypted-volumes',
      comment:
        'Only EC2 itself may use the grant, to decrypt the volumes of an instance it starts.',
      onlyWhenListGiven: { condition: 'HasKmsKeys', list: 'KmsKeyArns' },
      statements: [
        {
          Sid: 'CreateGrantForEc2Only',
          Effect: 'Allow',
          Action: 'kms:CreateGrant',
          Resource: '${KmsKeyArns}',
          Condition: {
            Bool: { 'kms:GrantIsForAWSResource': 'true' },
            StringLike: { 'kms:ViaService': 'ec2.*.amazonaws.com' },
          },
        },
      ],
    },
  ],
  requiredActions: [
    'ec2:DescribeInstances',
    'ec2:StartInstances',
    'ec2:StopInstances',
    'kms:CreateGrant',
  ],
  tagScopedActions: ['ec2:StartInstances', 'ec2:StopInstances'],
};
