// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${Name} is CloudFormation's Fn::Sub syntax, rendered by the template generator
/**
 * What the target role needs for the EC2 task: describe everything (DescribeInstances has no
 * resource-level permissions), start and stop only control-tagged instances, and let EC2 (and
 * only EC2) use customer-managed keys to decrypt the volumes of an instance it starts.
 */

import type { PolicyFragment } from '../../core/policy-fragment';
import { SHARED_TARGET_PARAMETERS } from '../../core/target-parameters';

export const EC2_POLICY: PolicyFragment = {
  parameters: {
    ...SHARED_TARGET_PARAMETERS,
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
      name: 'only-in-the-stage-regions',
      comment: "A Deny, so no other policy on the role can widen the stage's regions.",
      statements: [
        {
          Sid: 'DenyOutsideTheStageRegions',
          Effect: 'Deny',
          Action: ['ec2:DescribeInstances', 'ec2:StartInstances', 'ec2:StopInstances'],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': '${Regions}' } },
        },
      ],
    },
    {
      name: 'create-grants-for-encrypted-volumes',
      comment: 'Only EC2, in the stage regions, to decrypt the volumes of an instance it starts.',
      onlyWhenListGiven: { condition: 'HasKmsKeys', list: 'KmsKeyArns' },
      statements: [
        {
          Sid: 'CreateGrantForEc2Only',
          Effect: 'Allow',
          Action: 'kms:CreateGrant',
          Resource: '${KmsKeyArns}',
          Condition: {
            Bool: { 'kms:GrantIsForAWSResource': 'true' },
            // One value per region of the Regions list.
            StringEquals: { 'kms:ViaService': 'ec2.${Regions[*]}.amazonaws.com' },
            // What EC2 asks for when it starts an instance with encrypted volumes; ForAllValues
            // alone would also pass a request without the keys, hence the Null checks.
            'ForAllValues:StringEquals': {
              'kms:GrantOperations': ['Decrypt'],
              'kms:EncryptionContextKeys': ['aws:ebs:id'],
            },
            Null: { 'kms:GrantOperations': 'false', 'kms:EncryptionContextKeys': 'false' },
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
  // kms:CreateGrant is kept to the regions by kms:ViaService (CreateGrantForEc2Only) instead.
  regionScopedActions: ['ec2:DescribeInstances', 'ec2:StartInstances', 'ec2:StopInstances'],
};
