/**
 * The environment a child CLI (`sls package`, `sls invoke local`, `sls offline`) gets: built from
 * an allow-list, never inherited wholesale. No AWS_* variable reaches it unless the caller passes
 * it, so a developer's profile or keys can never be picked up by accident, and the endpoint and
 * credentials of the local AWS endpoint exist only in the one child that should use them.
 */

/** Variables a CLI run may inherit: what a shell needs, nothing about AWS or the test runner. */
const INHERITED = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SYSTEMROOT', 'TERM'] as const;

export type Env = Record<string, string>;

/**
 * A clean, CI-like environment with `home` as HOME (a throw-away directory: no ~/.aws, no
 * osls state), no colours (the output is parsed), and `extra` on top.
 */
export function cliEnvironment(home: string, extra: Env = {}): Env {
  const env: Env = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    HOME: home,
    USERPROFILE: home,
    CI: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    // Without credentials the SDK's default chain would ask the instance metadata service.
    AWS_EC2_METADATA_DISABLED: 'true',
    // The SDK's reminder about older Node versions is noise in parsed output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

/** The AWS_* variables of this process, for a run that deliberately uses the caller's own AWS setup. */
export function callerAwsEnvironment(): Env {
  const env: Env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('AWS_') && value !== undefined) env[name] = value;
  }
  return env;
}
