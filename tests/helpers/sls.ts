/**
 * Runs the real osls CLI (node_modules/serverless, through scripts/lib/local-run, as the scripts
 * do) the way a fresh clone in CI would: no AWS credentials, no profile, an empty HOME, no TTY,
 * no stdin, and a timeout.
 *
 * - The child's environment is built from the scripts' allow-list (cliEnvironment), not
 *   inherited: the Jest setup file puts test credentials, STAGE_CONFIG and fast waiter delays into
 *   process.env, and none of that may leak into a CLI run. Every AWS_* variable is therefore absent unless a caller passes it in
 *   `env` (a later suite passes AWS_ENDPOINT_URL_* and test keys for a local endpoint).
 * - AWS_EC2_METADATA_DISABLED=true is the one AWS_* variable set by default: without credentials
 *   the SDK's default chain would otherwise ask the instance metadata service, which on a cloud
 *   CI runner could hand out the runner's own role, and which is traffic off this machine.
 * - Parallel runs must not share one service directory: serverless-esbuild builds in `.esbuild/`
 *   and `sls package` deletes that folder when it finishes. `createServiceCopy` makes a private
 *   copy of the service (node_modules symlinked) for each run that bundles.
 */
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cliEnvironment } from '../../scripts/lib/local-run/cli-env';
import { jsonValuesIn } from '../../scripts/lib/local-run/invoke-output';
import { runSls as runSlsCli, type SlsRunResult } from '../../scripts/lib/local-run/sls-cli';

export { jsonValuesIn };

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface SlsOptions {
  /** Service directory to run in (default: the repository). */
  cwd?: string;
  /** Extra variables for the child, added after the clean base (may include AWS_*). */
  env?: Record<string, string>;
  /** Kill the CLI (and its children) after this long. Default 120 s. */
  timeoutMs?: number;
  /** `--package <dir>`: write the artifacts here instead of `<service>/.serverless`. */
  packageDir?: string;
}

/** What a run printed and how it ended (exit code null when killed by a signal, e.g. on timeout). */
export type SlsResult = SlsRunResult;

/** The environment a CLI run gets: clean, CI-like, credential-free (the scripts' allow-list). */
export function slsEnvironment(
  home: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return cliEnvironment(home, extra);
}

/** Runs `sls <args>` with a throw-away HOME and resolves with its output; never rejects for a non-zero exit. */
export async function runSls(
  args: readonly string[],
  options: SlsOptions = {},
): Promise<SlsResult> {
  const fullArgs = [...args, ...(options.packageDir ? ['--package', options.packageDir] : [])];
  const home = await mkdtemp(path.join(tmpdir(), 'xacct-ec2-home-'));
  try {
    return await runSlsCli(fullArgs, {
      cwd: options.cwd ?? REPO_ROOT,
      env: slsEnvironment(home, options.env),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** A one-line description of a run, for assertion messages. */
export function describeRun(result: SlsResult): string {
  const how = result.timedOut ? 'timed out' : `exited ${result.code ?? result.signal}`;
  return `sls ${result.args.join(' ')} ${how} after ${result.durationMs} ms\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

export interface ServiceCopy {
  dir: string;
  remove(): Promise<void>;
}

/** What a service copy needs besides serverless.yml; node_modules is linked, not copied. */
const SERVICE_FILES = ['package.json', 'tsconfig.json', 'handlers', 'scripts', 'resources'];

/**
 * A private copy of the service in a temp directory, optionally with an edited serverless.yml,
 * so a run can bundle without racing other runs over `.esbuild/` and `.serverless/`.
 */
export async function createServiceCopy(
  options: { editServerlessYml?: (text: string) => string } = {},
): Promise<ServiceCopy> {
  const dir = await mkdtemp(path.join(tmpdir(), 'xacct-ec2-service-'));
  await Promise.all(
    SERVICE_FILES.map((name) =>
      cp(path.join(REPO_ROOT, name), path.join(dir, name), { recursive: true }),
    ),
  );
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const yml = await readFile(path.join(REPO_ROOT, 'serverless.yml'), 'utf8');
  await writeFile(
    path.join(dir, 'serverless.yml'),
    options.editServerlessYml ? options.editServerlessYml(yml) : yml,
  );
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs `fn` over `items` with at most `limit` at once (the CI machine has two cores). */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The last JSON object in the output that satisfies `accept` (e.g. has `summary`). */
export function lastJsonObject<T>(text: string, accept: (value: unknown) => value is T): T {
  const match = jsonValuesIn(text).filter(accept).at(-1);
  if (match === undefined) {
    throw new Error(`no matching JSON object in the CLI output:\n${text}`);
  }
  return match;
}

/**
 * Credential values as they would appear in text: access key IDs, `key = value` dumps of a
 * credentials file or environment, SDK credential objects, and STS session tokens. Names alone
 * (a diagnosis may advise setting AWS_SECRET_ACCESS_KEY) do not match.
 */
export const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/,
  /\baws_(?:secret_access_key|session_token)\s*[=:]\s*\S/i,
  /"(?:secretAccessKey|SecretAccessKey|sessionToken|SessionToken)"\s*:\s*"[^"]/,
  /\b(?:IQoJb3JpZ2lu|FwoGZXIvYXdz)[\w+/=]+/,
  /x-amz-security-token["']?\s*[:=]/i,
];
