import { assumedRoleArn } from './arns';
import type { Clock } from './clock';
import { newCredentialMaterial, type TemporaryCredentials } from './credentials';
import type { Role } from './world-types';

/** A role session: what a set of temporary credentials stands for. */
export interface RoleSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly role: Role;
  readonly sessionName: string;
  /** arn:aws:sts::<account>:assumed-role/<role>/<session>. */
  readonly sessionArn: string;
  /** <role unique id>:<session name>, as GetCallerIdentity's UserId. */
  readonly userId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** lambda:SourceFunctionArn: present only for calls made from inside a Lambda function. */
  readonly sourceFunctionArn?: string;
  /** STS SourceIdentity, set by the AssumeRole that issued it; kept for the session's life. */
  readonly sourceIdentity?: string;
}

export interface IssueSessionInput {
  role: Role;
  sessionName: string;
  lifetimeSeconds: number;
  sourceFunctionArn?: string;
  sourceIdentity?: string;
}

/** Every session ever issued, found by access key ID. */
export class SessionStore {
  private readonly byAccessKey = new Map<string, RoleSession>();

  constructor(private readonly clock: Clock) {}

  issue(input: IssueSessionInput): RoleSession {
    const issuedAt = this.clock.now();
    const session: RoleSession = {
      ...newCredentialMaterial(),
      role: input.role,
      sessionName: input.sessionName,
      sessionArn: assumedRoleArn(input.role.accountId, input.role.name, input.sessionName),
      userId: `${input.role.roleId}:${input.sessionName}`,
      issuedAt,
      expiresAt: issuedAt + input.lifetimeSeconds * 1000,
      ...(input.sourceFunctionArn ? { sourceFunctionArn: input.sourceFunctionArn } : {}),
      ...(input.sourceIdentity !== undefined ? { sourceIdentity: input.sourceIdentity } : {}),
    };
    this.byAccessKey.set(session.accessKeyId, session);
    return session;
  }

  find(accessKeyId: string): RoleSession | undefined {
    return this.byAccessKey.get(accessKeyId);
  }

  isExpired(session: RoleSession): boolean {
    return this.clock.now() >= session.expiresAt;
  }

  all(): RoleSession[] {
    return [...this.byAccessKey.values()];
  }
}

export function credentialsOf(session: RoleSession): TemporaryCredentials {
  return {
    accessKeyId: session.accessKeyId,
    secretAccessKey: session.secretAccessKey,
    sessionToken: session.sessionToken,
    expiration: new Date(session.expiresAt),
  };
}
