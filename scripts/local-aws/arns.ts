import { createHash } from 'node:crypto';
import { base32 } from '../shared/stack/cfn-names';

export function roleArn(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** The ARN a role session calls with (roles' paths are not part of it). */
export function assumedRoleArn(accountId: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

export function instanceArn(region: string, accountId: string, instanceId: string): string {
  return `arn:aws:ec2:${region}:${accountId}:instance/${instanceId}`;
}

/** `arn:aws:iam::<account>:role[/path]/<name>`, or undefined for anything else. */
export function parseRoleArn(arn: string): { accountId: string; roleName: string } | undefined {
  const match = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/.exec(arn);
  if (!match?.[1] || !match[2]) return undefined;
  return { accountId: match[1], roleName: match[2] };
}

/** IAM's unique role ID (AROA…): derived from the ARN so it is stable across runs. */
export function roleUniqueId(arn: string): string {
  return `AROA${base32(createHash('sha256').update(arn).digest()).slice(0, 17)}`;
}
