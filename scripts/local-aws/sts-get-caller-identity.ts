import type { ActionHandler } from './service-context';
import { leaf } from './xml';

/** sts:GetCallerIdentity needs no permission: it answers for any valid credentials. */
export const getCallerIdentity: ActionHandler = async (_context, { caller }) =>
  leaf('UserId', caller.session.userId) +
  leaf('Account', caller.session.role.accountId) +
  leaf('Arn', caller.session.sessionArn);
