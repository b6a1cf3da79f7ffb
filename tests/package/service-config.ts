/**
 * What serverless.yml configures, read the way osls reads it, so the package and e2e tests
 * derive their expectations from the file instead of repeating its values.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { parseStageConfig, type StageConfig } from '../../handlers/config/stage-config';
import { type StageNames, stageNames } from '../../handlers/formats/names';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { parseCfnYaml } from '../../scripts/shared/stack/cfn-yaml';
import { withoutOfflinePlugin } from '../../scripts/shared/stack/package-stage';

export const SERVICE = 'xacct-ec2';
/** serverless.yml's `provider.region` default; the package tests do not pass --region. */
export const REGION = 'eu-west-1';
/** The stages the tests package: `dev` is osls's default stage and uses `params.default` alone. */
export const STAGES = ['dev', 'test', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

export function readServerlessYml(): string {
  return readFileSync(path.join(REPO_ROOT, 'serverless.yml'), 'utf8');
}

type Params = Record<string, Record<string, unknown>>;

function paramsOf(serverlessYml: string): Params {
  const doc = parseCfnYaml(serverlessYml) as { params?: Params };
  if (!doc.params?.default) throw new Error('serverless.yml has no params.default block');
  return doc.params;
}

/** A stage's raw params: `params.<stage>` over `params.default`, key by key (as osls resolves). */
export function stageParams(
  stage: string,
  serverlessYml = readServerlessYml(),
): Record<string, unknown> {
  const params = paramsOf(serverlessYml);
  return derivedNames(stage, { ...params.default, ...(params[stage] ?? {}) });
}

const DERIVED = /^\$\{file\(resources\/home-stack\/stage-config\.cjs\):default(\w+)\}$/;

/** The per-stage names osls resolves (`${sls:stage}`, resources/home-stack/stage-config.cjs defaults). */
function derivedNames(stage: string, params: Record<string, unknown>): Record<string, unknown> {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: osls variable syntax, as serverless.yml writes it
  const namespace = params.namespace === '${sls:stage}' ? stage : String(params.namespace);
  const names = stageNames(SERVICE, namespace);
  const resolved: Record<string, unknown> = { ...params, namespace };
  for (const [key, value] of Object.entries(params)) {
    const derived = DERIVED.exec(String(value))?.[1];
    if (!derived) continue;
    const name = `${derived.charAt(0).toLowerCase()}${derived.slice(1)}` as keyof StageNames;
    resolved[key] = names[name];
  }
  return resolved;
}

/** A stage's configuration, validated with the schema the function and the packager use. */
export function stageConfig(stage: string, serverlessYml = readServerlessYml()): StageConfig {
  // alarmEmail shapes the signals resources only (resources/home-stack/stage-config.cjs signalsResources).
  // namespace only derives the names below it (resources/home-stack/stage-config.cjs).
  const {
    alarmEmail: _alarmEmail,
    namespace: _namespace,
    ...params
  } = stageParams(stage, serverlessYml);
  const parsed = parseStageConfig(params, 'params');
  if (!parsed.ok) {
    throw new Error(
      `serverless.yml params for ${stage} are invalid: ${JSON.stringify(parsed.problems)}`,
    );
  }
  return parsed.value;
}

/**
 * serverless.yml with its `params:` block replaced: the block is parsed, handed to `edit`, and
 * written back in place. The rest of the file (with its CloudFormation tags) is untouched.
 */
export function withParams(serverlessYml: string, edit: (params: Params) => void): string {
  const match = /^params:\n(?:(?:[ \t].*|[ \t]*)\n)+/m.exec(serverlessYml);
  if (!match) throw new Error('serverless.yml has no top-level params: block');
  const params = yaml.load(match[0]) as { params: Params };
  edit(params.params);
  const block = yaml.dump({ params: params.params }, { lineWidth: -1, quotingType: "'" });
  return `${serverlessYml.slice(0, match.index)}${block}${serverlessYml.slice(match.index + match[0].length)}`;
}

/**
 * serverless.yml without the serverless-offline plugin, for runs that only resolve or package,
 * as the policy packaging strips it (withoutOfflinePlugin): it hooks only the offline commands
 * and adds nothing to the CloudFormation, but loading it takes about a second per run. The e2e
 * suite keeps it, so plugin loading is still covered.
 */
export function withoutServerlessOffline(serverlessYml: string): string {
  const stripped = withoutOfflinePlugin(serverlessYml);
  if (stripped === serverlessYml)
    throw new Error('serverless.yml no longer lists serverless-offline');
  return stripped;
}

/** Pseudo parameters used to render CloudFormation values into concrete strings. */
export const PSEUDO = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': '111111111111',
} as const;

/**
 * Renders the intrinsics osls and resources/home-stack/stage-config.cjs emit in ARNs (Fn::Join, Fn::Sub and
 * Ref of a pseudo parameter) into a string; anything else is returned as JSON so a comparison
 * with a plain ARN fails visibly.
 */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const node = value as Record<string, unknown>;
    if (typeof node.Ref === 'string' && node.Ref in PSEUDO) {
      return PSEUDO[node.Ref as keyof typeof PSEUDO];
    }
    const join = node['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map(render).join(join[0]);
    }
    const sub = node['Fn::Sub'];
    if (typeof sub === 'string') {
      return sub.replace(/\$\{([\w:]+)\}/g, (whole, name: string) =>
        name in PSEUDO ? PSEUDO[name as keyof typeof PSEUDO] : whole,
      );
    }
  }
  return JSON.stringify(value);
}
