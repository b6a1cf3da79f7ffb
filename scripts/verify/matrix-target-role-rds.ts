/**
 * Cases for the RDS task on the assumed target role: describe DB instances and clusters is
 * allowed, start and stop only a control-tagged DB instance or Aurora cluster of the stage's
 * regions; untagged or wrongly tagged ones, other regions and every other RDS action are denied.
 * The `db` and `cluster` resources accept aws:ResourceTag (Service Authorization Reference, RDS).
 */

import type { HintId } from './hints';
import {
  DB_CLUSTER_ID,
  DB_INSTANCE_ID,
  type Expected,
  type MatrixCase,
  otherValue,
  sessionArn,
} from './matrix-case';
import { OUTSIDE_REGIONS } from './matrix-target-role';
import type { LoadedWorld } from './policy-authorizer';
import type { RenderedTargetRole } from './target-role';

export function rdsCases(
  loaded: LoadedWorld,
  role: RenderedTargetRole,
  region: string,
  firstRegion: boolean,
): MatrixCase[] {
  const { stage } = loaded;
  const { controlTagKey: key, controlTagValue: value } = stage.config;
  const account = role.accountId;
  const arn = (where: string, kind: 'db' | 'cluster') =>
    `arn:${stage.partition}:rds:${where}:${account}:${kind}:${kind === 'db' ? DB_INSTANCE_ID : DB_CLUSTER_ID}`;
  const session = sessionArn(role.roleArn, `${stage.service}-${stage.stage}`);
  const tagged = { [key]: value };
  const request = (
    id: string,
    title: string,
    action: string,
    expected: Expected,
    resource: string,
    tags: Record<string, string> | undefined,
    ifAllowed: HintId,
    where = region,
  ): MatrixCase => ({
    id,
    title,
    target: account,
    principal: 'target role session',
    action,
    resource,
    expected,
    ifAllowed,
    ifDenied: 'rds',
    run: (a) =>
      a.authorizeRequest({
        callerSessionArn: session,
        callerRoleArn: role.roleArn,
        action,
        resourceArn: resource,
        resourceAccountId: account,
        region: where,
        ...(tags ? { resourceTags: tags } : {}),
      }),
  });

  const cases: MatrixCase[] = [
    request(
      'rds/describe-instances',
      'describe DB instances',
      'rds:DescribeDBInstances',
      'Allowed',
      '*',
      undefined,
      'targetRoleTooPowerful',
    ),
    request(
      'rds/describe-clusters',
      'describe DB clusters',
      'rds:DescribeDBClusters',
      'Allowed',
      '*',
      undefined,
      'targetRoleTooPowerful',
    ),
  ];
  const changes = [
    ['rds:StartDBInstance', 'start', 'db', 'DB instance', 'a'],
    ['rds:StopDBInstance', 'stop', 'db', 'DB instance', 'a'],
    ['rds:StartDBCluster', 'start', 'cluster', 'Aurora cluster', 'an'],
    ['rds:StopDBCluster', 'stop', 'cluster', 'Aurora cluster', 'an'],
  ] as const;
  for (const [action, verb, kind, noun, article] of changes) {
    const resource = arn(region, kind);
    cases.push(
      request(
        `rds/${verb}-${kind}-tagged`,
        `${verb} a control-tagged ${noun}`,
        action,
        'Allowed',
        resource,
        tagged,
        'rdsControlTagNotEnforced',
      ),
      request(
        `rds/${verb}-${kind}-untagged`,
        `${verb} ${article} ${noun} without the control tag`,
        action,
        'Denied',
        resource,
        {},
        'rdsControlTagNotEnforced',
      ),
      request(
        `rds/${verb}-${kind}-wrong-tag`,
        `${verb} ${article} ${noun} with another tag value`,
        action,
        'Denied',
        resource,
        { [key]: otherValue(value) },
        'rdsControlTagNotEnforced',
      ),
    );
  }
  if (!firstRegion) return cases;
  const regions = stage.config.targets.find((t) => t.accountId === account)?.regions ?? [region];
  const outside = OUTSIDE_REGIONS.find((r) => !regions.includes(r));
  if (outside) {
    cases.push(
      request(
        'rds/stop-db-outside-regions',
        `stop a control-tagged DB instance outside the stage regions (${outside})`,
        'rds:StopDBInstance',
        'Denied',
        arn(outside, 'db'),
        tagged,
        'regionsNotEnforced',
        outside,
      ),
      request(
        'rds/describe-outside-regions',
        `describe DB instances outside the stage regions (${outside})`,
        'rds:DescribeDBInstances',
        'Denied',
        '*',
        undefined,
        'regionsNotEnforced',
        outside,
      ),
    );
  }
  // What the role was never meant to do to a control-tagged database.
  const forbidden: [string, string, 'db' | 'cluster'][] = [
    ['rds:DeleteDBInstance', 'delete a DB instance', 'db'],
    ['rds:ModifyDBInstance', 'modify a DB instance', 'db'],
    ['rds:RebootDBInstance', 'reboot a DB instance', 'db'],
    ['rds:AddTagsToResource', 'tag a DB instance into scope', 'db'],
    ['rds:RemoveTagsFromResource', 'remove tags from a cluster', 'cluster'],
    ['rds:DeleteDBCluster', 'delete an Aurora cluster', 'cluster'],
  ];
  for (const [action, title, kind] of forbidden) {
    cases.push(
      request(
        `forbidden/${action}`,
        title,
        action,
        'Denied',
        arn(region, kind),
        tagged,
        'targetRoleTooPowerful',
      ),
    );
  }
  return cases;
}
