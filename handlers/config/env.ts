/**
 * The function's environment, read once at cold start. A missing or invalid value fails the
 * init phase with a message naming the variable, rather than failing every invocation later.
 * Nothing below handlers/core reads process.env: it receives what it needs from here.
 */
import { bundledConfigJson } from './bundled-config';
import { InvalidConfigurationError, MissingEnvironmentError } from './errors';
import { parseStageConfig, type RuntimeConfig, toRuntimeConfig } from './stage-config';

type Env = Readonly<Record<string, string | undefined>>;

/** Default for EC2 clients: the SDK's standard mode retries throttling and 5xx with backoff. */
export const DEFAULT_MAX_ATTEMPTS = 5;
/** Waiter polling bounds (seconds). EC2 start/stop typically settles within 30-90 s. */
export const DEFAULT_WAITER_MIN_DELAY_SECONDS = 5;
export const DEFAULT_WAITER_MAX_DELAY_SECONDS = 15;

export interface Environment {
  serviceName: string;
  stage: string;
  /** The region the function runs in; STS is called here (regional endpoint). */
  homeRegion: string;
  config: RuntimeConfig;
  /** Attempts per EC2 call, first try included (AWS_MAX_ATTEMPTS, default 5). */
  maxAttempts: number;
  waiter: { minDelaySeconds: number; maxDelaySeconds: number };
}

export function requireEnv(name: string, env: Env = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new MissingEnvironmentError(name);
  return value;
}

function optionalNumber(
  name: string,
  env: Env,
  fallback: number,
  check: (n: number) => boolean,
  expected: string,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || !check(value)) {
    throw new InvalidConfigurationError(`environment variable ${name}`, [
      { field: name, message: `is "${raw}"; expected ${expected}` },
    ]);
  }
  return value;
}

/** Where the runtime configuration came from, for messages. */
export type ConfigSource = 'bundle' | 'environment variable STAGE_CONFIG';

/** Parses the runtime configuration (the stage config without schedules, as resources/home-stack/stage-config.cjs writes it). */
export function parseRuntimeConfig(
  json: string,
  source: ConfigSource = 'environment variable STAGE_CONFIG',
): RuntimeConfig {
  const field = source === 'bundle' ? 'bundled stage config' : 'STAGE_CONFIG';
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new InvalidConfigurationError(
      source,
      [
        {
          field,
          message: `is not valid JSON (${err instanceof Error ? err.message : String(err)}); package and deploy again so serverless.yml writes it again`,
        },
      ],
      { cause: err },
    );
  }
  const parsed = parseStageConfig(raw, field);
  if (!parsed.ok) throw new InvalidConfigurationError(source, parsed.problems);
  return toRuntimeConfig(parsed.value);
}

/**
 * The configuration `sls package` bundled into the artifact. STAGE_CONFIG, when set, takes its
 * place: unbundled runs (the tests, tsx) have no bundle, and the benchmark runs a packaged bundle
 * against worlds of its own. Deployed functions do not set it.
 */
export function readRuntimeConfig(
  env: Env = process.env,
  scope: object = globalThis,
): RuntimeConfig {
  const fromEnvironment = env.STAGE_CONFIG;
  if (fromEnvironment !== undefined && fromEnvironment.trim() !== '') {
    return parseRuntimeConfig(fromEnvironment);
  }
  const bundled = bundledConfigJson(scope);
  if (bundled === undefined) {
    throw new InvalidConfigurationError('the stage configuration', [
      {
        field: 'bundled stage config',
        message:
          'is missing: the bundle was not built by `sls package` with serverless.yml (custom.esbuild.banner); set STAGE_CONFIG to run the handlers unbundled',
      },
    ]);
  }
  return parseRuntimeConfig(bundled, 'bundle');
}

export function readEnvironment(env: Env = process.env): Environment {
  const minDelaySeconds = optionalNumber(
    'WAITER_MIN_DELAY_SECONDS',
    env,
    DEFAULT_WAITER_MIN_DELAY_SECONDS,
    (n) => n > 0,
    'a number of seconds greater than 0',
  );
  return {
    serviceName: requireEnv('SERVICE_NAME', env),
    stage: requireEnv('STAGE', env),
    homeRegion: requireEnv('AWS_REGION', env),
    config: readRuntimeConfig(env),
    maxAttempts: optionalNumber(
      'AWS_MAX_ATTEMPTS',
      env,
      DEFAULT_MAX_ATTEMPTS,
      (n) => Number.isInteger(n) && n >= 1 && n <= 10,
      'a whole number from 1 to 10',
    ),
    waiter: {
      minDelaySeconds,
      maxDelaySeconds: optionalNumber(
        'WAITER_MAX_DELAY_SECONDS',
        env,
        Math.max(DEFAULT_WAITER_MAX_DELAY_SECONDS, minDelaySeconds),
        (n) => n >= minDelaySeconds,
        `a number of seconds not below WAITER_MIN_DELAY_SECONDS (${minDelaySeconds})`,
      ),
    },
  };
}

/** Evaluated on first import, i.e. during the Lambda init phase. */
export const environment: Environment = readEnvironment();
