/** The slice of CloudFormation the signal builders write, typed so a misspelt property fails tsc. */

export type CfnValue =
  | string
  | number
  | boolean
  | { Ref: string }
  | { 'Fn::GetAtt': [string, string] }
  | { 'Fn::Join': [string, CfnValue[]] }
  | CfnValue[]
  | { [key: string]: CfnValue };

export interface CfnResource {
  Type: string;
  Properties: Record<string, CfnValue>;
  DependsOn?: string[];
}

export type CfnResources = Record<string, CfnResource>;

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
