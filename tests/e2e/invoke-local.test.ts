/**
 * `sls invoke local` runs the bundled handlers (serverless-esbuild bundles first) inside the CLI.
 * With no credentials at all, a valid request must still come back as a structured result in
 * which every target failed with a diagnosis, never a crash and never a leaked secret; an
 * invalid request must fail before any AWS call, listing every field.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../../handlers/core/results';
import { createServiceDir } from '../../scripts/lib/local-run/service-dir';
import { REPO_ROOT } from '../../scripts/lib/repo-root';
import { runAll } from '../helpers/run-all';
import {
  CREDENTIAL_PATTERNS,
  jsonValuesIn,
  lastJsonObject,
  runSls,
  type SlsResult,
} from '../helpers/sls';
import { stageConfig } from '../package/service-config';

const STAGE = 'dev';
const event = (file: string) => path.join(REPO_ROOT, 'tests', 'events', file);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isRunResult = (value: unknown): value is RunResult =>
  isRecord(value) && isRecord(value.summary) && Array.isArray(value.targets);
const isHttpResponse = (value: unknown): value is { statusCode: number; body: string } =>
  isRecord(value) && typeof value.statusCode === 'number' && typeof value.body === 'string';
const isLambdaError = (value: unknown): value is { errorMessage: string; errorType: string } =>
  isRecord(value) && typeof value.errorMessage === 'string';

interface Invocation {
  fn: 'instances' | 'http';
  file: string;
}

const INVOCATIONS = {
  status: { fn: 'instances', file: 'status-all.json' },
  invalid: { fn: 'instances', file: 'invalid.json' },
  http: { fn: 'http', file: 'http-start.json' },
} satisfies Record<string, Invocation>;
type Name = keyof typeof INVOCATIONS;

/** Every configured (account, region) pair of the stage, as the result lists targets. */
function configuredPairs(accounts?: string[]) {
  return stageConfig(STAGE)
    .targets.filter((t) => !accounts || accounts.includes(t.accountId))
    .flatMap((t) => t.regions.map((region) => ({ accountId: t.accountId, region })));
}

function expectCredentialFailures(result: RunResult, accounts?: string[]) {
  const pairs = configuredPairs(accounts);
  expect(result.targets.map((t) => ({ accountId: t.accountId, region: t.region }))).toEqual(pairs);
  for (const target of result.targets) {
    expect(target.status).toBe('failed');
    expect(target.instances).toEqual([]);
    expect(target.error?.code).toBe('CredentialsProviderError');
    expect(target.error?.checks.join('\n')).toMatch(/credentials/i);
  }
  expect(result.summary).toMatchObject({ targets: pairs.length, targetsFailed: pairs.length });
}

function expectNoCredentials(run: SlsResult) {
  const text = `${run.stdout}\n${run.stderr}`;
  for (const pattern of CREDENTIAL_PATTERNS) expect(text).not.toMatch(pattern);
}

