import type { StageConfig } from '../../../handlers/config/stage-config';
import type { CfnValue } from './cfn';

/** Exactly the configured target-role ARNs: the only resources the execution role may assume. */
export function targetRoleArns(config: StageConfig): CfnValue[] {
  // Fn::Join rather than Fn::Sub: osls would read `${AWS::Partition}` in a returned string as a variable.
  return config.targets.map((target) => ({
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:iam::${target.accountId}:role/${config.targetRoleName}`,
      ],
    ],
  }));
}
