import type { ActionHandler } from './service-context';
import { assumeRole } from './sts-assume-role';
import { getCallerIdentity } from './sts-get-caller-identity';

/** The STS actions the endpoint speaks; anything else is InvalidAction. */
export const STS_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
};
