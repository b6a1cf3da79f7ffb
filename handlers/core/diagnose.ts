/**
 * Turns AWS errors into explanations a person can act on: which side (home or target account),
 * which policy, which setting. Messages are scrubbed of credentials before they leave.
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
}

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
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'EC2ThrottledException',
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
  if (THROTTLING.has(code)) {
    return [
      "AWS rate-limited the calls even after the SDK's own retries with backoff. STS request quotas cannot be raised; EC2 API quotas can be viewed and raised per account and region.",
      'Lower concurrency in serverless.yml params, spread schedules apart, or narrow the request.',
      TROUBLESHOOTING,
    ];
  }
  if (code === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return [
      'No base credentials were found to call STS with. Run inside the deployed Lambda function (its execution role provides them), or for a local run provide credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).',
      'With a local endpoint, set AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_EC2 in the script that runs the function, together with test credentials.',
      TROUBLESHOOTING,
    ];
  }
  if (BAD_BASE_CREDENTIALS.has(code)) {
    return [
      'The base credentials used to call STS were rejected (unknown, deactivated or mistyped key). In Lambda this points at a broken runtime environment; locally, check the profile or environment credentials.',
      TROUBLESHOOTING,
    ];
  }
  if (code === 'UnauthorizedOperation') {
    return [
      `The target role ${ctx.roleArn} was assumed, but it may not call EC2 here: its policy must allow ec2:DescribeInstances on "*" (DescribeInstances has no resource-level permissions). Redeploy resources/target-account-role.yml in account ${ctx.accountId} if it is missing or old.`,
      `An SCP or RCP on account ${ctx.accountId} may deny EC2 in ${ctx.region} (for example a region-restriction policy).`,
      'The encoded authorization failure message in the error can be decoded with "aws sts decode-authorization-message" by a principal with sts:DecodeAuthorizationMessage in the target account.',
      TROUBLESHOOTING,
    ];
  }
  if (code === 'OptInRequired') {
    return [
      `Region ${ctx.region} is an opt-in region that is not enabled in account ${ctx.accountId}: enable it (Account → AWS Regions) or remove it from this account's regions in params.targets.`,
      TROUBLESHOOTING,
    ];
  }
  if (code === 'AuthFailure') {
    return [
      `EC2 in ${ctx.region} did not accept the assumed-role credentials. The usual cause is a region that is not enabled in account ${ctx.accountId} (opt-in regions): enable it or remove it from params.targets.`,
      'Otherwise the session may have been revoked in the target account (IAM → Roles → Revoke active sessions); a new invocation assumes the role again.',
      TROUBLESHOOTING,
    ];
  }
  if (NETWORK.has(code)) {
    return [
      `The endpoint could not be reached. A function attached to a VPC needs a NAT gateway or interface endpoints for STS (${ctx.homeRegion ?? 'home region'}) and EC2 (${ctx.region}).`,
      'If AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL_EC2 is set (local runs), check that the local endpoint is running.',
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

/** Diagnoses a failure that stopped a whole target (credentials, AssumeRole, describe). */
export function diagnoseTargetError(err: unknown, ctx: DiagnoseContext): TargetError {
  const { code, message } = describeError(err);
  return { code, message: `${code}: ${message}`, checks: checksFor(code, message, ctx) };
}
