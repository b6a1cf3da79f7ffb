/**
 * The home account's operator role that `npm run switch` signs with locally: its identity policy
 * is the switch's least-privilege policy for the seed's stage (scripts/switch/README.md), so
 * the endpoint's Authorizer evaluates exactly what the README recommends.
 */
import { switchOperatorPolicy } from '../../resources/home-stack/roles/operator-policy';
import { roleArn, roleUniqueId } from './arns';
import type { TemporaryCredentials } from './credentials';
import type { Seed } from './seed-schema';
import { credentialsOf } from './sessions';
import type { World } from './world';

export const STAGE_OPERATOR_ROLE = 'xacct-ec2-operator';
/** The service name serverless.yml gives (the seed names the stage, not the service). */
const SERVICE = 'xacct-ec2';

export function stageOperatorPolicy(seed: Pick<Seed, 'home'>) {
  return switchOperatorPolicy({
    accountId: seed.home.accountId,
    region: seed.home.region,
    service: SERVICE,
    stage: seed.home.stage,
  });
}

/** Credentials of the operator role's session: what a person would have from `aws sso login`. */
export function stageOperatorCredentials(world: World, accountId: string): TemporaryCredentials {
  const arn = roleArn(accountId, STAGE_OPERATOR_ROLE);
  const session = world.sessions.issue({
    role: {
      accountId,
      name: STAGE_OPERATOR_ROLE,
      arn,
      roleId: roleUniqueId(arn),
      maxSessionDurationSeconds: 3600,
    },
    sessionName: 'stage-switch',
    lifetimeSeconds: 3600,
  });
  return credentialsOf(session);
}
