import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  StartDBClusterCommand,
  StartDBInstanceCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import type { PolicyDocument } from '../../resources/home-stack/roles/policy-document';
import { loadSeedFile } from '../../scripts/local-aws';
import type { Authorizer } from '../../scripts/shared/authorization';
import { simulate } from '../../scripts/verify/simulate';
import { createFakeAuthorizer } from './fake-authorizer';
import { failureOf } from './local-aws-fixture';
import { type RdsFixture, startRdsFixture } from './rds-fixture';

/**
 * A least-privilege RDS policy in the form AWS documents (RDS User Guide,
 * UsingWithRDS.IAM.SpecifyingCustomTags; Service Authorization Reference for RDS): Describe*
 * on `*`, start/stop only on DB instances and clusters that carry the control tag, one through
 * aws:ResourceTag, the other through RDS's own rds:cluster-tag key.
 */
const TAG_SCOPED_RDS_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Describe',
      Effect: 'Allow',
      Action: ['rds:DescribeDBInstances', 'rds:DescribeDBClusters', 'rds:DescribeEvents'],
      Resource: '*',
    },
    {
      Sid: 'StartStopTaggedInstances',
      Effect: 'Allow',
      Action: ['rds:StartDBInstance', 'rds:StopDBInstance'],
      Resource: 'arn:aws:rds:*:*:db:*',
      Condition: { StringEquals: { 'aws:ResourceTag/xacct-ec2:managed': 'local' } },
    },
    {
      Sid: 'StartStopTaggedClusters',
      Effect: 'Allow',
      Action: ['rds:StartDBCluster', 'rds:StopDBCluster'],
      Resource: 'arn:aws:rds:*:*:cluster:*',
      Condition: { StringEquals: { 'rds:cluster-tag/xacct-ec2:managed': 'local' } },
    },
  ],
};

/**
 * AssumeRole as the fake authorizer decides it; every RDS call decided by the IAM policy
 * simulator (Strict mode) on the policy above, with the context the endpoint sends.
 */
function simulatingAuthorizer(): Authorizer {
  const fake = createFakeAuthorizer(loadSeedFile());
  return {
    authorizeAssumeRole: (check) => fake.authorizeAssumeRole(check),
    authorizeEc2: (check) => fake.authorizeEc2(check),
    authorizeRequest: (check) =>
      simulate({
        principal: check.callerSessionArn,
        action: check.action,
        resourceArn: check.resourceArn,
        resourceAccountId: check.resourceAccountId,
        context: {
          'aws:PrincipalArn': check.callerRoleArn,
          ...(check.region ? { 'aws:RequestedRegion': check.region } : {}),
          ...Object.fromEntries(
            Object.entries(check.resourceTags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]),
          ),
          ...check.context,
        },
        identityPolicies: [
          { name: 'rds-tag-scoped', source: 'test policy', policy: TAG_SCOPED_RDS_POLICY },
        ],
      }),
  };
}

describe('local-aws: RDS calls decided by a tag-scoped IAM policy (policy simulator)', () => {
  let world: RdsFixture;

  beforeAll(async () => {
    world = await startRdsFixture({ authorizer: simulatingAuthorizer() });
  });

  afterAll(async () => {
    await world.fixture.stop();
  });

  it('allows Describe* and DescribeEvents on *', async () => {
    // Act
    const instances = await world.rds.send(new DescribeDBInstancesCommand({}));
    const clusters = await world.rds.send(new DescribeDBClustersCommand({}));
    const events = await world.rds.send(new DescribeEventsCommand({}));

    // Assess
    expect(instances.DBInstances).toHaveLength(7);
    expect(clusters.DBClusters).toHaveLength(2);
    expect(events.Events).toEqual([]);
  });

  it('allows a stop of a tagged instance (aws:ResourceTag)', async () => {
    // Act
    const answer = await world.rds.send(
      new StopDBInstanceCommand({ DBInstanceIdentifier: 'app-postgres' }),
    );

    // Assess
    expect(answer.DBInstance?.DBInstanceStatus).toBe('stopping');
  });

  it('refuses a start of an untagged instance with AccessDenied (403), and it stays stopped', async () => {
    // Act
    const error = await failureOf(
      world.rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: 'reports-mysql' })),
    );

    // Assess
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'AccessDenied',
      403,
      'User: arn:aws:sts::222222222222:assumed-role/xacct-ec2-local-target/test-session is not authorized to perform: rds:StartDBInstance on resource: arn:aws:rds:eu-west-1:222222222222:db:reports-mysql because no identity-based policy allows the rds:StartDBInstance action',
    ]);
    expect(
      world.fixture.aws.world.rds.findInstance('222222222222', 'eu-west-1', 'reports-mysql')
        ?.status,
    ).toBe('stopped');
  });

  it('refuses a start of an untagged Neptune cluster through rds:cluster-tag', async () => {
    // Prepare: 333333333333 holds the untagged, stopped graph-neptune.
    const policyFor333 = await startRdsFixture({ authorizer: simulatingAuthorizer() });
    try {
      const rds333 = policyFor333.fixture.rds(
        await policyFor333.fixture.assume('333333333333'),
        'eu-central-1',
      );

      // Act
      const error = await failureOf(
        rds333.send(new StartDBClusterCommand({ DBClusterIdentifier: 'graph-neptune' })),
      );

      // Assess: the ARN matches the policy's; the missing tag alone refuses it.
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
      expect(error.message).toContain(
        'arn:aws:rds:eu-central-1:333333333333:cluster:graph-neptune',
      );
    } finally {
      await policyFor333.fixture.stop();
    }
  });

  it('lets a start of a tagged cluster through rds:cluster-tag, on to RDS’s own status rule', async () => {
    // Act
    const error = await failureOf(
      world.rds.send(new StartDBClusterCommand({ DBClusterIdentifier: 'aurora-pg' })),
    );

    // Assess: allowed by the policy, so RDS's own rule answers: it is not stopped.
    expect(error.name).toBe('InvalidDBClusterStateFault');
  });
});
