/**
 * The sample events in tests/events/ are documentation that runs: each valid one must pass the
 * event contract against every stage's configuration, so `sls invoke local --path` works with
 * whichever stage a reader picks, and invalid.json must fail on every mistake it shows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { parseRequest } from '../../handlers/contract/request';
import type { Ec2Request } from '../../handlers/tasks';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { readServerlessYml, STAGES, stageConfig } from './service-config';

const EVENTS_DIR = path.join(REPO_ROOT, 'tests', 'events');
const readEvent = (file: string): unknown =>
  JSON.parse(readFileSync(path.join(EVENTS_DIR, file), 'utf8'));

const DIRECT_EVENTS = [
  'status-all.json',
  'stop-by-tag.json',
  'start-by-ids.json',
  'stop-hibernate.json',
  'dry-run-stop.json',
  'start-wait.json',
];
const HTTP_EVENT = 'http-start.json';
const INVALID_EVENT = 'invalid.json';

/** The request the http handler builds: the body, with the action taken from the path. */
function requestFromHttpEvent(event: APIGatewayProxyEventV2WithIAMAuthorizer): unknown {
  const body = event.body ? (JSON.parse(event.body) as Record<string, unknown>) : {};
  return { ...body, action: event.pathParameters?.action };
}

describe('sample events: tests/events', () => {
  it('contains exactly the documented samples', () => {
    // Act
    const files = readdirSync(EVENTS_DIR).filter((f) => f.endsWith('.json'));

    // Assess
    expect(files.sort()).toEqual([...DIRECT_EVENTS, HTTP_EVENT, INVALID_EVENT].sort());
  });

  describe.each(STAGES)('against the %s stage configuration', (stage) => {
    const config = stageConfig(stage);

    it.each(DIRECT_EVENTS)('%s is a valid request', (file) => {
      // Prepare
      const event = readEvent(file);

      // Act
      const parsed = parseRequest(event, config);

      // Assess
      expect(parsed).toMatchObject({ ok: true });
    });

    it(`${HTTP_EVENT} carries a valid request in its path and body`, () => {
      // Prepare
      const event = readEvent(HTTP_EVENT) as APIGatewayProxyEventV2WithIAMAuthorizer;

      // Act
      const parsed = parseRequest(requestFromHttpEvent(event), config);

      // Assess
      expect(parsed).toMatchObject({ ok: true, value: { action: 'start' } });
    });
  });

  it('each valid sample selects what its name says', () => {
    // Prepare
    const config = stageConfig('dev');
    const parse = (file: string) => {
      const parsed = parseRequest(readEvent(file), config);
      if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.problems)}`);
      // The samples are EC2 requests (they name no task).
      return parsed.value as Ec2Request;
    };

    // Act
    const samples = Object.fromEntries(DIRECT_EVENTS.map((file) => [file, parse(file)]));

    // Assess
    expect(samples['status-all.json']).toMatchObject({ action: 'status', dryRun: false });
    expect(samples['status-all.json']?.targets).toHaveLength(
      config.targets.flatMap((t) => t.regions).length,
    );
    expect(samples['stop-by-tag.json']).toMatchObject({ action: 'stop' });
    expect(samples['stop-by-tag.json']?.tags).toBeDefined();
    expect(samples['start-by-ids.json']).toMatchObject({ action: 'start' });
    // Every ID the sample names, in its order (three, so it shows a list, not one ID).
    const { instanceIds } = readEvent('start-by-ids.json') as { instanceIds: string[] };
    expect(instanceIds).toHaveLength(3);
    expect(samples['start-by-ids.json']?.instanceIds).toEqual(instanceIds);
    expect(samples['stop-hibernate.json']).toMatchObject({ action: 'stop', hibernate: true });
    expect(samples['dry-run-stop.json']).toMatchObject({ action: 'stop', dryRun: true });
    expect(samples['start-wait.json']).toMatchObject({ action: 'start', wait: true });
  });

  it(`${HTTP_EVENT} is an HTTP API payload 2.0 event for the configured IAM-authorised route`, () => {
    // Prepare
    const event = readEvent(HTTP_EVENT) as APIGatewayProxyEventV2WithIAMAuthorizer;
    const route = /^\s+method: (\w+)\n\s+path: (\S+)\n\s+authorizer:\n\s+type: (\w+)/m.exec(
      readServerlessYml(),
    );

    // Act
    const routeKey = `${route?.[1]} ${route?.[2]}`;

    // Assess
    expect(route?.[3]).toBe('aws_iam');
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe(routeKey);
    expect(event.requestContext.routeKey).toBe(routeKey);
    expect(event.requestContext.http.method).toBe(route?.[1]);
    expect(event.rawPath).toBe(`/instances/${event.pathParameters?.action}`);
    expect(event.requestContext.authorizer.iam.userArn).toMatch(/^arn:aws:(sts|iam)::\d{12}:/);
    expect(event.headers['content-type']).toBe('application/json');
    expect(Number(event.headers['content-length'])).toBe(Buffer.byteLength(event.body ?? ''));
  });

  it.each(STAGES)(`${INVALID_EVENT} fails against %s, naming every mistake`, (stage) => {
    // Prepare
    const event = readEvent(INVALID_EVENT);

    // Act
    const parsed = parseRequest(event, stageConfig(stage));

    // Assess
    expect(parsed.ok).toBe(false);
    const fields = parsed.ok ? [] : parsed.problems.map((p) => p.field);
    expect(fields.sort()).toEqual(
      [
        '(root)', // the misspelt "dryrun"
        'action',
        'hibernate',
        'instanceIds[0]',
        'instanceIds[1]',
        'targets.accounts[0]',
        'targets.regions[0]',
        'wait',
      ].sort(),
    );
    const unknown = parsed.ok ? undefined : parsed.problems.find((p) => p.field === '(root)');
    expect(unknown?.message).toContain('"dryrun"');
  });
});
