import type { Caller } from './authenticate';
import { rdsErrors } from './rds-errors';
import type { ServiceContext } from './service-context';

/** One token per RDS call from the caller's (account, region) bucket, or Throttling (400). */
export function takeRdsToken(context: ServiceContext, caller: Caller): void {
  if (!context.faults.throttlingEnabled()) return;
  if (
    !context.throttles.tryTakeAll(caller.accountId, caller.region, [
      { bucket: 'rds:requests', count: 1 },
    ])
  ) {
    throw rdsErrors.throttling();
  }
}
