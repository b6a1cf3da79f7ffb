/**
 * Names the stack sets, against the length and characters the service's API accepts. The
 * CloudFormation registry carries neither, so each rule names the AWS page it is taken from.
 * A name CloudFormation generates (property left out) and a parameter's value (held by its own
 * AllowedPattern) are not checked here.
 */
import { isRecord } from './cfn-shape';
import type { Finding } from './finding';
import type { ConformTemplate } from './subject';

interface NameRule {
  type: string;
  /** The property, or `List.Field` for a name inside each element of a list property. */
  property: string;
  max: number;
  /** The whole name must match. */
  pattern?: RegExp;
  /** What the pattern allows, in words. */
  allowed?: string;
  source: string;
  /** false: the name is unique only within its parent (a role's inline policies). */
  unique?: false;
  /**
   * Where AWS says the name is unique in the whole account, not per region: a stage deployed to a
   * second region needs the region in the name, or its second stack fails to create it.
   */
  accountWide?: string;
}

const IAM_NAME = /^[\w+=,.@-]+$/;
const IAM_ALLOWED = 'letters, digits and +=,.@_-';

export const NAME_RULES: NameRule[] = [
  {
    type: 'AWS::IAM::Role',
    property: 'RoleName',
    max: 64,
    pattern: IAM_NAME,
    allowed: IAM_ALLOWED,
    source: 'IAM API Reference, CreateRole: RoleName, 1-64, [\\w+=,.@-]+',
    accountWide:
      'IAM is global: a role name is unique in the account (IAM User Guide, "IAM identifiers"), and its ARN has no region',
  },
  {
    type: 'AWS::IAM::Role',
    property: 'Policies.PolicyName',
    max: 128,
    pattern: IAM_NAME,
    allowed: IAM_ALLOWED,
    source: 'IAM API Reference, PutRolePolicy: PolicyName, 1-128, [\\w+=,.@-]+',
    unique: false,
  },
  {
    type: 'AWS::IAM::Policy',
    property: 'PolicyName',
    max: 128,
    pattern: IAM_NAME,
    allowed: IAM_ALLOWED,
    source: 'IAM API Reference, PutRolePolicy: PolicyName, 1-128, [\\w+=,.@-]+',
    unique: false,
  },
  {
    type: 'AWS::Lambda::Function',
    property: 'FunctionName',
    max: 64,
    pattern: /^[a-zA-Z0-9_-]+$/,
    allowed: 'letters, digits, hyphens and underscores',
    source:
      'Lambda API Reference, CreateFunction: FunctionName, "the name is limited to 64 characters"',
  },
  {
    type: 'AWS::Scheduler::Schedule',
    property: 'Name',
    max: 64,
    pattern: /^[0-9a-zA-Z\-_.]+$/,
    allowed: 'letters, digits and -_.',
    source: 'EventBridge Scheduler API Reference, CreateSchedule: Name, 1-64, [0-9a-zA-Z-_.]+',
  },
  {
    type: 'AWS::Scheduler::ScheduleGroup',
    property: 'Name',
    max: 64,
    pattern: /^[0-9a-zA-Z\-_.]+$/,
    allowed: 'letters, digits and -_.',
    source: 'EventBridge Scheduler API Reference, CreateScheduleGroup: Name, 1-64, [0-9a-zA-Z-_.]+',
  },
  {
    type: 'AWS::StepFunctions::StateMachine',
    property: 'StateMachineName',
    max: 80,
    // "To enable logging with CloudWatch Logs, the name should only contain 0-9, A-Z, a-z, - and _."
    pattern: /^[0-9A-Za-z_-]+$/,
    allowed: 'letters, digits, hyphens and underscores (what CloudWatch Logs logging needs)',
    source: 'Step Functions API Reference, CreateStateMachine: name, 1-80',
  },
  {
    type: 'AWS::Logs::LogGroup',
    property: 'LogGroupName',
    max: 512,
    pattern: /^[.\-_/#A-Za-z0-9]+$/,
    allowed: 'letters, digits and ._-/#',
    source:
      'CloudWatch Logs API Reference, CreateLogGroup: logGroupName, 1-512, [\\.\\-_/#A-Za-z0-9]+',
  },
  {
    type: 'AWS::CloudWatch::Alarm',
    property: 'AlarmName',
    max: 255,
    source: 'CloudWatch API Reference, PutMetricAlarm: AlarmName, 1-255',
  },
  {
    type: 'AWS::CloudWatch::Dashboard',
    property: 'DashboardName',
    max: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    allowed: 'letters, digits, hyphens and underscores',
    source:
      'CloudWatch API Reference, PutDashboard: DashboardName, "maximum length is 255, valid characters are A-Z, a-z, 0-9, -, and _"',
    accountWide:
      "a dashboard's ARN, arn:aws:cloudwatch::<account>:dashboard/<name>, has no region (Service Authorization Reference, CloudWatch's resource types)",
  },
  {
    type: 'AWS::SNS::Topic',
    property: 'TopicName',
    max: 256,
    pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/,
    allowed: 'letters, digits, hyphens and underscores (.fifo for FIFO)',
    source:
      'SNS API Reference, CreateTopic: Name, 1-256 ASCII letters, digits, underscores and hyphens',
  },
  {
    type: 'AWS::SQS::Queue',
    property: 'QueueName',
    max: 80,
    pattern: /^[A-Za-z0-9_-]+(\.fifo)?$/,
    allowed: 'letters, digits, hyphens and underscores (.fifo for FIFO)',
    source:
      'SQS API Reference, CreateQueue: QueueName, up to 80 alphanumeric characters, hyphens and underscores',
  },
  {
    type: 'AWS::Events::Rule',
    property: 'Name',
    max: 64,
    pattern: /^[.\-_A-Za-z0-9]+$/,
    allowed: 'letters, digits and ._-',
    source: 'EventBridge API Reference, PutRule: Name, 1-64, [\\.\\-_A-Za-z0-9]+',
  },
  {
    type: 'AWS::KMS::Alias',
    property: 'AliasName',
    max: 256,
    pattern: /^alias\/[a-zA-Z0-9/_-]+$/,
    allowed: 'alias/ then letters, digits and /_-',
    source: 'KMS API Reference, CreateAlias: AliasName, 1-256, alias/[a-zA-Z0-9/_-]+',
  },
];

function namesAt(properties: Record<string, unknown>, property: string): [string, unknown][] {
  const [head, field] = property.split('.') as [string, string | undefined];
  const value = properties[head];
  if (field === undefined) return value === undefined ? [] : [[head, value]];
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, i) =>
    isRecord(item) && item[field] !== undefined
      ? [[`${head}[${i}].${field}`, item[field]] as [string, unknown]]
      : [],
  );
}

