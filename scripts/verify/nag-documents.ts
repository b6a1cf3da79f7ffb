/**
 * The templates `npm run lint:cfn` checks, each in the form a linter can read: every stage's
 * packaged service template; resources/target-account-role.yml rendered for each configured
 * target of the stage (its one JSON-string policy parsed into an object) and once as written;
 * and resources/target-account-stackset.yml as written.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../shared/repo-root';
import { parseCfnYaml } from '../shared/stack/cfn-yaml';
import type { PackagedStage } from '../shared/stack/package-stage';
import { TARGET_ROLE_TEMPLATE } from '../shared/stack/paths';
import { resolveStage } from './execution-role';
import { PLACEHOLDER_HOME_ACCOUNT, targetsForStage } from './stage-world';
import { renderTargetRoleTemplate } from './target-role';

/** Which acknowledgements apply (nag-acknowledgements.ts): one kind per source document. */
export type DocumentKind = 'service' | 'target-role' | 'target-role-template' | 'stackset';

export interface LintDocument {
  kind: DocumentKind;
  /** What the report calls it, e.g. `prod: packaged service template`. */
  name: string;
  /** The file a fix goes into. */
  source: string;
  template: object;
  accountId: string;
  region: string;
  /** Substituted into acknowledged rule IDs: `{service}` and `{stage}`. */
  vars: Record<string, string>;
}

/** Lint the rendered role with every optional statement present: an Organization and a key. */
const EXAMPLE_ORGANIZATION = 'o-exampleorg1';
const exampleKey = (accountId: string, region: string) =>
  `arn:aws:kms:${region}:${accountId}:key/00000000-0000-4000-8000-000000000000`;

const STACKSET_TEMPLATE = path.join(REPO_ROOT, 'resources', 'target-account-stackset.yml');
const relative = (file: string) => path.relative(REPO_ROOT, file);

/** The packaged stage and the target role rendered for each of the stage's targets. */
export function stageDocuments(packaged: PackagedStage): LintDocument[] {
  const stage = resolveStage(packaged, { accountId: PLACEHOLDER_HOME_ACCOUNT });
  const vars = { service: stage.service, stage: stage.stage };
  const keys = stage.config.targets.map((t) => exampleKey(t.accountId, stage.region));
  const service: LintDocument = {
    kind: 'service',
    name: `${stage.stage}: packaged service template`,
    source: 'serverless.yml',
    template: packaged.template,
    accountId: stage.homeAccountId,
    region: stage.region,
    vars,
  };
  const targets = targetsForStage(stage, {
    organizationId: EXAMPLE_ORGANIZATION,
    kmsKeyArns: keys,
  }).map(
    (target): LintDocument => ({
      kind: 'target-role',
      name: `${stage.stage}: target role rendered for ${target.accountId}`,
      source: relative(TARGET_ROLE_TEMPLATE),
      template: renderTargetRoleTemplate(target.roleParameters, {
        accountId: target.accountId,
        partition: stage.partition,
        region: stage.region,
      }),
      accountId: target.accountId,
      region: stage.region,
      vars: { ...vars, account: target.accountId },
    }),
  );
  return [service, ...targets];
}

async function asWritten(kind: DocumentKind, file: string): Promise<LintDocument> {
  return {
    kind,
    name: `${relative(file)} as written`,
    source: relative(file),
    // Long-form JSON (`!Sub` -> `Fn::Sub`): what CloudFormation itself turns the YAML into.
    template: parseCfnYaml(await readFile(file, 'utf8'), file) as object,
    accountId: '222222222222',
    region: 'us-east-1',
    vars: {},
  };
}

/** The target-account templates as written: not tied to a stage. */
export async function writtenTemplates(): Promise<LintDocument[]> {
  return Promise.all([
    asWritten('target-role-template', TARGET_ROLE_TEMPLATE),
    asWritten('stackset', STACKSET_TEMPLATE),
  ]);
}
