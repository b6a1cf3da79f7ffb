import type { InstanceView } from './instances';
import type { World } from './world';

/** The world as JSON for GET /_local/state. Never includes secrets or session tokens. */
export function worldSnapshot(world: World) {
  const now = world.clock.now();
  return {
    now: new Date(now).toISOString(),
    home: world.home,
    settings: world.settings,
    accounts: world.allAccounts().map((account) => ({
      accountId: account.accountId,
      name: account.name,
      organizationId: account.organizationId ?? null,
      roles: [...account.roles.values()].map((role) => ({
        name: role.name,
        arn: role.arn,
        maxSessionDurationSeconds: role.maxSessionDurationSeconds,
        template: role.template ?? null,
        parameters: role.parameters ?? null,
      })),
      regions: Object.fromEntries(
        account.regions.map((region) => [
          region,
          world.instancesIn(account.accountId, region).map(instanceJson),
        ]),
      ),
      rds: Object.fromEntries(
        account.regions.map((region) => [region, rdsJson(world, account.accountId, region)]),
      ),
    })),
    sessions: world.sessions.all().map((session) => ({
      accessKeyId: session.accessKeyId,
      sessionArn: session.sessionArn,
      issuedAt: new Date(session.issuedAt).toISOString(),
      expiresAt: new Date(session.expiresAt).toISOString(),
      expired: now >= session.expiresAt,
      sourceFunctionArn: session.sourceFunctionArn ?? null,
      sourceIdentity: session.sourceIdentity ?? null,
    })),
  };
}

/** DB instances, clusters and the RDS events of one account and region (times as ISO strings). */
function rdsJson(world: World, accountId: string, region: string) {
  const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    dbInstances: world.rds.instancesIn(accountId, region).map((db) => ({
      ...db,
      createTime: iso(db.createTime),
      automaticRestartTime: iso(db.automaticRestartTime),
    })),
    dbClusters: world.rds.clustersIn(accountId, region).map((cluster) => ({
      ...cluster,
      createTime: iso(cluster.createTime),
      automaticRestartTime: iso(cluster.automaticRestartTime),
    })),
    events: world.rds.eventsIn(accountId, region).map((event) => ({ ...event, at: iso(event.at) })),
  };
}

export function instanceJson(instance: InstanceView) {
  return { ...instance, launchTime: new Date(instance.launchTime).toISOString() };
}
