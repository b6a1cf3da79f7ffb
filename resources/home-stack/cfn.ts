/**
 * The one model of the CloudFormation the home stack's generated pieces are written in (schedules,
 * signals, the engine's roles), typed so a misspelt property fails tsc.
 */

export type CfnValue =
  | string
  | number
  | boolean
  | { Ref: string }
  | { 'Fn::GetAtt': [string, string] }
  | { 'Fn::Join': [string, CfnValue[]] }
  | CfnValue[]
  // An undefined property is left out of the template (JSON drops it): optional properties stay optional.
  | { [key: string]: CfnValue | undefined };

export interface CfnResource {
  Type: string;
  Properties: Record<string, CfnValue>;
  DependsOn?: string[];
}

export type CfnResources = Record<string, CfnResource>;

/**
 * An IAM policy document (a role's trust policy or one of its inline policies). A type, not an
 * interface, so it is a CfnValue where a role's properties take it.
 */
export type PolicyDocument = {
  Version: '2012-10-17';
  Statement: Array<{
    Sid?: string;
    Effect: 'Allow' | 'Deny';
    Principal?: CfnValue;
    Action: string | string[];
    Resource?: CfnValue;
    Condition?: CfnValue;
  }>;
};

export const ref = (logicalId: string) => ({ Ref: logicalId });
export const getAtt = (
  logicalId: string,
  attribute: string,
): { 'Fn::GetAtt': [string, string] } => ({
  'Fn::GetAtt': [logicalId, attribute],
});
/** Fn::Join rather than Fn::Sub: osls would read `${AWS::Region}` in a returned string as a variable. */
export const join = (...parts: CfnValue[]): { 'Fn::Join': [string, CfnValue[]] } => ({
  'Fn::Join': ['', parts],
});
export const PARTITION = ref('AWS::Partition');
export const REGION = ref('AWS::Region');
export const ACCOUNT = ref('AWS::AccountId');
