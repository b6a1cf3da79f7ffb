/**
 * The CloudFormation registry schemas as AWS publishes them, through @aws-cdk/aws-service-spec
 * (the database aws-cdk-lib generates its L1 constructs from): resource types, their properties,
 * required properties, value types, `Fn::GetAtt` attributes, ARN templates and what `Ref` returns.
 */
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type {
  PropertyType,
  Resource,
  SpecDatabase,
  TypeDefinition,
} from '@aws-cdk/service-spec-types';

export type { PropertyType, Resource, TypeDefinition };

let loading: Promise<SpecDatabase> | undefined;

/** Loads the database once per process (about 10 s: a 20 MB gzipped JSON). */
export function registry(): Promise<SpecDatabase> {
  loading ??= loadAwsServiceSpec();
  return loading;
}

export function resourceType(db: SpecDatabase, cfnType: string): Resource | undefined {
  return db.lookup('resource', 'cloudFormationType', 'equals', cfnType)[0];
}

export function typeDefinition(db: SpecDatabase, id: string): TypeDefinition {
  return db.get('typeDefinition', id);
}

/** The current type of a property and the types it had before (CloudFormation accepts both). */
export function typesOf(field: {
  type: PropertyType;
  previousTypes?: PropertyType[];
}): PropertyType[] {
  return [field.type, ...(field.previousTypes ?? [])];
}