describe('sls invoke local (bundled, no AWS credentials)', () => {
  const runs = new Map<Name, SlsResult>();
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    // Act: each run gets its own service copy, so the bundles in .esbuild/ do not collide.
    await runAll(
      Object.entries(INVOCATIONS) as Array<[Name, Invocation]>,
      2,
      async ([name, inv]) => {
        const service = await createServiceDir();
        cleanups.push(service.remove);
        const run = await runSls(
          service,
          ['invoke', 'local', '-f', inv.fn, '--path', event(inv.file), '--stage', STAGE],
          { timeoutMs: 150_000 },
        );
        runs.set(name, run);
      },
    );
  }, 300_000);

  afterAll(async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
  });

  const get = (name: Name): SlsResult => {
    const run = runs.get(name);
    if (!run) throw new Error(`${name} did not run`);
    return run;
  };

  describe('instances with tests/events/status-all.json', () => {
    it('returns a structured result, not a crash', () => {
      // Act
      const run = get('status');

      // Assess
      expect({ code: run.code, timedOut: run.timedOut }).toEqual({ code: 0, timedOut: false });
      expect(() => lastJsonObject(run.stdout, isRunResult)).not.toThrow();
    });

    it('reports every configured target as failed, with a diagnosis about missing credentials', () => {
      // Act
      const result = lastJsonObject(get('status').stdout, isRunResult);

      // Assess
      expect(result).toMatchObject({ action: 'status', dryRun: false, unmatchedInstanceIds: [] });
      expectCredentialFailures(result);
    });

    it('logs a structured line per target and one summary line, with the same request ID', () => {
      // Prepare
      const run = get('status');
      const result = lastJsonObject(run.stdout, isRunResult);
      // Targets with problems log at WARN, which Powertools writes to stderr.
      const lines = jsonValuesIn(`${run.stdout}\n${run.stderr}`).filter(isRecord);

      // Act
      const summary = lines.filter((v) => v.message === 'run finished');
      const targets = lines.filter((v) => v.message === 'target finished');

      // Assess
      expect(summary).toHaveLength(1);
      expect(summary[0]).toMatchObject({
        level: 'INFO',
        service: 'xacct-ec2',
        run: { requestId: result.requestId, targetCount: result.targets.length },
      });
      expect(targets).toHaveLength(result.targets.length);
      for (const line of targets) expect(line).toMatchObject({ requestId: result.requestId });
    });

    it('prints nothing that looks like a credential', () => {
      // Assess
      expectNoCredentials(get('status'));
    });
  });

  describe('instances with tests/events/invalid.json', () => {
    it('fails before any AWS call, listing every invalid field', () => {
      // Prepare
      const run = get('invalid');

      // Act
      const error = lastJsonObject(run.stdout + run.stderr, isLambdaError);

      // Assess
      expect(run.code).not.toBe(0);
      expect(run.timedOut).toBe(false);
      expect(error.errorMessage).toMatch(/^invalid request \(8 problem\(s\)\)/);
      for (const field of [
        'action',
        'targets.accounts[0]',
        'targets.regions[0]',
        'instanceIds[0]',
        'instanceIds[1]',
        'hibernate',
        'wait',
        '(root)',
      ]) {
        expect(error.errorMessage).toContain(`- ${field}: `);
      }
      expect(error.errorMessage).toContain('"dryrun"');
      expect(jsonValuesIn(run.stdout).filter(isRunResult)).toEqual([]);
      expect(run.stdout + run.stderr).not.toMatch(/CredentialsProviderError|sts\.|AssumeRole/);
    });
  });

  describe('http with tests/events/http-start.json', () => {
    it('starts from an event that does carry credential-looking values', () => {
      // Prepare: the no-leak assertions below must be able to fail.
      const raw = readFileSync(event(INVOCATIONS.http.file), 'utf8');

      // Act
      const caught = CREDENTIAL_PATTERNS.filter((pattern) => pattern.test(raw));

      // Assess
      expect(caught.length).toBeGreaterThanOrEqual(3);
    });

    it('stops before running, naming the engine ARN that only the deployed stack can resolve', () => {
      // Prepare: the http function's ENGINE_STATE_MACHINE_ARN is !Ref EngineStateMachine, which
      // sls invoke local resolves through CloudFormation (ListStackResources): no stack here.
      const run = get('http');

      // Act
      const output = run.stdout + run.stderr;

      // Assess
      expect(run.code).not.toBe(0);
      expect(output).toContain('ENGINE_STATE_MACHINE_ARN');
      expect(jsonValuesIn(run.stdout).filter(isHttpResponse)).toEqual([]);
    });

    it("leaks none of the event's credential-looking values while failing", () => {
      // Prepare
      const run = get('http');

      // Assess: the audit line itself is unit-tested (tests/unit/http.test.ts)
      expectNoCredentials(run);
      expect(run.stdout + run.stderr).not.toContain('Signature=');
    });
  });
});
