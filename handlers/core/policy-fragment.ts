/**
 * A task's policy fragment: the IAM the target role needs for one task, as typed data. The
 * target-account templates are rendered from every registered task's fragment
 * (resources/generate/main.ts), and the policy prover reads the same fragments.
 *
 * Values may name template parameters and pseudo parameters as `${Name}`, as in Fn::Sub. A
 * whole `${List}` is the list parameter itself; `pre${List[*]}post` is one value per item
 * (`ec2.${Regions[*]}.amazonaws.com` -> `ec2.eu-west-1.amazonaws.com`, ...).
 */

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** A CloudFormation parameter the fragment needs (same fields CloudFormation takes). */
export interface FragmentParameter {
  Type: 'String' | 'CommaDelimitedList';
  Default?: string;
  AllowedPattern?: string;
  ConstraintDescription?: string;
  MinLength?: number;
  MaxLength?: number;
  Description: string;
  /** The description in the StackSet template, when it must say more (values shared by all accounts). */
  StackSetDescription?: string;
}

export interface FragmentPolicy {
  /** The inline policy's name on the target role. */
  name: string;
  /** Why this policy exists, as a comment in the rendered template. */
  comment?: string;
  statements: PolicyStatement[];
  /**
   * Present only when a list parameter (a CommaDelimitedList) is not empty: `condition` names
   * the CloudFormation condition, `list` the parameter (a statement's `Resource` may be it).
   */
  onlyWhenListGiven?: { condition: string; list: string };
}

export interface PolicyFragment {
  parameters: Record<string, FragmentParameter>;
  policies: FragmentPolicy[];
  /** Actions the target role must allow for the task to work (the prover checks each). */
  requiredActions: string[];
  /** Actions that must stay scoped by the control tag (the prover refuses them unconditioned). */
  tagScopedActions: string[];
  /**
   * Actions a Deny on aws:RequestedRegion must keep to the stage's regions (the prover checks
   * each); absent: every required action.
   */
  regionScopedActions?: string[];
}
