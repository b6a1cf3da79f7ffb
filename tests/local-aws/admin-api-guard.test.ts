import { request as httpRequest } from 'node:http';
import { type Fixture, startFixture } from './local-aws-fixture';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** node:http, not fetch: fetch will not send a Host header of our choosing. */
function send(
  url: string,
  options: { method: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(options.path, url),
      { method: options.method, headers: options.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('local-aws: the admin API refuses web pages', () => {
  let fixture: Fixture;

  beforeEach(async () => {
    fixture = await startFixture();
  });

  afterEach(async () => {
    await fixture.stop();
  });

  const ADMIN = { 'x-local-aws-admin': '1' };

  it('refuses a cross-site form post (no admin header, text/plain) and changes nothing', async () => {
    // Act
    const answer = await send(fixture.aws.url, {
      method: 'POST',
      path: '/_local/faults',
      headers: { 'content-type': 'text/plain', origin: 'https://attacker.example' },
      body: JSON.stringify({ serverErrorRate: 1 }),
    });

    // Assess
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({
      error: expect.stringContaining("requires the header 'x-local-aws-admin: 1'"),
    });
    expect(fixture.aws.faults.current().serverErrorRate).toBe(0);
  });

  it('refuses a plain GET without the header (a page could read it through a DNS-rebound name)', async () => {
    // Act
    const answer = await send(fixture.aws.url, { method: 'GET', path: '/_local/state' });

    // Assess
    expect(answer.status).toBe(403);
    expect(answer.body).not.toContain('accounts');
  });

  it('refuses a non-loopback Host even with the header (DNS rebinding)', async () => {
    // Prepare
    const before = fixture.clock.now();

    // Act
    const answer = await send(fixture.aws.url, {
      method: 'POST',
      path: '/_local/clock',
      headers: { ...ADMIN, host: `rebound.attacker.example:${fixture.aws.port}` },
      body: JSON.stringify({ advanceMs: 60_000 }),
    });

    // Assess
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toEqual({
      error: expect.stringContaining("not 'rebound.attacker.example:"),
    });
    expect(fixture.clock.now()).toBe(before);
  });

  it('answers a CORS preflight without granting any origin', async () => {
    // Act
    const answer = await send(fixture.aws.url, {
      method: 'OPTIONS',
      path: '/_local/faults',
      headers: {
        origin: 'https://attacker.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-local-aws-admin',
      },
    });

    // Assess
    expect(answer.status).toBe(403);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers['access-control-allow-headers']).toBeUndefined();
  });

  it.each(['127.0.0.1', 'localhost'])(
    'serves a local tool that sends the header with Host %s',
    async (hostname) => {
      // Act
      const answer = await send(fixture.aws.url, {
        method: 'POST',
        path: '/_local/faults',
        headers: { ...ADMIN, host: `${hostname}:${fixture.aws.port}` },
        body: JSON.stringify({ latencyMs: 5 }),
      });

      // Assess
      expect(answer.status).toBe(200);
      expect(fixture.aws.faults.current().latencyMs).toBe(5);
    },
  );
});
