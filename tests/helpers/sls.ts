/**
 * Runs the real osls CLI (node_modules/serverless, through scripts/run-local, as the scripts
 * do) the way a fresh clone in CI would: in a private service directory (createServiceDir), with
 * no AWS credentials, no profile, an empty HOME, no TTY, no stdin, and a timeout.
 *
 * - The child's environment is built from the scripts' allow-list (cliEnvironment), not
 *   inherited: the Jest setup file puts test credentials, STAGE_CONFIG and fast waiter delays into
 *   process.env, and none of that may leak into a CLI run. Every AWS_* variable is therefore
 *   absent unless a caller passes it in `env`; AWS_EC2_METADATA_DISABLED=true is the one set by
 *   default, so that the SDK never asks a cloud runner's instance metadata for its role.
 * - Parallel runs must not share one service directory: serverless-esbuild builds in `.esbuild/`
 *   and `sls package` deletes that folder when it finishes. Each run that bundles gets its own.
 */
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { jsonValuesIn } from '../../scripts/run-local/invoke-output';
import { cliEnvironment } from '../../scripts/shared/stack/cli-env';
import type { ServiceDir } from '../../scripts/shared/stack/service-dir';
import {
  describeRun,
  runSls as runSlsCli,
  type SlsRunResult,
} from '../../scripts/shared/stack/sls-cli';

export { describeRun, jsonValuesIn };

export interface SlsOptions {
  /** Extra variables for the child, added after the clean base (may include AWS_*). */
  env?: Record<string, string>;
  /** Kill the CLI (and its children) after this long. Default 120 s. */
  timeoutMs?: number;
  /** `--package <dir>`: write the artifacts here instead of `<service>/.serverless`. */
  packageDir?: string;
}

/** What a run printed and how it ended (exit code null when killed by a signal, e.g. on timeout). */
export type SlsResult = SlsRunResult;

/** Runs `sls <args>` in `service`; resolves with its output, never rejects for a non-zero exit. */
export async function runSls(
  service: ServiceDir,
  args: readonly string[],
  options: SlsOptions = {},
): Promise<SlsResult> {
  const fullArgs = [...args, ...(options.packageDir ? ['--package', options.packageDir] : [])];
  // A HOME per run, removed with the service: parallel runs in one service share no osls state.
  const home = await mkdtemp(path.join(service.dir, '.home-'));
  return runSlsCli(fullArgs, {
    cwd: service.dir,
    env: cliEnvironment(home, options.env),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
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
