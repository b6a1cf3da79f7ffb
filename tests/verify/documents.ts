/**
 * The real deployable documents, and surgical changes to them for the breakage tests. Every
 * change finds its statement by Sid and fails loudly if it is gone, so a test can never pass
 * because the document it meant to break has moved.
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import {
  ASSUMING_FUNCTIONS,
  assumeStatement,
} from '../../resources/home-stack/roles/assume-statement';
import { parseCfnYaml } from '../../scripts/shared/stack/cfn-yaml';
import { SERVERLESS_YML } from '../../scripts/shared/stack/paths';
import { loadTargetRoleTemplate } from '../../scripts/verify/target-role';
import { REGION, SERVICE, stageConfig } from '../package/service-config';

type Json = Record<string, unknown>;

interface TargetTemplate {
  Resources: {
    TargetRole: {
      Properties: {
        AssumeRolePolicyDocument: { Statement: unknown[] };
        Policies: { PolicyName?: string; PolicyDocument?: unknown }[];
      };
    };
  };
}

/** A private copy of resources/target-account-role.yml, parsed. */
export function targetTemplate(): TargetTemplate {
  return structuredClone(loadTargetRoleTemplate()) as TargetTemplate;
}

/** A trust statement, also when wrapped in `Fn::If [cond, statement, NoValue]`. */
function sidOf(entry: unknown): string | undefined {
  const node = entry as Json;
  const branch = (node['Fn::If'] as unknown[] | undefined)?.[1] ?? node;
  return (branch as Json).Sid as string | undefined;
}

function mustFind<T>(list: T[], sid: string, predicate: (item: T) => boolean): number {
  const index = list.findIndex(predicate);
  if (index < 0) throw new Error(`statement ${sid} is no longer in the document`);
  return index;
}

/** Removes the Condition of a trust statement (e.g. widen TrustOnlyTheExecutionRole). */
export function dropTrustCondition(template: TargetTemplate, sid: string): TargetTemplate {
  const statements = template.Resources.TargetRole.Properties.AssumeRolePolicyDocument.Statement;
  const index = mustFind(statements, sid, (s) => sidOf(s) === sid);
  delete (statements[index] as Json).Condition;
  return template;
}

/** Removes a trust statement entirely (e.g. RequireExternalId). */
export function dropTrustStatement(template: TargetTemplate, sid: string): TargetTemplate {
  const statements = template.Resources.TargetRole.Properties.AssumeRolePolicyDocument.Statement;
  statements.splice(
    mustFind(statements, sid, (s) => sidOf(s) === sid),
    1,
  );
  return template;
}

/**
 * Removes the Condition of a statement in the Fn::Sub JSON-string permission policy (e.g. the
 * tag condition of StartStopControlTaggedInstances). `${…}` placeholders sit inside JSON
 * strings, so the document parses as JSON before substitution.
 */
export function dropPermissionCondition(template: TargetTemplate, sid: string): TargetTemplate {
  for (const policy of template.Resources.TargetRole.Properties.Policies) {
    const sub = (policy.PolicyDocument as Json | undefined)?.['Fn::Sub'];
    if (typeof sub !== 'string') continue;
    const document = JSON.parse(sub) as { Statement: Json[] };
    const statement = document.Statement.find((s) => s.Sid === sid);
    if (!statement) continue;
    delete statement.Condition;
    policy.PolicyDocument = { 'Fn::Sub': JSON.stringify(document, null, 2) };
    return template;
  }
  throw new Error(`statement ${sid} is no longer in the permission policies`);
}

/** The statement resources/home-stack/stage-config.cjs writes for `stage` (serverless.yml names it by variable). */
const GENERATED_ASSUME_STATEMENT = `\${file(resources/home-stack/stage-config.cjs):assumeTargetRolesStatement}`;

function generatedAssumeStatement(stage: string): Json {
  const config = stageConfig(stage);
  return assumeStatement({
    service: SERVICE,
    stage,
    targetRoleName: config.targetRoleName,
    region: REGION,
    accountIds: config.targets.map((t) => t.accountId),
    functionNames: ASSUMING_FUNCTIONS.map((fn) => `${SERVICE}-${stage}-${fn}`),
    assumeScope: 'exact',
  }).statement;
}

/**
 * serverless.yml with one change to the execution role statement `sid`, as YAML text. The
 * generated AssumeRole statement is written out literally (as `stage` would get it) first.
 */
export function serverlessYmlWithStatement(
  sid: string,
  change: (statement: Json) => void,
  stage = 'test',
): string {
  const doc = parseCfnYaml(readFileSync(SERVERLESS_YML, 'utf8')) as {
    provider: { iam: { role: { statements: Array<Json | string> } } };
  };
  const statements = doc.provider.iam.role.statements.map((s) =>
    s === GENERATED_ASSUME_STATEMENT ? generatedAssumeStatement(stage) : s,
  ) as Json[];
  doc.provider.iam.role.statements = statements;
  change(statements[mustFind(statements, sid, (s) => s.Sid === sid)] as Json);
  // Long-form intrinsics (`Fn::Sub:`) are valid serverless.yml, so a plain dump round-trips.
  return yaml.dump(doc, { lineWidth: -1, noRefs: true });
}
