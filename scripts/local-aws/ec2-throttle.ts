import type { Caller } from './authenticate';
import { ec2Errors } from './ec2-errors';
import type { ServiceContext } from './service-context';
import type { TokenDemand } from './throttling';

/** Takes tokens from the caller's (account, region) buckets or answers RequestLimitExceeded. */
export function takeEc2Tokens(
  context: ServiceContext,
  caller: Caller,
  demands: readonly TokenDemand[],
): void {
  if (!context.faults.throttlingEnabled()) return;
  if (!context.throttles.tryTakeAll(caller.accountId, caller.region, demands)) {
    throw ec2Errors.requestLimitExceeded();
  }
}
