/**
 * Who called the HTTP API, read from API Gateway's IAM authorizer context
 * (`requestContext.authorizer.iam`). Callers arrive in a handful of ARN shapes; each becomes one
 * normalised identity that caller rules (config/caller-rules.ts) and the SourceIdentity mapping
 * (source-identity.ts) read. Anything else is `undefined`: refused, never guessed.
 */

import { PARTITION_NAMES } from './partition';

export type CallerIdentity =
  | {
      kind: 'assumed-role';
      accountId: string;
      arn: string;
      /** The role's name; the ARN of a session drops the role's path. */
      roleName: string;
      sessionName: string;
      /** `AROA...`, the unique ID of the role (from `userId` = `<roleId>:<session>`). */
      roleId?: string;
    }
  | { kind: 'user'; accountId: string; arn: string; userName: string }
  | { kind: 'root'; accountId: string; arn: string }
  | { kind: 'federated-user'; accountId: string; arn: string; userName: string };

/** The fields of the IAM authorizer context this reads (API Gateway sends more). */
export interface IamAuthorizerContext {
  userArn?: string | null;
  userId?: string | null;
  accountId?: string | null;
}

const ARN = /^arn:([a-z-]+):(sts|iam)::(\d{12}):(.+)$/;
const NAME = /^[\w+=,.@-]{1,64}$/;
const SESSION = /^[\w+=,.@-]{2,64}$/;
const ROLE_ID = /^AROA[A-Z0-9]{12,}$/;

/**
 * `partition`: the stack's own (partitionOf its region); an ARN of another partition is no
 * caller. Without it, any real partition (PARTITION_NAMES) is read.
 */
export function readCaller(
  iam: IamAuthorizerContext | null | undefined,
  partition?: string,
): CallerIdentity | undefined {
  const arn = iam?.userArn;
  if (typeof arn !== 'string') return undefined;
  const match = ARN.exec(arn);
  if (!match) return undefined;
  const [, arnPartition = '', service, accountId = '', resource = ''] = match;
  if (
    partition === undefined ? !PARTITION_NAMES.includes(arnPartition) : arnPartition !== partition
  ) {
    return undefined;
  }
  if (service === 'iam' && resource === 'root') return { kind: 'root', accountId, arn };
  const parts = resource.split('/');
  const [type] = parts;
  if (service === 'sts' && type === 'assumed-role' && parts.length === 3) {
    const [, roleName = '', sessionName = ''] = parts;
    if (!NAME.test(roleName) || !SESSION.test(sessionName)) return undefined;
    const roleId = iam?.userId?.split(':')[0];
    return {
      kind: 'assumed-role',
      accountId,
      arn,
      roleName,
      sessionName,
      ...(roleId && ROLE_ID.test(roleId) ? { roleId } : {}),
    };
  }
  if (service === 'iam' && type === 'user' && parts.length >= 2) {
    // A user's ARN keeps its path: the name is the last segment.
    const userName = parts[parts.length - 1] ?? '';
    return NAME.test(userName) ? { kind: 'user', accountId, arn, userName } : undefined;
  }
  if (service === 'sts' && type === 'federated-user' && parts.length === 2) {
    const userName = parts[1] ?? '';
    return NAME.test(userName) ? { kind: 'federated-user', accountId, arn, userName } : undefined;
  }
  return undefined;
}
