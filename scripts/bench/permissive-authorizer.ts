/**
 * Bench-only Authorizer that allows every call. The real one evaluates the deployed IAM
 * policies per call (iam-simulate), which would dominate wall time and measure the simulator
 * instead of the function. Policy correctness is proven elsewhere: `npm run test:slow` and `npm run verify`.
 */
import type { Authorizer, Decision } from '../shared/authorization';

const ALLOWED: Decision = {
  allowed: true,
  result: 'Allowed',
  explanation:
    'bench: permissive authorizer (policies are checked by npm run test:slow / npm run verify)',
};

export const permissiveAuthorizer: Authorizer = {
  authorizeAssumeRole: async () => ALLOWED,
  authorizeEc2: async () => ALLOWED,
  // The run's events (events:PutEvents), so the bench measures a run that reports itself.
  authorizeRequest: async () => ALLOWED,
};
