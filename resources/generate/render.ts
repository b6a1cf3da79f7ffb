/**
 * Renders the target-account templates from their bases (beside this file) and the policy
 * fragment of every registered task. A base marks where the tasks' parts go with lines such as
 * `  #@ task-parameters`; the marker's indentation is kept. `npm run generate` writes the result
 * to resources/, and a test checks that the committed templates equal a fresh rendering.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type {
  FragmentParameter,
  FragmentPolicy,
  PolicyFragment,
  PolicyStatement,
} from '../../handlers/core/policy-fragment';
import { TASKS } from '../../handlers/tasks';

const WIDTH = 100;

export interface RenderedTemplate {
  /** Path relative to the repository root. */
  file: string;
  text: string;
}

/** Every registered task's fragment, its parameters merged (a shared name must mean the same). */
export function mergedFragments(fragments: readonly PolicyFragment[]): {
  parameters: Array<[string, FragmentParameter]>;
  policies: FragmentPolicy[];
} {
  const parameters = new Map<string, FragmentParameter>();
  const policies: FragmentPolicy[] = [];
  for (const fragment of fragments) {
    for (const [name, declaration] of Object.entries(fragment.parameters)) {
      const seen = parameters.get(name);
      if (seen && !isDeepStrictEqual(seen, declaration)) {
        throw new Error(`parameter ${name} is declared differently by two tasks; make them equal`);
      }
      parameters.set(name, declaration);
    }
    for (const policy of fragment.policies) {
      if (policies.some((p) => p.name === policy.name)) {
        throw new Error(`policy ${policy.name} is declared by two tasks; rename one`);
      }
      policies.push(policy);
    }
  }
  return { parameters: [...parameters], policies };
}

const quoted = (text: string) => JSON.stringify(text);
const singleQuoted = (text: string) => `'${text.replaceAll("'", "''")}'`;
const PLAIN = /^[A-Za-z][\w ,.()/<>+=@-]*$/;

/** Greedy word wrap for a folded scalar. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function description(text: string, indent: string): string[] {
  const oneLine = `${indent}Description: ${text}`;
  if (oneLine.length <= WIDTH && PLAIN.test(text)) return [oneLine];
  const inner = `${indent}  `;
  return [`${indent}Description: >-`, ...wrap(text, WIDTH - inner.length).map((l) => inner + l)];
}

function parameterLines(
  name: string,
  p: FragmentParameter,
  indent: string,
  text: string,
): string[] {
  const inner = `${indent}  `;
  return [
    `${indent}${name}:`,
    `${inner}Type: ${p.Type}`,
    ...(p.Default !== undefined ? [`${inner}Default: ${quoted(p.Default)}`] : []),
    ...(p.AllowedPattern !== undefined
      ? [`${inner}AllowedPattern: ${singleQuoted(p.AllowedPattern)}`]
      : []),
    ...(p.ConstraintDescription !== undefined
      ? [`${inner}ConstraintDescription: ${p.ConstraintDescription}`]
      : []),
    ...(p.MinLength !== undefined ? [`${inner}MinLength: ${p.MinLength}`] : []),
    ...(p.MaxLength !== undefined ? [`${inner}MaxLength: ${p.MaxLength}`] : []),
    ...description(text, inner),
  ];
}

type Json = string | number | boolean | Json[] | { [key: string]: Json };

const isScalar = (v: Json) => typeof v !== 'object';

/** JSON as people write policies: short scalar lists and one-entry maps stay on one line. */
function compactJson(value: Json, indent: string): string {
  if (isScalar(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every(isScalar)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[\n${value.map((v) => inner + compactJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length === 1 && only && isScalar(only[1])) {
    return `{ ${JSON.stringify(only[0])}: ${JSON.stringify(only[1])} }`;
  }
  const body = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner)}`);
  return `{\n${body.join(',\n')}\n${indent}}`;
}

const document = (statements: readonly PolicyStatement[]): Json => ({
  Version: '2012-10-17',
  Statement: statements as unknown as Json[],
});

/** A YAML scalar: a list parameter as !Ref, a string with `${…}` as !Sub, others quoted when needed. */
function yamlScalar(value: string | number | boolean, lists: ReadonlySet<string>): string {
  if (typeof value !== 'string') return String(value);
  const whole = /^\$\{([A-Za-z0-9]+)\}$/.exec(value);
  if (whole?.[1] && lists.has(whole[1])) return `!Ref ${whole[1]}`;
  if (value.includes('${')) return `!Sub ${quoted(value)}`;
  return /^[a-z][\w:-]*$/i.test(value) && !['true', 'false'].includes(value)
    ? value
    : quoted(value);
}

/**
 * `pre${List[*]}post`: one value per item of a list parameter. CloudFormation cannot map a
 * list, so the items are joined with `post,pre`, wrapped in `pre`/`post` and split again.
 */
function eachItemLines(
  key: string,
  value: unknown,
  indent: string,
  lists: ReadonlySet<string>,
): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const each = /^([^,${}]*)\$\{([A-Za-z0-9]+)\[\*\]\}([^,${}]*)$/.exec(value);
  if (!each?.[2] || !lists.has(each[2])) return undefined;
  const [, pre = '', list, post = ''] = each;
  return [
    `${indent}${key}: !Split`,
    `${indent}  - ","`,
    `${indent}  - !Sub`,
    `${indent}    - ${quoted(`${pre}\${Items}${post}`)}`,
    `${indent}    - Items: !Join [${quoted(`${post},${pre}`)}, !Ref ${list}]`,
  ];
}

/** A mapping key; `Null` (the IAM condition operator) would be read by YAML as null, so it is quoted. */
function yamlKey(key: string): string {
  return /^(null|true|false|yes|no|on|off|~)$/i.test(key) ? quoted(key) : key;
}

/** A flow list on one line, or, past the width, one item a line as the formatter prints it. */
function flowListLines(head: string, items: readonly string[], indent: string): string[] {
  const line = `${head} [${items.join(', ')}]`;
  if (line.length <= WIDTH) return [line];
  return [head, `${indent}  [`, ...items.map((item) => `${indent}    ${item},`), `${indent}  ]`];
}

function yamlLines(value: Json, indent: string, lists: ReadonlySet<string>): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      const [first = '', ...rest] = yamlLines(item, `${indent}  `, lists);
      return [`${indent}- ${first.trimStart()}`, ...rest];
    });
  }
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) =>
      isScalar(v)
        ? (eachItemLines(yamlKey(key), v, indent, lists) ?? [
            `${indent}${yamlKey(key)}: ${yamlScalar(v as string, lists)}`,
          ])
        : Array.isArray(v) && v.every(isScalar)
          ? flowListLines(
              `${indent}${yamlKey(key)}:`,
              v.map((s) => yamlScalar(s as string, lists)),
              indent,
            )
          : [`${indent}${yamlKey(key)}:`, ...yamlLines(v, `${indent}  `, lists)],
    );
  }
  return [`${indent}${yamlScalar(value, lists)}`];
}

/** One entry of the role's Policies list. */
function policyLines(policy: FragmentPolicy, indent: string, lists: ReadonlySet<string>): string[] {
  const substitutedKeys = policy.statements.some((s) =>
    Object.values(s.Condition ?? {}).some((test) =>
      Object.keys(test).some((k) => k.includes('${')),
    ),
  );
  const given = policy.onlyWhenListGiven;
  const at = given ? `${indent}    ` : `${indent}  `;
  const entry: string[] = [];
  if (substitutedKeys) {
    // YAML keys cannot be substituted, so the whole document is one Fn::Sub string.
    entry.push(`${at}PolicyName: ${policy.name}`, `${at}PolicyDocument: !Sub |`);
    entry.push(
      ...compactJson(document(policy.statements), '')
        .split('\n')
        .map((l) => `${at}  ${l}`),
    );
  } else {
    const statements = policy.statements.map((s) =>
      yamlLines(s as unknown as Json, `${at}      `, lists),
    );
    entry.push(
      `${at}PolicyName: ${policy.name}`,
      `${at}PolicyDocument:`,
      `${at}  Version: "2012-10-17"`,
      `${at}  Statement:`,
      ...(policy.comment ? [`${at}    # ${policy.comment}`] : []),
      ...statements.flatMap(([first = '', ...rest]) => [
        `${at}    - ${first.trimStart()}`,
        ...rest,
      ]),
    );
  }
  const [first = '', ...rest] = entry;
  const comment = substitutedKeys
    ? [
        `${indent}# A JSON string, because the tag key is a parameter and YAML keys cannot be substituted.`,
      ]
    : policy.comment && substitutedKeys
      ? [`${indent}# ${policy.comment}`]
      : [];
  if (!given) return [...comment, `${indent}- ${first.trimStart()}`, ...rest];
  return [
    ...comment,
    `${indent}- !If`,
    `${indent}  - ${given.condition}`,
    `${indent}  - ${first.trimStart()}`,
    ...rest,
    `${indent}  - !Ref AWS::NoValue`,
  ];
}

