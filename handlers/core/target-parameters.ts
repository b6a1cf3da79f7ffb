/**
 * The target-template parameters every task's fragment shares: the control tag that scopes every
 * start and stop, and the stage's regions that every task is denied outside. One definition, so
 * two tasks can never declare them differently (the generator refuses that too).
 */
import { controlTagKeyFor, controlTagValueFor } from '../formats/names';
import type { FragmentParameter } from './policy-fragment';

/** The service these fragments are deployed for (serverless.yml `service`). */
const SERVICE = 'xacct-ec2';

export const SHARED_TARGET_PARAMETERS = {
  ControlTagKey: {
    Type: 'String',
    Default: controlTagKeyFor(SERVICE),
    MinLength: 1,
    MaxLength: 128,
    Description: `Tag key that marks the resources this service may start and stop (params.controlTagKey, by default ${controlTagKeyFor(SERVICE)}).`,
  },
  ControlTagValue: {
    Type: 'String',
    MinLength: 1,
    MaxLength: 256,
    Description: `Value the control tag must have: the stage's namespace (params.controlTagValue, by default the stage, e.g. ${controlTagValueFor('prod')}). No default, so two stages in one account never share resources.`,
  },
  Regions: {
    Type: 'CommaDelimitedList',
    Description:
      'The regions this stage works in for this account (params.targets[].regions). Every task of the role acts only there (aws:RequestedRegion; for EC2 also kms:ViaService).',
    StackSetDescription:
      'The regions the stage works in, shared by every account of the StackSet (the union of params.targets[].regions). The role acts only there (aws:RequestedRegion, kms:ViaService).',
  },
} as const satisfies Record<string, FragmentParameter>;
