/**
 * `sls invoke local` runs the bundled handlers (serverless-esbuild bundles first) inside the CLI.
 * With no credentials at all, a valid request must still come back as a structured result in
 * which every target failed with a diagnosis, never a crash and never a leaked secret; an
 * invalid request must fail before any AWS call, listing every field.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../../handlers/core/results';
import { REPO_ROOT } from '../../scripts/shared/repo-root';
import { createServiceDir } from '../../scripts/shared/stack/service-dir';
import { runAll } from '../helpers/run-all';
import {
  CREDENTIAL_PATTERNS,
  jsonValuesIn,
  lastJsonObject,
  runSls,
  type SlsResult,
} from '../helpers/sls';

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
    // The stage's pause switch is read before any target call and fails closed
    // (handlers/aws/pause-gate.ts): `sls invoke local` carries no function ARN and, here, no
    // credentials, so the run is refused as a whole, saying why and how to run it locally.
    it('is refused before any target call: the pause switch cannot be read, and it fails closed', () => {
      // Act
      const run = get('status');
      const error = lastJsonObject(run.stdout, isLambdaError);

      // Assess
      expect({ code: run.code, timedOut: run.timedOut }).toEqual({ code: 1, timedOut: false });
      expect(error).toMatchObject({ errorType: 'PauseSwitchUnreadableError' });
      expect(error.errorMessage).toContain("the stage's pause switch");
      expect(error.errorMessage).toContain('no run starts until it can');
    });

    it('names the way to run it with sls invoke local: the engine ARN by --env', () => {
      // Act
      const error = lastJsonObject(get('status').stdout, isLambdaError);

      // Assess
      expect(error.errorMessage).toContain(
        '--env ENGINE_STATE_MACHINE_ARN=arn:<partition>:states:<region>:<account>:stateMachine:xacct-ec2-dev-engine',
      );
      expect(jsonValuesIn(get('status').stdout).filter(isRunResult)).toEqual([]);
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
      const caught = CREDENTIAL_PATTERNS.map((pattern) => pattern.test(raw));

      // Assess: an access key ID (ASIA...), a session token (IQoJ...) and its header; the
      // event holds no secret key and no credentials file line.
      expect(caught).toEqual([true, false, false, true, true]);
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
