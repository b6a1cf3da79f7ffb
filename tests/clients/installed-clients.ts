/**
 * The AWS clients nobody here wrote: the AWS CLI v2 and boto3 (Debian's `awscli` and
 * `python3-boto3`; .ci/run installs them). A missing one fails the suite with what to install,
 * never skips it. The first `aws` on PATH may be another major (pyenv's CLI v1) and the first
 * `python3` may be one without boto3, so each candidate is asked for its version.
 */
import { spawnSync } from 'node:child_process';

export interface InstalledClients {
  /** Path of an AWS CLI v2. */
  aws: string;
  /** A python3 that imports boto3. */
  python: string;
}

const INSTALL_HINT = 'install them with: apt-get install awscli python3-boto3 (bash .ci/run does)';

function firstWorking(candidates: string[], probe: (path: string) => boolean): string | undefined {
  return candidates.find(probe);
}

/** Where to look: Debian's paths first, then PATH. */
const CANDIDATES = { aws: ['/usr/bin/aws', 'aws'], python: ['/usr/bin/python3', 'python3'] };

export function installedClients(candidates = CANDIDATES): InstalledClients {
  const aws = firstWorking(candidates.aws, (path) => {
    const run = spawnSync(path, ['--version'], { encoding: 'utf8' });
    return run.status === 0 && /^aws-cli\/2\./.test(`${run.stdout}${run.stderr}`.trim());
  });
  const python = firstWorking(candidates.python, (path) => {
    const run = spawnSync(path, ['-c', 'import boto3'], { encoding: 'utf8' });
    return run.status === 0;
  });
  const missing = [
    ...(aws ? [] : ['the AWS CLI v2 (Debian package awscli)']),
    ...(python ? [] : ['boto3 for python3 (Debian package python3-boto3)']),
  ];
  if (!aws || !python)
    throw new Error(`Missing AWS clients: ${missing.join(' and ')}; ${INSTALL_HINT}`);
  return { aws, python };
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * The environment of one client process: the credentials and region, a private HOME, no
 * config or credentials file of the machine, and no AWS_ENDPOINT_URL* (the endpoint is passed
 * per call).
 */
export function clientEnvironment(
  credentials: Credentials,
  region: string,
  home: string,
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: `${home}/no-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/no-credentials`,
    AWS_PAGER: '',
    // One attempt: a refused call is answered once, not retried.
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
  };
}
