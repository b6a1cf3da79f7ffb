import type { TemporaryCredentials } from '../../scripts/local-aws';
import { type RdsFixture, startRdsFixture } from './rds-fixture';
import { sendSignedQuery } from './signed-query';

const RDS_NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';

/** What the SDK will not send: RDS must refuse it as AWS's Query services do, in RDS's XML. */
describe('local-aws: RDS requests written by hand (wire format and strictness)', () => {
  let world: RdsFixture;
  let target: TemporaryCredentials;

  beforeAll(async () => {
    world = await startRdsFixture();
    target = await world.fixture.assume('222222222222');
  });

  afterAll(async () => {
    await world.fixture.stop();
  });

  const send = (form: Record<string, string>, credentials = target) =>
    sendSignedQuery({
      url: world.fixture.aws.url,
      service: 'rds',
      region: 'eu-west-1',
      credentials,
      form,
    });

  it('answers in the RDS namespace, the result inside <XResult> next to ResponseMetadata', async () => {
    // Act
    const answer = await send({
      Action: 'DescribeDBClusters',
      Version: '2014-10-31',
      'Filters.Filter.1.Name': 'db-cluster-id',
      'Filters.Filter.1.Values.Value.1': 'aurora-sls',
    });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(
      new RegExp(
        `^<DescribeDBClustersResponse xmlns="${RDS_NAMESPACE}"><DescribeDBClustersResult><DBClusters><DBCluster>.*</DBCluster></DBClusters></DescribeDBClustersResult><ResponseMetadata><RequestId>[0-9a-f-]{36}</RequestId></ResponseMetadata></DescribeDBClustersResponse>$`,
      ),
    );
    expect(answer.body).toContain('<DBClusterIdentifier>aurora-sls</DBClusterIdentifier>');
  });

  it('answers an error as <ErrorResponse> with Type, Code, Message and RequestId', async () => {
    // Act
    const answer = await send({
      Action: 'StopDBInstance',
      Version: '2014-10-31',
      DBInstanceIdentifier: 'aurora-pg-writer',
    });

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(
      new RegExp(
        `^<ErrorResponse xmlns="${RDS_NAMESPACE}"><Error><Type>Sender</Type><Code>InvalidParameterCombination</Code><Message>aurora-postgresql DB instances are not eligible for stopping and starting.</Message></Error><RequestId>[0-9a-f-]{36}</RequestId></ErrorResponse>$`,
      ),
    );
  });

  it('refuses a misspelt parameter with UnknownParameter and stops nothing', async () => {
    // Act
    const answer = await send({
      Action: 'StopDBInstance',
      Version: '2014-10-31',
      DBInstanceIdentifier: 'app-postgres',
      DBSnapshotIdentifer: 'before-stop',
    });

    // Assess
    expect([answer.status, answer.code]).toEqual([400, 'UnknownParameter']);
    expect(
      world.fixture.aws.world.rds.findInstance('222222222222', 'eu-west-1', 'app-postgres')?.status,
    ).toBe('available');
  });

  it('refuses another Version, an action it does not serve, and a missing identifier', async () => {
    // Act
    const oldVersion = await send({ Action: 'DescribeDBInstances', Version: '2013-09-09' });
    const deletion = await send({
      Action: 'DeleteDBInstance',
      Version: '2014-10-31',
      DBInstanceIdentifier: 'app-postgres',
    });
    const noId = await send({ Action: 'StartDBInstance', Version: '2014-10-31' });

    // Assess
    expect([oldVersion.status, oldVersion.code]).toEqual([400, 'InvalidAction']);
    expect([deletion.status, deletion.code]).toEqual([400, 'InvalidAction']);
    expect([noId.status, noId.code, noId.message]).toEqual([
      400,
      'MissingParameter',
      'The request must contain the parameter DBInstanceIdentifier',
    ]);
  });

  it('refuses a wrong signature with SignatureDoesNotMatch (403) in RDS’s shape', async () => {
    // Act
    const answer = await send(
      { Action: 'DescribeDBInstances', Version: '2014-10-31' },
      { ...target, secretAccessKey: 'not-the-secret' },
    );

    // Assess
    expect([answer.status, answer.code]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(answer.body).toContain(`<ErrorResponse xmlns="${RDS_NAMESPACE}">`);
  });
});
