/** The few CloudFormation shapes the package-time resources are written in. */

export type CfnValue =
  | string
  | number
  | boolean
  | CfnValue[]
  | { [key: string]: CfnValue | undefined };

export interface CfnResource {
  Type: string;
  Properties: Record<string, CfnValue>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Array<{
    Sid?: string;
    Effect: 'Allow' | 'Deny';
    Principal?: CfnValue;
    Action: string | string[];
    Resource?: CfnValue;
    Condition?: CfnValue;
  }>;
}
