/**
 * Turns AWS errors into explanations a person can act on: which side (home or target account),
 * which policy, which setting. Messages are scrubbed of credentials before they leave. Only the
 * service-free part lives here (credentials, STS, network, throttling); a task words its own
 * service's errors (the port's `diagnose`), and `diagnoseTargetError` asks it first.
 */
import { errorCode, errorMessage } from './aws-error';
import { redact } from './redact';
import type { TargetError } from './results';

export const TROUBLESHOOTING = 'See README → Troubleshooting for the step-by-step checks.';

export interface DiagnoseContext {
  accountId: string;
  region: string;
  /** ARN of the target role the function assumes. */
  roleArn: string;
  /** Whether an ExternalId is configured (and so sent) for this account. */
  externalIdSent: boolean;
  /** Region of the function; STS is called there. */
  homeRegion?: string;
  /** Name of the function's execution role, when known. */
  executionRoleName?: string;
  /**
   * The task's service as the SDK names it in AWS_ENDPOINT_URL_<SERVICE> (`ec2`, `rds`): the
   * service the target's calls go to besides STS.
   */
  service: string;
}

/** The service of a `<service>:<resource>` type, e.g. `ec2` of `ec2:instance`. */
export const serviceOf = (resourceType: string): string => resourceType.split(':')[0] ?? '';

const MAX_MESSAGE = 1500;

