/**
 * Each state machine definition, after CloudFormation would have resolved it (functions' ARNs,
 * DefinitionSubstitutions), against asl-validator 4: the Amazon States Language's structure,
 * state fields, transitions, paths and the form of each Task's Resource ARN.
 */
import validateAsl from 'asl-validator';
import { isRecord } from './cfn-shape';
import type { Finding } from './finding';
import type { ConformTemplate } from './subject';

const STATE_MACHINE = 'AWS::StepFunctions::StateMachine';

/** The definition CloudFormation hands to Step Functions, or why there is none. */
export function definitionOf(properties: Record<string, unknown>): unknown {
  const substitutions = isRecord(properties.DefinitionSubstitutions)
    ? properties.DefinitionSubstitutions
    : {};
  const substitute = (text: string) =>
    text.replace(/\$\{([^}]+)\}/g, (whole, name: string) =>
      name in substitutions ? String(substitutions[name]) : whole,
    );
  if (typeof properties.DefinitionString === 'string') {
    return JSON.parse(substitute(properties.DefinitionString));
  }
  if (isRecord(properties.Definition)) {
    return JSON.parse(substitute(JSON.stringify(properties.Definition)));
  }
  throw new Error(
    'has neither a DefinitionString nor a Definition (DefinitionS3Location is not read)',
  );
}

export function checkAsl(subject: string, resolved: ConformTemplate): Finding[] {
  const findings: Finding[] = [];
  for (const [logicalId, resource] of Object.entries(resolved.Resources)) {
    if (resource.Type !== STATE_MACHINE) continue;
    const add = (where: string, message: string) =>
      findings.push({ category: 'asl', subject, where: `${logicalId}${where}`, message });
    let definition: unknown;
    try {
      definition = definitionOf(resource.Properties ?? {});
    } catch (error) {
      add('', (error as Error).message);
      continue;
    }
    const result = validateAsl(structuredClone(definition));
    for (const error of result.isValid ? [] : result.errors) {
      add('', `${error['Error code']}: ${error.Message}`);
    }
  }
  return findings;
}
