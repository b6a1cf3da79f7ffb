// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${Name} is CloudFormation's Fn::Sub syntax, rendered by the template generator
/**
 * What the target role needs for the RDS task. Service Authorization Reference, Amazon RDS:
 * DescribeDBInstances and DescribeDBClusters take no required resource, and listing every
 * resource (no identifier) is only allowed with `Resource: "*"`; DescribeEvents supports no
 * resource type at all (wildcard only); StartDBInstance and
 * StopDBInstance require the `db` resource, StartDBCluster and StopDBCluster the `cluster`
 * resource, both of which accept `aws:ResourceTag/${TagKey}`: so start and stop are scoped to
 * control-tagged resources, like EC2's.
 *
 * The parameters are the ones every task shares (core/target-parameters.ts).
 */

import type { PolicyFragment } from '../../core/policy-fragment';
import { SHARED_TARGET_PARAMETERS } from '../../core/target-parameters';

const CONTROL_TAGGED = {
  StringEquals: { 'aws:ResourceTag/${ControlTagKey}': '${ControlTagValue}' },
};

export const RDS_DESCRIBE_ACTIONS = [
  'rds:DescribeDBInstances',
  'rds:DescribeDBClusters',
  // onlyRestartedByAws reads the automatic starts (restarted-by-aws.ts).
  'rds:DescribeEvents',
];
export const RDS_CHANGE_ACTIONS = [
  'rds:StartDBInstance',
  'rds:StopDBInstance',
  'rds:StartDBCluster',
  'rds:StopDBCluster',
];

export const RDS_POLICY: PolicyFragment = {
  parameters: { ...SHARED_TARGET_PARAMETERS },
  policies: [
    {
      name: 'start-stop-control-tagged-databases',
      statements: [
        {
          Sid: 'DescribeDatabases',
          Effect: 'Allow',
          Action: RDS_DESCRIBE_ACTIONS,
          Resource: '*',
        },
        {
          Sid: 'StartStopControlTaggedDbInstances',
          Effect: 'Allow',
          Action: ['rds:StartDBInstance', 'rds:StopDBInstance'],
          Resource: 'arn:${AWS::Partition}:rds:*:${AWS::AccountId}:db:*',
          Condition: CONTROL_TAGGED,
        },
        {
          Sid: 'StartStopControlTaggedDbClusters',
          Effect: 'Allow',
          Action: ['rds:StartDBCluster', 'rds:StopDBCluster'],
          Resource: 'arn:${AWS::Partition}:rds:*:${AWS::AccountId}:cluster:*',
          Condition: CONTROL_TAGGED,
        },
      ],
    },
    {
      name: 'rds-only-in-the-stage-regions',
      comment: "A Deny, so no other policy on the role can widen the stage's regions.",
      statements: [
        {
          Sid: 'DenyRdsOutsideTheStageRegions',
          Effect: 'Deny',
          Action: [...RDS_DESCRIBE_ACTIONS, ...RDS_CHANGE_ACTIONS],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': '${Regions}' } },
        },
      ],
    },
  ],
  requiredActions: [...RDS_DESCRIBE_ACTIONS, ...RDS_CHANGE_ACTIONS],
  tagScopedActions: RDS_CHANGE_ACTIONS,
};
