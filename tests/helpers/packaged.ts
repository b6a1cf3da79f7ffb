/**
 * The packaged stages the slow set reads, each packaged by the real `sls package` once per set of
 * inputs: the set's global setup (tests/slow-set-setup.ts) fills the content-keyed cache in
 * node_modules/.cache/xacct-ec2/ before any suite starts, and the suites read it from there. A
 * suite run on its own packages what it misses.
 */
import { packagedStage } from '../../scripts/lib/local-run/packaged-stage';
import type { PackagedStage } from '../../scripts/lib/policies/package-stage';
import { configuredStages } from '../../scripts/lib/policies/stages';
import { serverlessYmlWithStatement } from '../policy/documents';

export interface PackagingRequest {
  stage: string;
  /** A modified serverless.yml to package instead of the file. */
  serverlessYml?: string;
}

/** serverless.yml with a wildcard AssumeRole resource (verify must flag it). */
export function wideAssumeServerlessYml(): string {
  return serverlessYmlWithStatement('AssumeConfiguredTargetRoles', (statement) => {
    statement.Resource = '*';
  });
}

/** Everything the slow suites package: every configured stage, and the wide-AssumeRole document. */
export function slowSetPackagings(): PackagingRequest[] {
  return [
    ...configuredStages().map((stage) => ({ stage })),
    { stage: 'test', serverlessYml: wideAssumeServerlessYml() },
  ];
}

/** A stage as `sls package` generates it, from the cache when these inputs were packaged before. */
export async function packaged(request: PackagingRequest): Promise<PackagedStage> {
  const result = await packagedStage(request.stage, {
    reuse: true,
    ...(request.serverlessYml !== undefined ? { serverlessYml: request.serverlessYml } : {}),
  });
  return result.packaged;
}
