import type { Tag } from './instances';
import type { RdsEvent } from './rds-events';
import type { DbClusterView, DbInstanceView } from './rds-resources';
import { leaf, node } from './xml';

/**
 * RDS's Query XML (element names and list member names from the SDK's model,
 * @aws-sdk/client-rds: TagList/Tag, DBClusterMembers/DBClusterMember, EventCategories/EventCategory).
 */

/** `<Name><Member>…</Member>…</Name>`: awsQuery lists name each member. */
export function memberList(name: string, member: string, items: readonly string[]): string {
  return node(name, ...items.map((item) => node(member, item)));
}

/** A list of strings: `<Name><Member>value</Member>…</Name>`, each value escaped. */
export function valueList(name: string, member: string, values: readonly string[]): string {
  return node(name, ...values.map((value) => leaf(member, value)));
}

export function tagListXml(tags: readonly Tag[]): string {
  return memberList(
    'TagList',
    'Tag',
    tags.map((tag) => leaf('Key', tag.key) + leaf('Value', tag.value)),
  );
}

const PORTS: ReadonlyArray<[RegExp, number]> = [
  [/postgres/, 5432],
  [/mysql|mariadb|aurora$/, 3306],
  [/sqlserver/, 1433],
  [/oracle/, 1521],
  [/docdb/, 27017],
  [/neptune/, 8182],
];

function portOf(engine: string): number {
  return PORTS.find(([pattern]) => pattern.test(engine))?.[1] ?? 5432;
}

function hostOf(id: string, accountId: string, region: string, cluster = false): string {
  return `${id}.${cluster ? 'cluster-' : ''}c${accountId}x.${region}.rds.amazonaws.com`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** One <DBInstance> (the members a start/stop/status task reads, and their neighbours). */
export function dbInstanceXml(db: DbInstanceView): string {
  return node(
    'DBInstance',
    leaf('DBInstanceIdentifier', db.id),
    leaf('DBInstanceClass', db.instanceClass),
    leaf('Engine', db.engine),
    leaf('DBInstanceStatus', db.status),
    db.automaticRestartTime !== undefined
      ? leaf('AutomaticRestartTime', iso(db.automaticRestartTime))
      : '',
    leaf('MasterUsername', 'admin'),
    node(
      'Endpoint',
      leaf('Address', hostOf(db.id, db.accountId, db.region)),
      leaf('Port', portOf(db.engine)),
      leaf('HostedZoneId', 'Z29XKXDKYMONMX'),
    ),
    leaf('InstanceCreateTime', iso(db.createTime)),
    leaf('AvailabilityZone', db.availabilityZone),
    leaf('MultiAZ', db.multiAZ),
    leaf('EngineVersion', db.engineVersion),
    leaf('ReadReplicaSourceDBInstanceIdentifier', db.readReplicaSourceId),
    valueList(
      'ReadReplicaDBInstanceIdentifiers',
      'ReadReplicaDBInstanceIdentifier',
      db.readReplicaIds,
    ),
    leaf('DBClusterIdentifier', db.clusterId),
    leaf('DbiResourceId', db.resourceId),
    leaf('DBInstanceArn', db.arn),
    tagListXml(db.tags),
  );
}

/** One <DBCluster>. */
export function dbClusterXml(cluster: DbClusterView): string {
  return node(
    'DBCluster',
    valueList('AvailabilityZones', 'AvailabilityZone', cluster.availabilityZones),
    leaf('DBClusterIdentifier', cluster.id),
    leaf('Status', cluster.status),
    cluster.automaticRestartTime !== undefined
      ? leaf('AutomaticRestartTime', iso(cluster.automaticRestartTime))
      : '',
    leaf('Endpoint', hostOf(cluster.id, cluster.accountId, cluster.region, true)),
    leaf('MultiAZ', cluster.availabilityZones.length > 1 && cluster.memberIds.length > 1),
    leaf('Engine', cluster.engine),
    leaf('EngineVersion', cluster.engineVersion),
    leaf('EngineMode', cluster.engineMode),
    leaf('Port', portOf(cluster.engine)),
    memberList(
      'DBClusterMembers',
      'DBClusterMember',
      cluster.memberIds.map(
        (id, index) =>
          leaf('DBInstanceIdentifier', id) +
          leaf('IsClusterWriter', index === 0) +
          leaf('DBClusterParameterGroupStatus', 'in-sync') +
          leaf('PromotionTier', 1),
      ),
    ),
    leaf('DbClusterResourceId', cluster.resourceId),
    leaf('DBClusterArn', cluster.arn),
    leaf('ClusterCreateTime', iso(cluster.createTime)),
    tagListXml(cluster.tags),
    // DBCluster.GlobalClusterIdentifier (RDS API reference): how a caller tells a global database member.
    cluster.globalClusterId !== undefined
      ? leaf('GlobalClusterIdentifier', cluster.globalClusterId)
      : '',
  );
}

/** One <Event> of DescribeEvents (the API's Event shape has no event ID: it is in the message's table). */
export function eventXml(event: RdsEvent): string {
  return node(
    'Event',
    leaf('SourceIdentifier', event.sourceId),
    leaf('SourceType', event.sourceType),
    leaf('Message', event.message),
    valueList('EventCategories', 'EventCategory', event.categories),
    leaf('Date', iso(event.at)),
    leaf('SourceArn', event.sourceArn),
  );
}
