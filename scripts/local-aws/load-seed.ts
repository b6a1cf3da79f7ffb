import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DbClusterSeed, DbInstanceSeed } from './rds-seed-schema';
import { type Seed, SeedSchema } from './seed-schema';

export const DEFAULT_SEED_PATH = path.join(__dirname, 'seed.json');

export class SeedError extends Error {
  override name = 'SeedError';
}

export function loadSeedFile(file: string = DEFAULT_SEED_PATH): Seed {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SeedError(`Cannot read seed ${file}: ${(error as Error).message}`);
  }
  return parseSeed(raw, file);
}

/** Validates the shape, then what a schema cannot see: uniqueness and cross-references. */
export function parseSeed(raw: unknown, source = 'seed'): Seed {
  const parsed = SeedSchema.safeParse(raw);
  if (!parsed.success) {
    throw new SeedError(`Invalid seed ${source}:\n${z.prettifyError(parsed.error)}`);
  }
  const problems = crossCheck(parsed.data);
  if (problems.length > 0) {
    throw new SeedError(`Invalid seed ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return parsed.data;
}

/** RDS references must resolve within their account and region, and a member follows its cluster. */
function rdsProblems(
  accountId: string,
  region: string,
  place: { dbInstances: DbInstanceSeed[]; dbClusters: DbClusterSeed[] },
): string[] {
  const problems: string[] = [];
  const where = `${accountId} ${region}`;
  const instances = new Map(place.dbInstances.map((db) => [db.id, db]));
  const clusters = new Map(place.dbClusters.map((cluster) => [cluster.id, cluster]));
  if (instances.size !== place.dbInstances.length)
    problems.push(`${where}: a DB instance id is listed twice`);
  if (clusters.size !== place.dbClusters.length)
    problems.push(`${where}: a DB cluster id is listed twice`);
  for (const db of place.dbInstances) {
    if (!db.availabilityZone.startsWith(region)) {
      problems.push(`DB instance ${db.id}: zone ${db.availabilityZone} is not in ${region}`);
    }
    if (db.clusterId) {
      const cluster = clusters.get(db.clusterId);
      if (!cluster)
        problems.push(`DB instance ${db.id}: cluster ${db.clusterId} is not in ${where}`);
      else if (cluster.status !== db.status) {
        problems.push(`DB instance ${db.id}: status must equal its cluster's (${cluster.status})`);
      }
    }
    if (db.readReplicaSourceId && !instances.has(db.readReplicaSourceId)) {
      problems.push(`DB instance ${db.id}: source ${db.readReplicaSourceId} is not in ${where}`);
    }
  }
  return problems;
}

function crossCheck(seed: Seed): string[] {
  const problems: string[] = [];
  const accountIds = new Set<string>();
  const instanceIds = new Set<string>();
  for (const account of seed.accounts) {
    if (accountIds.has(account.accountId))
      problems.push(`account ${account.accountId} is listed twice`);
    accountIds.add(account.accountId);
    const roleNames = new Set<string>();
    for (const role of account.roles) {
      if (roleNames.has(role.name))
        problems.push(`role ${role.name} is listed twice in ${account.accountId}`);
      roleNames.add(role.name);
      if (role.parameters && role.parameters.RoleName !== role.name) {
        problems.push(
          `role ${role.name} in ${account.accountId}: parameters.RoleName must equal its name`,
        );
      }
    }
    for (const [region, place] of Object.entries(account.regions)) {
      problems.push(...rdsProblems(account.accountId, region, place));
      const { instances } = place;
      for (const instance of instances) {
        if (instanceIds.has(instance.instanceId))
          problems.push(`instance ${instance.instanceId} is listed twice`);
        instanceIds.add(instance.instanceId);
        if (!instance.availabilityZone.startsWith(region)) {
          problems.push(
            `instance ${instance.instanceId}: zone ${instance.availabilityZone} is not in ${region}`,
          );
        }
      }
    }
  }
  const home = seed.accounts.find((account) => account.accountId === seed.home.accountId);
  if (!home) problems.push(`home account ${seed.home.accountId} is not among the accounts`);
  else if (!home.roles.some((role) => role.name === seed.home.executionRoleName)) {
    problems.push(
      `home account has no role named ${seed.home.executionRoleName} (home.executionRoleName)`,
    );
  }
  const expectedFunctionArn = `arn:aws:lambda:${seed.home.region}:${seed.home.accountId}:function:${seed.home.functionName}`;
  if (seed.home.functionArn !== expectedFunctionArn) {
    problems.push(`home.functionArn must be ${expectedFunctionArn}`);
  }
  return problems;
}
