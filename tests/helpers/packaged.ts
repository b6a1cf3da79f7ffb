/**
 * The packaged stages the slow set reads, each packaged by the real `sls package` once per set of
 * inputs: the set's global setup (tests/slow-set-setup.ts) fills the content-keyed cache in
 * node_modules/.cache/xacct-ec2/ before any suite starts, and the suites read it from there. A
 * suite run on its own packages what it misses.
 */
import { packagingVariants } from '../../scripts/conform/variants';
import { loadSeedFile } from '../../scripts/local-aws/load-seed';
import type { PackagedStage } from '../../scripts/shared/stack/package-stage';
import { packagedStage } from '../../scripts/shared/stack/packaged-stage';
import { configuredStages } from '../../scripts/shared/stack/stages';
import { serverlessYmlWithStatement } from '../verify/documents';

export interface PackagingRequest {
  stage: string;
  /** `--region`, as the local endpoint packages its home stage. */
  region?: string;
  /** A modified serverless.yml to package instead of the file. */
  serverlessYml?: string;
  /** A path choice the stage may not be able to make: packaging may refuse it (npm run conform). */
  mayRefuse?: boolean;
}

/** serverless.yml with a wildcard AssumeRole resource (verify must flag it). */
export function wideAssumeServerlessYml(): string {
  return serverlessYmlWithStatement('AssumeConfiguredTargetRoles', (statement) => {
    statement.Resource = '*';
  });
}

/**
 * Everything the slow suites package: every configured stage, each again with every engine
 * switch flipped (npm run conform, scripts/conform/variants.ts), the wide-AssumeRole document,
 * and the home stage of the local endpoint (which packages for the seed's region) that the
 * integration and end-to-end suites start.
 */
export function slowSetPackagings(): PackagingRequest[] {
  const { home } = loadSeedFile();
  const engineSwitches = packagingVariants().flatMap(({ stage, serverlessYml, param }) =>
    serverlessYml === undefined ? [] : [{ stage, serverlessYml, mayRefuse: param !== undefined }],
  );
  return [
    ...configuredStages().map((stage) => ({ stage })),
    ...engineSwitches,
    { stage: 'test', serverlessYml: wideAssumeServerlessYml() },
    { stage: home.stage, region: home.region },
  ];
}

/** A stage as `sls package` generates it, from the cache when these inputs were packaged before. */
export async function packaged(request: PackagingRequest): Promise<PackagedStage> {
  const result = await packagedStage(request.stage, {
    reuse: true,
    ...(request.region !== undefined ? { region: request.region } : {}),
    ...(request.serverlessYml !== undefined ? { serverlessYml: request.serverlessYml } : {}),
  });
  return result.packaged;
}
