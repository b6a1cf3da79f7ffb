/**
 * The engine's settings, read once at cold start from the functions' environment (serverless.yml
 * sets them from the stage params); a bad value fails the init phase, naming the variable.
 */
import { InvalidConfigurationError } from '../config/errors';
import { type BatchSizing, DEFAULT_SIZING } from './batches';

export interface EngineSettings {
  /** Seconds the parent waits between re-checks (a Wait state: no Lambda sleeps). */
  waitSeconds: number;
  /** Re-check rounds at most; waitSeconds x maxChecks bounds the waiting (default 20 x 30 s = 10 min). */
  maxChecks: number;
  /** How targets are cut into work items; plan and workers must read the same values. */
  sizing: BatchSizing;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  waitSeconds: 30,
  maxChecks: 20,
  sizing: DEFAULT_SIZING,
};

type Env = Readonly<Record<string, string | undefined>>;

function wholeNumber(name: string, env: Env, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidConfigurationError(`environment variable ${name}`, [
      { field: name, message: `is "${raw}"; expected a whole number from ${min} to ${max}` },
    ]);
  }
  return value;
}

export function readEngineSettings(env: Env = process.env): EngineSettings {
  return {
    waitSeconds: wholeNumber(
      'ENGINE_WAIT_SECONDS',
      env,
      DEFAULT_ENGINE_SETTINGS.waitSeconds,
      1,
      3600,
    ),
    maxChecks: wholeNumber('ENGINE_MAX_CHECKS', env, DEFAULT_ENGINE_SETTINGS.maxChecks, 0, 1000),
    sizing: {
      ...DEFAULT_SIZING,
      maxTargetsPerBatch: wholeNumber(
        'ENGINE_MAX_TARGETS_PER_BATCH',
        env,
        DEFAULT_SIZING.maxTargetsPerBatch,
        1,
        1000,
      ),
    },
  };
}