/**
 * `isDeployerValue`: a name built from a parameter (the deployer's value) is not checked.
 * `region`: where the subject deploys; an account-wide name must carry it.
 */
export function checkNames(
  subject: string,
  resolved: ConformTemplate,
  isDeployerValue: (value: string) => boolean,
  region: string,
): Finding[] {
  const findings: Finding[] = [];
  const owners = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(resolved.Resources)) {
    for (const rule of NAME_RULES.filter((r) => r.type === resource.Type)) {
      for (const [path, value] of namesAt(resource.Properties ?? {}, rule.property)) {
        if (typeof value !== 'string' || isDeployerValue(value)) continue;
        // Two resources of one type with one name: the second fails to create.
        const key = `${rule.type}\0${rule.property}\0${value}`;
        const owner = owners.get(key);
        if (owner !== undefined && rule.unique !== false) {
          findings.push({
            category: 'name',
            subject,
            where: `${logicalId}.${path}`,
            message: `"${value}" is also the ${rule.property} of ${owner}: ${resource.Type} names are unique`,
          });
        }
        owners.set(key, logicalId);
        const add = (message: string) =>
          findings.push({
            category: 'name',
            subject,
            where: `${logicalId}.${path}`,
            message: `${message} (${rule.source})`,
          });
        if (value.length === 0 || value.length > rule.max) {
          add(`"${value}" is ${value.length} characters; ${resource.Type} allows 1-${rule.max}`);
        }
        if (rule.pattern && !rule.pattern.test(value)) {
          add(`"${value}" has characters outside ${rule.allowed}`);
        }
        if (rule.accountWide && !value.includes(region)) {
          findings.push({
            category: 'name',
            subject,
            where: `${logicalId}.${path}`,
            message: `"${value}" does not name the region ${region}, but ${resource.Type} names are unique per account: ${rule.accountWide}; the same stage in a second region could not create it`,
          });
        }
      }
    }
  }
  return findings;
}
