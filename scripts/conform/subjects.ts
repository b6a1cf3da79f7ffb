/**
 * Everything the conformance check reads: the packaged template of every stage and engine
 * switch (variants.ts), and every CloudFormation template and policy document under resources/.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../shared/repo-root';
import { parseCfnYaml } from '../shared/stack/cfn-yaml';
import { packagedStage } from '../shared/stack/packaged-stage';
import { isRecord } from './cfn-shape';
import type { ConformTemplate, Subject } from './subject';
import { type PackagingVariant, packagingVariants } from './variants';

/** Region for files that do not say where they deploy (serverless.yml's default region). */
export const DEFAULT_REGION = 'eu-west-1';

export function variantName(variant: PackagingVariant): string {
  return `stage ${variant.stage}${variant.setting ? ` (${variant.setting})` : ''}`;
}

/** Packages (or reuses the cached packaging of) one variant. */
export async function packagedSubject(variant: PackagingVariant): Promise<Subject> {
  const { packaged } = await packagedStage(variant.stage, {
    reuse: true,
    ...(variant.serverlessYml !== undefined ? { serverlessYml: variant.serverlessYml } : {}),
  });
  return {
    name: variantName(variant),
    region: packaged.region,
    stackName: `${packaged.service}-${packaged.stage}`,
    template: packaged.template as ConformTemplate,
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
    ),
  );
  return nested.flat().sort();
}

/**
 * Every template (YAML or JSON with Resources) and policy (JSON with Statement) under resources/,
 * except the generator's bases (`*.base.yml`): they are incomplete until `npm run generate` fills
 * in the tasks' policies, and the templates it renders from them are checked instead.
 */
export async function resourceFileSubjects(root = REPO_ROOT): Promise<Subject[]> {
  const subjects: Subject[] = [];
  for (const file of await filesUnder(path.join(root, 'resources'))) {
    if (!/\.(ya?ml|json)$/.test(file) || /\.base\.ya?ml$/.test(file)) continue;
    const text = await readFile(file, 'utf8');
    const doc = file.endsWith('.json') ? JSON.parse(text) : parseCfnYaml(text);
    const name = path.relative(root, file);
    if (isRecord(doc) && isRecord(doc.Resources)) {
      subjects.push({ name, region: DEFAULT_REGION, template: doc as unknown as ConformTemplate });
    } else if (isRecord(doc) && doc.Statement !== undefined) {
      subjects.push({ name, region: DEFAULT_REGION, policy: doc });
    }
  }
  return subjects;
}

export { packagingVariants };
