import {
  DEFAULT_MAX_ATTEMPTS,
  environment,
  readEnvironment,
  requireEnv,
} from '../../../handlers/config/env';
import {
  InvalidConfigurationError,
  MissingEnvironmentError,
} from '../../../handlers/config/errors';
import { TEST_CONFIG } from '../../helpers/config';

const VALID = {
  SERVICE_NAME: 'xacct-ec2',
  STAGE: 'test',
  AWS_REGION: 'eu-west-1',
  STAGE_CONFIG: JSON.stringify(TEST_CONFIG),
};

describe('Function: requireEnv', () => {
  it('returns a set variable', () => {
    // Prepare
    const env = { STAGE: 'prod' };

    // Act
    const value = requireEnv('STAGE', env);

    // Assess
    expect(value).toBe('prod');
  });

  it.each([undefined, '', '   '])('throws a named error for %p', (value) => {
    // Prepare
    const env = { STAGE: value };

    // Act
    const read = () => requireEnv('STAGE', env);

    // Assess
    expect(read).toThrow(MissingEnvironmentError);
    expect(read).toThrow(/STAGE is not set/);
  });
});

describe('Function: readEnvironment', () => {
  it('reads the runtime configuration once at import, from the test environment', () => {
    // Prepare: tests/setup-env.ts set the variables

    // Act
    const env = environment;

    // Assess
    expect(env).toMatchObject({
      serviceName: 'xacct-ec2',
      stage: 'test',
      homeRegion: 'eu-west-1',
      config: TEST_CONFIG,
    });
  });

  it('keeps the schedules (only their names may run as a schedule) and applies defaults', () => {
    // Prepare
    const env = {
      ...VALID,
      STAGE_CONFIG: JSON.stringify({ ...TEST_CONFIG, schedules: [] }),
    };

    // Act
    const read = readEnvironment(env);

    // Assess
    expect(read.config.schedules).toEqual([]);
    expect(read.maxAttempts).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(read.waiter.maxDelaySeconds).toBeGreaterThanOrEqual(read.waiter.minDelaySeconds);
  });

  it('names the missing variable', () => {
    // Prepare
    const { STAGE: _stage, ...env } = VALID;

    // Act
    const read = () => readEnvironment(env);

    // Assess
    expect(read).toThrow(new MissingEnvironmentError('STAGE'));
  });

  it('rejects STAGE_CONFIG that is not JSON', () => {
    // Prepare
    const env = { ...VALID, STAGE_CONFIG: '{targets:' };

    // Act
    const read = () => readEnvironment(env);

    // Assess
    expect(read).toThrow(InvalidConfigurationError);
    expect(read).toThrow(/STAGE_CONFIG: is not valid JSON/);
    expect(read).toThrow(expect.objectContaining({ cause: expect.any(SyntaxError) }));
  });

  it('lists every problem of an invalid STAGE_CONFIG', () => {
    // Prepare
    const env = {
      ...VALID,
      STAGE_CONFIG: JSON.stringify({ ...TEST_CONFIG, concurrency: 0, targets: [] }),
    };

    // Act
    let error: unknown;
    try {
      readEnvironment(env);
    } catch (err) {
      error = err;
    }

    // Assess
    expect(error).toBeInstanceOf(InvalidConfigurationError);
    expect((error as InvalidConfigurationError).problems.map((p) => p.field)).toEqual([
      'STAGE_CONFIG.targets',
      'STAGE_CONFIG.concurrency',
    ]);
  });

  it('rejects an AWS_MAX_ATTEMPTS that is not a small whole number', () => {
    // Prepare
    const env = { ...VALID, AWS_MAX_ATTEMPTS: 'many' };

    // Act
    const read = () => readEnvironment(env);

    // Assess
    expect(read).toThrow(/AWS_MAX_ATTEMPTS: is "many"/);
  });
});
