import type { AwsError } from './aws-error';
import { ec2Errors } from './ec2-errors';
import type { ServiceName } from './faults';
import type { QueryParams } from './query-params';
import { RDS_VERSION, rdsErrors } from './rds-errors';
import type { ActionDefinition } from './service-context';
import { STS_VERSION, stsErrors } from './sts-errors';

export const EC2_VERSION = '2016-11-15';
export const API_VERSIONS: Record<ServiceName, string> = {
  sts: STS_VERSION,
  ec2: EC2_VERSION,
  rds: RDS_VERSION,
};

/** Parameters every Query request carries; SigV4 travels in headers, never in the form. */
const COMMON = new Set(['Action', 'Version']);

/**
 * What the service checks before an action runs: an Action at all, the API Version, that Action
 * in that Version, then every parameter against the action's model (unknown names, booleans).
 * A client bug that AWS refuses is refused here too, with AWS's code.
 */
export function checkRequestShape(
  service: ServiceName,
  actions: Readonly<Record<string, ActionDefinition>>,
  params: QueryParams,
): ActionDefinition {
  const errors = SHAPE_ERRORS[service];
  const action = params.get('Action');
  if (action === undefined) throw errors.missingAction();
  const version = params.get('Version');
  if (version === undefined) throw errors.missingParameter('Version');
  if (version !== API_VERSIONS[service]) throw errors.unsupportedVersion(action, version);
  const definition = Object.hasOwn(actions, action) ? actions[action] : undefined;
  if (!definition) throw errors.invalidAction(action);
  const accepted = definition.parameters.map(namePattern);
  const unknown = params
    .names()
    .find((name) => !COMMON.has(name) && !accepted.some((pattern) => pattern.test(name)));
  if (unknown !== undefined) throw errors.unknownParameter(unknown);
  for (const name of definition.booleans ?? []) {
    const value = params.get(name);
    if (value !== undefined && value !== 'true' && value !== 'false') {
      throw errors.invalidBoolean(name, value);
    }
  }
  return definition;
}

interface ShapeErrors {
  missingAction(): AwsError;
  missingParameter(name: string): AwsError;
  unsupportedVersion(action: string, version: string): AwsError;
  invalidAction(action: string): AwsError;
  unknownParameter(name: string): AwsError;
  invalidBoolean(name: string, value: string): AwsError;
}

const EC2_SHAPE_ERRORS: ShapeErrors = {
  missingAction: ec2Errors.missingAction,
  missingParameter: ec2Errors.missingParameter,
  unsupportedVersion: (_action, version) => ec2Errors.noSuchVersion(version),
  invalidAction: ec2Errors.invalidAction,
  unknownParameter: ec2Errors.unknownParameter,
  invalidBoolean: ec2Errors.invalidBoolean,
};

const STS_SHAPE_ERRORS: ShapeErrors = {
  missingAction: stsErrors.missingAction,
  missingParameter: stsErrors.missingParameter,
  unsupportedVersion: (action, version) => stsErrors.invalidAction(action, version),
  invalidAction: (action) => stsErrors.invalidAction(action),
  unknownParameter: stsErrors.unknownParameter,
  // STS's AssumeRole and GetCallerIdentity have no boolean parameters.
  invalidBoolean: (name, value) =>
    stsErrors.validation(
      `Value '${value}' at '${name}' failed to satisfy constraint: Member must be a boolean`,
    ),
};

/** RDS speaks awsQuery like STS: an unknown Version is an unknown operation (texts *unverified*). */
const RDS_SHAPE_ERRORS: ShapeErrors = {
  missingAction: rdsErrors.missingAction,
  missingParameter: rdsErrors.missingParameter,
  unsupportedVersion: (action, version) => rdsErrors.invalidAction(action, version),
  invalidAction: (action) => rdsErrors.invalidAction(action),
  unknownParameter: rdsErrors.unknownParameter,
  invalidBoolean: rdsErrors.invalidBoolean,
};

const SHAPE_ERRORS: Record<ServiceName, ShapeErrors> = {
  sts: STS_SHAPE_ERRORS,
  ec2: EC2_SHAPE_ERRORS,
  rds: RDS_SHAPE_ERRORS,
};

/** `InstanceId.N` → /^InstanceId\.[1-9]\d*$/: list members are numbered from 1. */
function namePattern(name: string): RegExp {
  const escaped = name.replace(/\./g, '\\.').replace(/\b[NM]\b/g, '[1-9]\\d*');
  return new RegExp(`^${escaped}$`);
}
