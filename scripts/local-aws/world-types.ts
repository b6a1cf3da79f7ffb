import type { TargetRoleParameters } from './seed-schema';

export interface Role {
  readonly accountId: string;
  readonly name: string;
  readonly arn: string;
  /** AROA… */
  readonly roleId: string;
  readonly maxSessionDurationSeconds: number;
  /** Parameters of the template the role was deployed from, when it is a target role. */
  readonly parameters?: TargetRoleParameters;
  readonly template?: string;
}

export interface Account {
  readonly accountId: string;
  readonly name: string;
  readonly organizationId?: string;
  readonly roles: ReadonlyMap<string, Role>;
  readonly regions: readonly string[];
}
