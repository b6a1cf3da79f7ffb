/**
 * Every resource of a template against its CloudFormation registry schema: the type exists, each
 * property name is one the type has, required properties are present, and each literal value has
 * the published type (string, integer, boolean, list, object with known fields, allowed values).
 * Values CloudFormation computes (`Ref`, `Fn::*`) are left to the reference check.
 */
import type { SpecDatabase } from '@aws-cdk/service-spec-types';
import { intrinsicName, isRecord } from './cfn-shape';
import type { Finding } from './finding';
import {
  type PropertyType,
  resourceType,
  type TypeDefinition,
  typeDefinition,
  typesOf,
} from './registry';
import type { Subject } from './subject';

/** Types outside the registry: custom resources run the template author's own code. */
const isCustomType = (type: string) =>
  type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';

export function checkCfnSchema(subject: Subject, db: SpecDatabase): Finding[] {
  const findings: Finding[] = [];
  const add = (where: string, message: string) =>
    findings.push({ category: 'cfn-schema', subject: subject.name, where, message });
  for (const [logicalId, resource] of Object.entries(subject.template?.Resources ?? {})) {
    if (isCustomType(resource.Type)) continue;
    const spec = resourceType(db, resource.Type);
    if (!spec) {
      add(logicalId, `${resource.Type} is not a CloudFormation resource type`);
      continue;
    }
    const properties = resource.Properties ?? {};
    if (!isRecord(properties)) {
      add(`${logicalId}.Properties`, 'must be an object');
      continue;
    }
    for (const problem of objectProblems(db, properties, spec.properties, resource.Type)) {
      add(`${logicalId}.Properties${problem.path}`, problem.message);
    }
  }
  return findings;
}

interface Problem {
  path: string;
  message: string;
}

function objectProblems(
  db: SpecDatabase,
  value: Record<string, unknown>,
  fields: TypeDefinition['properties'],
  typeName: string,
): Problem[] {
  const problems: Problem[] = [];
  for (const [name, field] of Object.entries(fields)) {
    if (field.required && !(name in value)) {
      problems.push({ path: '', message: `${typeName} requires ${name}` });
    }
  }
  for (const [name, item] of Object.entries(value)) {
    const field = fields[name];
    if (!field) {
      const known = Object.keys(fields).sort().join(', ');
      problems.push({
        path: `.${name}`,
        message: `${typeName} has no property ${name} (it has: ${known})`,
      });
      continue;
    }
    for (const problem of valueProblems(db, item, typesOf(field))) {
      problems.push({ path: `.${name}${problem.path}`, message: problem.message });
    }
  }
  return problems;
}

/** The problems of the best-fitting type: none when any of `types` accepts the value. */
function valueProblems(db: SpecDatabase, value: unknown, types: PropertyType[]): Problem[] {
  if (intrinsicName(value)) return [];
  let fewest: Problem[] | undefined;
  for (const type of types.flatMap((t) => (t.type === 'union' ? t.types : [t]))) {
    const problems = problemsFor(db, value, type);
    if (problems.length === 0) return [];
    if (!fewest || problems.length < fewest.length) fewest = problems;
  }
  return fewest ?? [];
}

const describe = (value: unknown) => JSON.stringify(value)?.slice(0, 60) ?? String(value);

function problemsFor(db: SpecDatabase, value: unknown, type: PropertyType): Problem[] {
  const wrong = (expected: string): Problem[] => [
    { path: '', message: `expected ${expected}, got ${describe(value)}` },
  ];
  switch (type.type) {
    case 'string':
    case 'date-time':
      // CloudFormation hands numbers and booleans to string properties as their text.
      if (!['string', 'number', 'boolean'].includes(typeof value)) return wrong('a string');
      if (
        type.type === 'string' &&
        type.allowedValues &&
        !type.allowedValues.includes(String(value))
      ) {
        return wrong(`one of ${type.allowedValues.join(', ')}`);
      }
      return [];
    case 'integer':
    case 'number': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number !== 'number' || Number.isNaN(number)) {
        return wrong(type.type === 'integer' ? 'an integer' : 'a number');
      }
      if (type.type === 'integer' && !Number.isInteger(number)) return wrong('an integer');
      return [];
    }
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false'
        ? []
        : wrong('a boolean');
    case 'json':
      return [];
    case 'null':
      return value === null ? [] : wrong('null');
    case 'tag':
      return isRecord(value) && 'Key' in value && 'Value' in value
        ? []
        : wrong('a {Key, Value} tag');
    case 'array': {
      if (!Array.isArray(value)) return wrong('a list');
      return value.flatMap((item, i) =>
        valueProblems(db, item, [type.element]).map((p) => ({ ...p, path: `[${i}]${p.path}` })),
      );
    }
    case 'map': {
      if (!isRecord(value)) return wrong('a map');
      return Object.entries(value).flatMap(([key, item]) =>
        valueProblems(db, item, [type.element]).map((p) => ({ ...p, path: `.${key}${p.path}` })),
      );
    }
    case 'ref': {
      if (!isRecord(value)) return wrong('an object');
      const definition = typeDefinition(db, type.reference.$ref);
      return objectProblems(db, value, definition.properties, definition.name);
    }
    case 'union':
      return valueProblems(db, value, type.types);
    default:
      return [];
  }
}
