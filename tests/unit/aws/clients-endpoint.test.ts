/**
 * Guards the local-endpoint contract end to end, in process: with AWS_ENDPOINT_URL_STS and
 * AWS_ENDPOINT_URL_EC2 pointing at a loopback server, the real credential provider must send
 * AssumeRole there with the configured parameters, once per account, and the EC2 calls of every
 * region must be signed with the assumed session.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { createTargetClients } from '../../../handlers/aws/clients';
import { ec2Task } from '../../../handlers/tasks/ec2/task';
import { TEST_CONFIG } from '../../helpers/config';

const ASSUMED_KEY = 'ASIAASSUMEDROLE00001';

interface Seen {
  params: URLSearchParams;
  authorization: string;
}

const ASSUME_ROLE_XML = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${ASSUMED_KEY}</AccessKeyId>
      <SecretAccessKey>assumed-secret</SecretAccessKey>
      <SessionToken>assumed-token</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::222222222222:assumed-role/xacct-ec2-target/session</Arn>
      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>sts-1</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;

const DESCRIBE_XML = `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>ec2-1</requestId>
  <reservationSet/>
</DescribeInstancesResponse>`;

describe('Function: createTargetClients (with AWS_ENDPOINT_URL_*)', () => {
  let server: Server;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        const params = new URLSearchParams(body);
        seen.push({ params, authorization: req.headers.authorization ?? '' });
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(params.get('Action') === 'AssumeRole' ? ASSUME_ROLE_XML : DESCRIBE_XML);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${port}`;
    process.env.AWS_ENDPOINT_URL_EC2 = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_STS;
    delete process.env.AWS_ENDPOINT_URL_EC2;
    server.close();
    await once(server, 'close');
  });

  it('assumes the role once for two concurrent regions and signs EC2 calls with the session', async () => {
    // Prepare
    const clients = createTargetClients({
      config: TEST_CONFIG,
      homeRegion: 'eu-west-1',
      serviceName: 'xacct-ec2',
      stage: 'test',
      requestId: () => 'req-1',
    });

    // Act: concurrently, as the fan-out does
    try {
      await Promise.all(
        ['eu-west-1', 'us-east-1'].map((region) =>
          clients
            .clientFor(ec2Task, { accountId: '222222222222', region })
            .send(new DescribeInstancesCommand({})),
        ),
      );
    } finally {
      clients.destroy();
    }

    // Assess
    const assumeRoles = seen.filter((s) => s.params.get('Action') === 'AssumeRole');
    const describes = seen.filter((s) => s.params.get('Action') === 'DescribeInstances');
    expect(assumeRoles).toHaveLength(1);
    expect(Object.fromEntries(assumeRoles[0]?.params ?? [])).toMatchObject({
      RoleArn: 'arn:aws:iam::222222222222:role/xacct-ec2-target',
      RoleSessionName: 'xacct-ec2-test-req-1',
      ExternalId: 'xacct-ec2-test-222222222222',
      DurationSeconds: '3600',
    });
    // STS is signed for the home region with the base credentials (tests/setup-env.ts).
    expect(assumeRoles[0]?.authorization).toMatch(
      /Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/sts\//,
    );
    const signedWith = describes
      .map((d) => /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(d.authorization)?.slice(1))
      .sort();
    expect(signedWith).toEqual([
      [ASSUMED_KEY, 'eu-west-1'],
      [ASSUMED_KEY, 'us-east-1'],
    ]);
  });
});
