/**
 * An SCP's Deny statements read as protections: which actions on which resources, who is
 * excepted (a negative condition on aws:PrincipalArn), and the other conditions turned into
 * the request context that triggers the statement, and the one that leaves it alone. Only
 * what this file understands becomes cases; anything else is a note, never a guess.
 */
import {
  conditionOf,
  listOf,
  type PolicyDocument,
  type PolicyStatement,
  statementsOf,
} from '../../resources/home-stack/roles/policy-document';
import { actionMatch, wildcardMatch } from '../shared/iam-wildcard';

export interface Condition {
  operator: string;
  key: string;
  values: string[];
}

export interface Protection {
  /** The SCP's name (its file name with --scp). */
  policy: string;
  /** The statement's Sid, or `#<n>` without one. */
  statement: string;
  actions: string[];
  resources: string[];
  /** aws:PrincipalArn patterns the statement spares. */
  exceptions: string[];
  conditions: Condition[];
}

export type ReadProtection = { protection: Protection } | { skipped: string };

const EXCEPTION_OPERATORS = new Set([
  'ArnNotLike',
  'ArnNotEquals',
  'StringNotLike',
  'StringNotEquals',
]);

/** The actions a statement is declared to deny (guardrail-intents.ts), by policy and Sid. */
export type DeclaredActions = (policy: string, sid: string) => readonly string[] | undefined;

function readStatement(
  policy: string,
  s: PolicyStatement,
  index: number,
  declared?: DeclaredActions,
): ReadProtection {
  const label = s.Sid ?? `#${index + 1}`;
  const where = `${policy} statement ${label}`;
  if (s.NotAction !== undefined || s.NotResource !== undefined) {
    return { skipped: `${where}: NotAction/NotResource statements get no cases` };
  }
  const listed = listOf(s.Action);
  const patterns = listed.filter((a) => a.includes('*') || a.includes('?'));
  // A wildcard stands for the actions the statement is declared to deny (shipped guardrails):
  // each gets its row; an undeclared wildcard is not guessed at.
  const expanded = (declared?.(policy, label) ?? []).filter((a) =>
    patterns.some((p) => actionMatch(p, a)),
  );
  if (patterns.length > 0 && expanded.length === 0) {
    return { skipped: `${where}: wildcard actions are not expanded into cases; list the actions` };
  }
  const actions = [...new Set([...listed.filter((a) => !patterns.includes(a)), ...expanded])];
  const exceptions: string[] = [];
  const conditions: Condition[] = [];
  for (const [operator, entries] of Object.entries(conditionOf(s))) {
    for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
      const values = listOf(value);
      if (key.toLowerCase() === 'aws:principalarn' && EXCEPTION_OPERATORS.has(operator)) {
        exceptions.push(...values);
      } else {
        conditions.push({ operator, key, values });
      }
    }
  }
  return {
    protection: {
      policy,
      statement: label,
      actions,
      resources: listOf(s.Resource),
      exceptions,
      conditions,
    },
  };
}

/** Every Deny statement of an SCP, read or skipped with the reason. */
export function protectionsOf(
  name: string,
  document: PolicyDocument,
  declared?: DeclaredActions,
): ReadProtection[] {
  return statementsOf(document).flatMap((s, i) =>
    s?.Effect === 'Deny' ? [readStatement(name, s, i, declared)] : [],
  );
}

/** A concrete value a wildcard pattern matches (`*`, `?` -> `x`). */
function sample(pattern: string): string {
  return pattern.replace(/[*?]/g, 'x');
}

const POSITIVE =
  /^(ForAnyValue:|ForAllValues:)?(StringEquals|StringLike|StringEqualsIgnoreCase|ArnEquals|ArnLike|Bool)(IfExists)?$/;

/** A tag key none of `values` names. */
function otherTagKey(values: string[]): string {
  return (
    ['Name', 'Owner', 'CostCenter'].find((k) => !values.some((v) => wildcardMatch(v, k))) ??
    'x-other'
  );
}

export interface TriggerContexts {
  /** The context that makes every condition true (the statement applies). */
  triggers: Record<string, string | string[]>;
  /** With a tag-key condition: the same request with another tag key (the statement must not apply). */
  otherTag?: { context: Record<string, string | string[]>; key: string };
}

/**
 * The contexts for a statement's conditions, with `controlTagKey` as the tag key it must name;
 * a string saying why when a condition cannot be satisfied from what this file understands.
 */
export function triggerContexts(p: Protection, controlTagKey: string): TriggerContexts | string {
  const triggers: Record<string, string | string[]> = {};
  let tagCondition: Condition | undefined;
  for (const c of p.conditions) {
    const isTagKeys = c.key.toLowerCase() === 'aws:tagkeys';
    if (c.operator === 'Null') {
      if (c.values[0] === 'false') triggers[c.key] = isTagKeys ? [controlTagKey] : 'x';
      if (isTagKeys) tagCondition = c;
      continue;
    }
    if (!POSITIVE.test(c.operator)) {
      return `condition ${c.operator} ${c.key} is not modelled`;
    }
    if (isTagKeys) {
      if (!c.values.some((v) => wildcardMatch(v, controlTagKey))) {
        return `its aws:TagKeys (${c.values.join(', ')}) does not name the control tag ${controlTagKey}`;
      }
      triggers[c.key] = [controlTagKey];
      tagCondition = c;
      continue;
    }
    const first = c.values[0];
    if (first === undefined) return `condition ${c.operator} ${c.key} has no value`;
    triggers[c.key] = sample(first);
  }
  if (!tagCondition) return { triggers };
  const key = otherTagKey(tagCondition.operator === 'Null' ? [] : tagCondition.values);
  return { triggers, otherTag: { context: { ...triggers, [tagCondition.key]: [key] }, key } };
}

/** A concrete principal ARN in `account` that an exception pattern names, if it can be one there. */
export function exceptedPrincipal(pattern: string, account: string): string | undefined {
  const parts = pattern.split(':');
  if (parts.length < 6 || parts[2] !== 'iam') return undefined;
  const patternAccount = parts[4] ?? '';
  if (!wildcardMatch(patternAccount, account)) return undefined;
  parts[4] = account;
  const arn = sample(parts.join(':'));
  return /:(role|user)\//.test(arn) ? arn : undefined;
}
