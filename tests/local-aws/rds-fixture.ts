import type { RDSClient } from '@aws-sdk/client-rds';
import type { ManualClock } from '../../scripts/local-aws';
import type { RequestCheck } from '../../scripts/verify';
import { type Fixture, type FixtureOptions, startFixture } from './local-aws-fixture';

/**
 * Roughly what a tag-scoped RDS policy says, for the fake authorizer: Describe*, DescribeEvents
 * and ListTagsForResource on anything, start/stop only on resources carrying the control tag
 * (read from rds:db-tag / rds:cluster-tag, the keys the endpoint sends for RDS resources).
 * The real policy evaluation of such a policy is exercised in rds-authorization.test.ts.
 */
export function rdsTagRule(check: RequestCheck): boolean {
  if (!check.action.startsWith('rds:')) return false;
  if (/^rds:(Describe|ListTags)/.test(check.action)) return true;
  const tag =
    check.context?.['rds:db-tag/xacct-ec2:managed'] ??
    check.context?.['rds:cluster-tag/xacct-ec2:managed'];
  return tag === 'local';
}

export interface RdsFixture {
  fixture: Fixture;
  clock: ManualClock;
  /** The target role's session in 222222222222, eu-west-1. */
  rds: RDSClient;
  /** Same session, another region. */
  rdsIn(region: string): RDSClient;
}

export async function startRdsFixture(options: FixtureOptions = {}): Promise<RdsFixture> {
  const fixture = await startFixture({ rules: { request: rdsTagRule }, ...options });
  const credentials = await fixture.assume('222222222222');
  return {
    fixture,
    clock: fixture.clock as ManualClock,
    rds: fixture.rds(credentials, 'eu-west-1'),
    rdsIn: (region) => fixture.rds(credentials, region),
  };
}