/** `code: message`, scrubbed and bounded, for results and logs. */
export function describeError(err: unknown): { code: string; message: string } {
  const code = errorCode(err);
  const message = redact(errorMessage(err)).slice(0, MAX_MESSAGE);
  return { code, message };
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestThrottled',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const BAD_BASE_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
]);
const NETWORK = new Set([
  'TimeoutError',
  'RequestTimeout',
  'NetworkingError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

function executionRole(ctx: DiagnoseContext): string {
  return ctx.executionRoleName
    ? `the function's execution role (${ctx.executionRoleName})`
    : `the function's execution role`;
}

function roleName(roleArn: string): string {
  return roleArn.slice(roleArn.indexOf(':role/') + ':role/'.length);
}

function assumeRoleDenied(ctx: DiagnoseContext): string[] {
  const externalId = ctx.externalIdSent
    ? `An ExternalId was sent (configured for account ${ctx.accountId} in params.targets): it must equal the sts:ExternalId the target role's trust policy requires (the ExternalId parameter of its stack).`
    : `No ExternalId was sent (none is configured for account ${ctx.accountId}): if the target role's trust policy requires sts:ExternalId, add the same value as externalId to this account in params.targets.`;
  return [
    `Home account: ${executionRole(ctx)} must allow sts:AssumeRole on exactly ${ctx.roleArn}. Its lambda:SourceFunctionArn condition means the call only works from inside the deployed function, not from a laptop or invoke local with other credentials.`,
    `Target account ${ctx.accountId}: the trust policy of ${ctx.roleArn} must trust ${executionRole(ctx)} by its ARN (or the home account root with an aws:PrincipalArn condition). A trust that names the role ARN directly breaks when the execution role is deleted and recreated, until the trust policy is saved again.`,
    externalId,
    `The role must exist in account ${ctx.accountId} with exactly the name "${roleName(ctx.roleArn)}" (names are case-sensitive): STS answers AccessDenied, not "not found", for a missing role.`,
    `An explicit Deny elsewhere also gives AccessDenied: an SCP on the home account, an RCP on the target account, or a permissions boundary on the execution role that does not allow sts:AssumeRole.`,
    'Right after a deploy, IAM changes can take a minute to apply: retry once before digging deeper.',
    TROUBLESHOOTING,
  ];
}

const endpointVariable = (ctx: DiagnoseContext) => `AWS_ENDPOINT_URL_${ctx.service.toUpperCase()}`;

/** AWS rate-limited the calls: what to change (a task words its own service's throttling codes with it). */
export function throttlingChecks(ctx: DiagnoseContext): string[] {
  return [
    `AWS rate-limited the calls even after the SDK's own retries with backoff. STS request quotas cannot be raised; ${ctx.service.toUpperCase()} API quotas can be viewed and raised per account and region.`,
    'Lower concurrency in serverless.yml params, spread schedules apart, or narrow the request.',
    TROUBLESHOOTING,
  ];
}

function checksFor(code: string, message: string, ctx: DiagnoseContext): string[] {
  const sts = ctx.homeRegion ? `STS in ${ctx.homeRegion}` : 'STS';
  if (code === 'AccessDenied' || code === 'AccessDeniedException') {
    return assumeRoleDenied(ctx);
  }
  if (code === 'ValidationError' && /DurationSeconds/i.test(message)) {
    if (/role chaining/i.test(message)) {
      return [
        'The function runs with role-session credentials, so assuming the target role is role chaining, which AWS caps at one hour; this cannot be raised.',
        'Set sessionDurationSeconds in serverless.yml params to 3600 or less and redeploy.',
        TROUBLESHOOTING,
      ];
    }
    return [
      `The requested session is longer than the MaxSessionDuration of ${ctx.roleArn}.`,
      "Lower sessionDurationSeconds in serverless.yml params, or raise the role's maximum session duration (at most 3600 applies anyway, because of role chaining).",
      TROUBLESHOOTING,
    ];
  }
  if (code === 'ValidationError' && /roleSessionName/i.test(message)) {
    return [
      'The role session name is built from SERVICE_NAME, STAGE and the request ID and cleaned to [\\w+=,.@-]{2,64}; check those environment variables.',
      TROUBLESHOOTING,
    ];
  }
  if (code === 'RegionDisabledException') {
    return [
      `${sts} is not activated for account ${ctx.accountId}, which owns the role. In that account open IAM → Account settings → Security Token Service (STS) and activate the endpoint for ${ctx.homeRegion ?? "the function's region"}.`,
      'For an opt-in region, STS must be active in both the home and the target account.',
      TROUBLESHOOTING,
    ];
  }
  if (EXPIRED.has(code)) {
    return [
      'The credentials had expired when AWS received the call. The function refreshes the assumed-role session five minutes before it expires, so a retry normally succeeds.',
      'If it keeps happening, check the clock of the machine running the code (local runs) or whether the base credentials themselves expired.',
      TROUBLESHOOTING,
    ];
  }
  if (THROTTLING.has(code)) return throttlingChecks(ctx);
  if (code === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return [
      'No base credentials were found to call STS with. Run inside the deployed Lambda function (its execution role provides them), or for a local run provide credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).',
      `With a local endpoint, set AWS_ENDPOINT_URL_STS and ${endpointVariable(ctx)} in the script that runs the function, together with test credentials.`,
      TROUBLESHOOTING,
    ];
  }
  if (BAD_BASE_CREDENTIALS.has(code)) {
    return [
      'The base credentials used to call STS were rejected (unknown, deactivated or mistyped key). In Lambda this points at a broken runtime environment; locally, check the profile or environment credentials.',
      TROUBLESHOOTING,
    ];
  }
  if (NETWORK.has(code)) {
    return [
      `The endpoint could not be reached. A function attached to a VPC needs a NAT gateway or interface endpoints for STS (${ctx.homeRegion ?? 'home region'}) and ${ctx.service.toUpperCase()} (${ctx.region}).`,
      `If AWS_ENDPOINT_URL_STS or ${endpointVariable(ctx)} is set (local runs), check that the local endpoint is running.`,
      TROUBLESHOOTING,
    ];
  }
  if (code === 'UnknownTargetError') {
    return [
      `Account ${ctx.accountId} with region ${ctx.region} is not in this stage's params.targets; add it there and redeploy.`,
      TROUBLESHOOTING,
    ];
  }
  return [
    `Unexpected error while working on account ${ctx.accountId} in ${ctx.region}; the code and message above come from AWS or the SDK.`,
    TROUBLESHOOTING,
  ];
}

/**
 * Diagnoses a failure that stopped a whole target (credentials, AssumeRole, the task's calls):
 * in the task's words when it has some for this error, else in the shared ones.
 */
export function diagnoseTargetError(
  err: unknown,
  ctx: DiagnoseContext,
  task?: { diagnose?(err: unknown, context: DiagnoseContext): TargetError | undefined },
): TargetError {
  const own = task?.diagnose?.(err, ctx);
  if (own) return own;
  const { code, message } = describeError(err);
  return { code, message: `${code}: ${message}`, checks: checksFor(code, message, ctx) };
}
