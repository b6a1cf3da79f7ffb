/** What the checks read: a CloudFormation template, or a policy document kept as its own file. */

export interface ConformResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  Properties?: Record<string, unknown>;
}

export interface ConformTemplate {
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, ConformResource>;
  Outputs?: Record<string, unknown>;
}

export interface Subject {
  /** `stage prod`, `stage prod (custom.engine.runSchedules: true)`, `resources/x.yml`. */
  name: string;
  /** The region the template deploys in (AWS::Region). */
  region: string;
  template?: ConformTemplate;
  /** A policy document that is a file of its own (SCP, RCP). */
  policy?: Record<string, unknown>;
  /** AWS::StackName when it deploys (osls: <service>-<stage>). */
  stackName?: string;
}
