/**
 * The shape of IAM, for comparing two stacks that name things differently: one line per
 * effect, principal, action and resource, with each ARN reduced to its form (service, resource
 * type, which parts are names and which are wildcards) and each condition to operator, key and
 * value forms. `arn:aws:scheduler:eu-west-1:123456789012:schedule-group/xacct-ec2-prod` becomes
 * `arn:<partition>:scheduler:<region>:<account>:schedule-group/<name>`.
 */
import { isRecord } from './cfn-shape';

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** An ARN or account ID as its form; other values as they are. */
export function valueForm(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value);
  if (/^\d{12}$/.test(value)) return '<account>';
  if (!value.startsWith('arn:')) return value;
  const [, partition, service, region, account, ...rest] = value.split(':');
  const resource = rest.join(':');
  const name = (part: string) => (part === '*' || part === '' ? part : '<name>');
  const tokens = resource.split(/([/:])/);
  const typed = tokens.length > 1 && /^[A-Za-z-]+$/.test(tokens[0] ?? '');
  const shaped = tokens.map((token, i) => {
    if (token === '/' || token === ':') return token;
    if (i === 0 && typed) return token;
    if (token.includes('*')) return token === '*' ? '*' : '<name>*';
    return name(token);
  });
  return [
    'arn',
    partition ? '<partition>' : '',
    service,
    region ? (region === '*' ? '*' : '<region>') : '',
    account ? (account === '*' ? '*' : /^\d{12}$/.test(account) ? '<account>' : account) : '',
    shaped.join(''),
  ].join(':');
}

function principalForms(principal: unknown): string[] {
  if (principal === undefined) return [''];
  if (typeof principal === 'string') return [principal];
  if (!isRecord(principal)) return [JSON.stringify(principal)];
  return Object.entries(principal).flatMap(([kind, values]) =>
    list(values).map((v) => `${kind}:${valueForm(v)}`),
  );
}

function conditionForm(condition: unknown): string {
  if (!isRecord(condition)) return '';
  const parts = Object.entries(condition).flatMap(([operator, block]) =>
    Object.entries(isRecord(block) ? block : {}).map(
      ([key, values]) =>
        `${operator} ${key}=${[...new Set(list(values).map(valueForm))].sort().join('|')}`,
    ),
  );
  return parts.length > 0 ? ` if ${parts.sort().join(' & ')}` : '';
}

/** One line per effect x principal x action x resource of the statements, sorted, unique. */
export function shapeLines(
  statements: unknown[],
  keepAction: (action: string) => boolean = () => true,
): string[] {
  const lines = new Set<string>();
  for (const statement of statements) {
    if (!isRecord(statement)) continue;
    const conditions = conditionForm(statement.Condition);
    const resources = statement.Resource === undefined ? [undefined] : list(statement.Resource);
    for (const principal of principalForms(statement.Principal)) {
      for (const action of list(statement.Action).filter(
        (a): a is string => typeof a === 'string',
      )) {
        if (!keepAction(action)) continue;
        for (const resource of resources) {
          const on = resource === undefined ? '' : ` on ${valueForm(resource)}`;
          const who = principal ? ` ${principal}` : '';
          lines.add(`${statement.Effect}${who} ${action}${on}${conditions}`);
        }
      }
    }
  }
  return [...lines].sort();
}

export function statementsOf(document: unknown): unknown[] {
  return isRecord(document) ? list(document.Statement) : [];
}
