/**
 * EC2's words for an error that stopped a whole target: its own error codes (EC2 API Reference,
 * "Error codes"). Anything else goes to the shared diagnosis (handlers/core/diagnose.ts).
 */
import {
  type DiagnoseContext,
  describeError,
  TROUBLESHOOTING,
  throttlingChecks,
} from '../../core/diagnose';
import type { TargetError } from '../../core/results';

/** EC2's throttling codes: the API request rate limits (EC2 API Reference, "Request throttling"). */
const EC2_THROTTLING = new Set(['RequestLimitExceeded', 'EC2ThrottledException']);

function checksFor(code: string, ctx: DiagnoseContext): string[] | undefined {
  if (EC2_THROTTLING.has(code)) return throttlingChecks(ctx);
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
  return undefined;
}

export function diagnoseEc2Error(err: unknown, ctx: DiagnoseContext): TargetError | undefined {
  const { code, message } = describeError(err);
  const checks = checksFor(code, ctx);
  return checks ? { code, message: `${code}: ${message}`, checks } : undefined;
}
