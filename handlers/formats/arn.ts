/** ARNs the function builds: one place, so the runtime, the package step and the diagnoses agree. */

export function targetRoleArn(accountId: string, roleName: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:role/${roleName}`;
}
