/**
 * The target clients share one keep-alive connection pool: calls for different accounts to the
 * same endpoint reuse connections, and the pool never caps the fan-out below its concurrency.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { createTargetClients, MIN_SOCKETS_PER_ENDPOINT } from '../../../handlers/aws/clients';
import type { RuntimeConfig } from '../../../handlers/config/stage-config';
import { ec2Task } from '../../../handlers/tasks/ec2/task';
import { TEST_CONFIG } from '../../helpers/config';

const ASSUME_ROLE_XML = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult><Credentials>
    <AccessKeyId>ASIAASSUMEDROLE00001</AccessKeyId><SecretAccessKey>s</SecretAccessKey>
    <SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>
  </Credentials></AssumeRoleResult>
</AssumeRoleResponse>`;
const DESCRIBE_XML = `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>ec2-1</requestId><reservationSet/>
</DescribeInstancesResponse>`;

/** `count` accounts with one region each, and the given concurrency. */
function configWith(count: number, concurrency: number): RuntimeConfig {
  const targets = Array.from({ length: count }, (_, i) => ({
    accountId: String(200_000_000_000 + i),
    regions: ['eu-west-1' as const],
  }));
  return { ...TEST_CONFIG, targets, concurrency };
}

describe('Function: createTargetClients (connections)', () => {
  let server: Server;
  let connections = 0;
  let inFlight = 0;
  let peak = 0;
  /** Describe answers wait until this many are in flight (or 2 s pass), to expose a socket cap. */
  let holdUntil = 0;
  const held: Array<() => void> = [];
  const releaseHeld = () => {
    for (const release of held.splice(0)) release();
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        const assume = new URLSearchParams(body).get('Action') === 'AssumeRole';
        const answer = () => {
          inFlight -= 1;
          res.writeHead(200, { 'content-type': 'text/xml' });
          res.end(assume ? ASSUME_ROLE_XML : DESCRIBE_XML);
        };
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        if (assume) return answer();
        held.push(answer);
        if (inFlight >= holdUntil) releaseHeld();
        else setTimeout(releaseHeld, 2000).unref();
      });
    });
    server.on('connection', () => {
      connections += 1;
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${port}`;
    process.env.AWS_ENDPOINT_URL_EC2 = `http://127.0.0.1:${port}`;
  });

  beforeEach(() => {
    connections = 0;
    peak = 0;
    holdUntil = 0;
  });

  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_STS;
    delete process.env.AWS_ENDPOINT_URL_EC2;
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  const clientsFor = (config: RuntimeConfig) =>
    createTargetClients({
      config,
      homeRegion: 'eu-west-1',
      serviceName: 'xacct-ec2',
      stage: 'test',
      requestId: () => 'req-1',
    });

  it('reuses one connection for the calls of different accounts to the same endpoint', async () => {
    // Prepare
    const config = configWith(3, 4);
    const clients = clientsFor(config);

    // Act: one account after the other, as a fan-out worker does
    try {
      for (const { accountId } of config.targets) {
        await clients
          .clientFor(ec2Task, { accountId, region: 'eu-west-1' })
          .send(new DescribeInstancesCommand({}));
      }
    } finally {
      clients.destroy();
    }

    // Assess: three AssumeRoles and three describes over a single keep-alive connection
    expect(connections).toBe(1);
  });

  it('keeps as many calls in flight as the concurrency allows, beyond the SDK default of 50', async () => {
    // Prepare
    const concurrency = MIN_SOCKETS_PER_ENDPOINT + 10;
    const config = configWith(concurrency, concurrency);
    const clients = clientsFor(config);
    holdUntil = concurrency;

    // Act
    try {
      await Promise.all(
        config.targets.map(({ accountId }) =>
          clients
            .clientFor(ec2Task, { accountId, region: 'eu-west-1' })
            .send(new DescribeInstancesCommand({})),
        ),
      );
    } finally {
      clients.destroy();
    }

    // Assess
    expect(peak).toBe(concurrency);
  });
});