function fill(base: string, parts: Record<string, (indent: string) => string[]>): string {
  return base.replace(/^( *)#@ ([\w-]+)\n/gm, (_line, indent: string, marker: string) => {
    const part = parts[marker];
    if (!part) throw new Error(`unknown marker "#@ ${marker}" in a template base`);
    const lines = part(indent);
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  });
}

const BASES = path.join(__dirname);

export function renderTargetTemplates(
  fragments: readonly PolicyFragment[] = TASKS.map((t) => t.policy),
): RenderedTemplate[] {
  const { parameters, policies } = mergedFragments(fragments);
  const lists = new Set(
    parameters.filter(([, p]) => p.Type === 'CommaDelimitedList').map(([n]) => n),
  );
  const conditions = policies.flatMap((p) => (p.onlyWhenListGiven ? [p.onlyWhenListGiven] : []));
  const base = (name: string) => readFileSync(path.join(BASES, `${name}.base.yml`), 'utf8');

  const role = fill(base('target-account-role'), {
    'task-parameters': (indent) =>
      parameters.flatMap(([name, p]) => parameterLines(name, p, indent, p.Description)),
    'task-conditions': (indent) =>
      conditions.map(
        (c) => `${indent}${c.condition}: !Not [!Equals [!Join ["", !Ref ${c.list}], ""]]`,
      ),
    'task-policies': (indent) => policies.flatMap((p) => policyLines(p, indent, lists)),
  });
  const stackSet = fill(base('target-account-stackset'), {
    'task-parameters': (indent) =>
      parameters.flatMap(([name, p]) =>
        parameterLines(name, p, indent, p.StackSetDescription ?? p.Description),
      ),
    'task-parameter-values': (indent) =>
      parameters.flatMap(([name, p]) =>
        p.Type === 'CommaDelimitedList'
          ? [
              `${indent}# StackSet parameter values are strings; the role template splits the list again.`,
              `${indent}- ParameterKey: ${name}`,
              `${indent}  ParameterValue: !Join [",", !Ref ${name}]`,
            ]
          : [`${indent}- ParameterKey: ${name}`, `${indent}  ParameterValue: !Ref ${name}`],
      ),
  });
  return [
    { file: 'resources/target-account-role.yml', text: role },
    { file: 'resources/target-account-stackset.yml', text: stackSet },
  ];
}
