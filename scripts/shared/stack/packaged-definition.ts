/**
 * The engine's state machine definition as `sls package` wrote it into the CloudFormation
 * template (a DefinitionString inside Fn::Sub), not a copy: the local run and the package test
 * read it from there. Substitutions (the functions' ARNs) become readable placeholder ARNs.
 */

import { ENGINE_STATE_MACHINE_ID } from '../../../resources/home-stack/engine/state-machine';
import type { CfnTemplate } from './package-stage';

export class PackagedDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackagedDefinitionError';
  }
}

/** The ASL of the packaged engine; each `${name}` substitution becomes `arn:...:function:<logical ID>`. */
export function packagedEngineDefinition(
  template: CfnTemplate,
  region = 'eu-west-1',
  accountId = '111111111111',
): Record<string, unknown> {
  const resource = template.Resources[ENGINE_STATE_MACHINE_ID];
  if (resource?.Type !== 'AWS::StepFunctions::StateMachine') {
    throw new PackagedDefinitionError(
      `the packaged template has no AWS::StepFunctions::StateMachine ${ENGINE_STATE_MACHINE_ID}; is serverless-step-functions in serverless.yml plugins?`,
    );
  }
  const definition = (resource.Properties as Record<string, unknown>).DefinitionString;
  const [text, variables] = readSub(definition);
  const substituted = text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    const value = variables[name];
    const logicalId = getAttTarget(value) ?? name;
    return `arn:aws:lambda:${region}:${accountId}:function:${logicalId}`;
  });
  return JSON.parse(substituted) as Record<string, unknown>;
}

/** The ARN the packaged engine deploys as (`Ref` of the state machine: its StateMachineName). */
export function packagedEngineStateMachineArn(
  template: CfnTemplate,
  region = 'eu-west-1',
  accountId = '111111111111',
  partition = 'aws',
): string {
  const properties = template.Resources[ENGINE_STATE_MACHINE_ID]?.Properties as
    | { StateMachineName?: unknown }
    | undefined;
  const name = properties?.StateMachineName;
  if (typeof name !== 'string') {
    throw new PackagedDefinitionError(
      `the packaged ${ENGINE_STATE_MACHINE_ID} has no literal StateMachineName; give the state machine a name in resources/home-stack/engine/state-machine.ts`,
    );
  }
  return `arn:${partition}:states:${region}:${accountId}:stateMachine:${name}`;
}

function readSub(value: unknown): [string, Record<string, unknown>] {
  if (typeof value === 'string') return [value, {}];
  const sub = (value as { 'Fn::Sub'?: unknown } | undefined)?.['Fn::Sub'];
  if (typeof sub === 'string') return [sub, {}];
  if (Array.isArray(sub) && typeof sub[0] === 'string') {
    return [sub[0], (sub[1] ?? {}) as Record<string, unknown>];
  }
  throw new PackagedDefinitionError('DefinitionString is neither a string nor an Fn::Sub');
}

function getAttTarget(value: unknown): string | undefined {
  const att = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  return Array.isArray(att) && typeof att[0] === 'string' ? att[0] : undefined;
}
