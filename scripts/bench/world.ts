/**
 * Synthetic worlds for the benchmark: N accounts x R regions x I instances, every instance
 * running and control-tagged, so a `stop` touches all of them. The handler's stage config is
 * derived from the same shape, so the two always agree.
 */

import type { RuntimeConfig } from '../../handlers/config/stage-config';
import {
  controlTagKeyFor,
  controlTagValueFor,
  targetRoleNameFor,
} from '../../handlers/formats/names';
import type { AwsRegion } from '../../handlers/formats/regions';
import type { SeedInput } from '../local-aws';

export interface Shape {
  /** (account, region) pairs. */
  targets: number;
  /** Regions per account; the last account takes the remainder. */
  regionsPerAccount: number;
  instancesPerTarget: number;
}

export const BENCH_STAGE = 'bench';
export const SERVICE_NAME = 'xacct-ec2';
export const HOME_ACCOUNT = '111111111111';
export const HOME_REGION = 'eu-west-1';
export const TARGET_ROLE = targetRoleNameFor(SERVICE_NAME, BENCH_STAGE);
export const CONTROL_TAG = {
  key: controlTagKeyFor(SERVICE_NAME),
  value: controlTagValueFor(BENCH_STAGE),
} as const;
const REGIONS: readonly AwsRegion[] = [
  'eu-west-1',
  'us-east-1',
  'eu-central-1',
  'us-west-2',
  'ap-southeast-2',
  'sa-east-1',
];
const EXEC_ROLE = `${SERVICE_NAME}-${BENCH_STAGE}-${HOME_REGION}-exec`;
const FUNCTION_NAME = `${SERVICE_NAME}-${BENCH_STAGE}-instances`;

export interface TargetAccount {
  accountId: string;
  regions: AwsRegion[];
}

/** Accounts with their regions, in configuration order. */
export function layout(shape: Shape): TargetAccount[] {
  if (shape.regionsPerAccount > REGIONS.length) {
    throw new Error(`at most ${REGIONS.length} regions per account`);
  }
  const accounts: TargetAccount[] = [];
  for (let left = shape.targets, n = 0; left > 0; n += 1) {
    const count = Math.min(left, shape.regionsPerAccount);
    accounts.push({ accountId: String(200_000_000_000 + n), regions: REGIONS.slice(0, count) });
    left -= count;
  }
  return accounts;
}

export function accountsOf(shape: Shape): number {
  return Math.ceil(shape.targets / shape.regionsPerAccount);
}

function instanceId(serial: number): string {
  return `i-${serial.toString(16).padStart(17, '0')}`;
}

export function benchSeed(shape: Shape): SeedInput {
  let serial = 1;
  const targets = layout(shape).map(({ accountId, regions }) => ({
    accountId,
    name: `bench-${accountId}`,
    roles: [{ name: TARGET_ROLE }],
    regions: Object.fromEntries(
      regions.map((region) => [
        region,
        {
          instances: Array.from({ length: shape.instancesPerTarget }, () => ({
            instanceId: instanceId(serial++),
            state: 'running' as const,
            availabilityZone: `${region}a`,
            launchTime: '2026-01-05T08:00:00.000Z',
            tags: { Name: `bench-${serial}`, [CONTROL_TAG.key]: CONTROL_TAG.value },
          })),
        },
      ]),
    ),
  }));
  return {
    description: `benchmark world: ${shape.targets} targets x ${shape.instancesPerTarget} instances`,
    home: {
      accountId: HOME_ACCOUNT,
      region: HOME_REGION,
      stage: BENCH_STAGE,
      executionRoleName: EXEC_ROLE,
      functionName: FUNCTION_NAME,
      functionArn: `arn:aws:lambda:${HOME_REGION}:${HOME_ACCOUNT}:function:${FUNCTION_NAME}`,
    },
    accounts: [{ accountId: HOME_ACCOUNT, name: 'home', roles: [{ name: EXEC_ROLE }] }, ...targets],
  };
}

/** What STAGE_CONFIG carries for this world (serverless.yml's defaults, the given concurrency). */
export function stageConfig(shape: Shape, concurrency: number): RuntimeConfig {
  return {
    targetRoleName: TARGET_ROLE,
    controlTagKey: CONTROL_TAG.key,
    controlTagValue: CONTROL_TAG.value,
    targets: layout(shape),
    concurrency,
    sessionDurationSeconds: 3600,
    reserveMillis: 20_000,
    waitTimeoutSeconds: 240,
    // The benchmark drives the function directly: no HTTP callers; SourceIdentity as deployed.
    callers: [],
    sourceIdentity: true,
    // The benchmark stops whole fleets on purpose: the blast-radius guard must not refuse them.
    maxResourcesPerRequest: Math.max(1, shape.targets * shape.instancesPerTarget),
  };
}

export const FUNCTION_ARN = `arn:aws:lambda:${HOME_REGION}:${HOME_ACCOUNT}:function:${FUNCTION_NAME}`;
export { FUNCTION_NAME };
