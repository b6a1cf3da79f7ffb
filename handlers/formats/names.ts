/**
 * The names that keep stages apart in a shared target account: each stage (or `namespace`)
 * gets its own target role, target stack and control-tag value, so one stage can neither take
 * over another's trust (one role trusts one execution role) nor act on its instances (one tag
 * key holds one value per instance). Package time (params defaults), the templates' parameter
 * descriptions, verify, the local world and the bench all derive them here.
 */

/** The tag key every stage shares; the value names the stage, so an instance belongs to one. */
export function controlTagKeyFor(service: string): string {
  return `${service}:managed`;
}

export function controlTagValueFor(namespace: string): string {
  return namespace;
}

/** The target role's name, `<service>-<namespace>-target`, e.g. `xacct-ec2-prod-target`. */
export function targetRoleNameFor(service: string, namespace: string): string {
  return `${service}-${namespace}-target`;
}

/** The CloudFormation stack that holds the target role in each target account. */
export function targetStackNameFor(service: string, namespace: string): string {
  return `${service}-${namespace}-target`;
}

/** Namespaces end up in role, stack and tag names: letters, digits and hyphens, 1-24 of them. */
export const NAMESPACE_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,22}[A-Za-z0-9])?$/;

export interface StageNames {
  targetRoleName: string;
  targetStackName: string;
  controlTagKey: string;
  controlTagValue: string;
}

export function stageNames(service: string, namespace: string): StageNames {
  return {
    targetRoleName: targetRoleNameFor(service, namespace),
    targetStackName: targetStackNameFor(service, namespace),
    controlTagKey: controlTagKeyFor(service),
    controlTagValue: controlTagValueFor(namespace),
  };
}
