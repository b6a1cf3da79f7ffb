/**
 * Turns a template into the concrete values CloudFormation would deploy, with placeholders of the
 * right form where only the deploy knows the value: an account ID, the ARN a resource will have
 * (from its registry ARN template), what `Ref` returns for it (its name, ARN or URL, as the
 * registry's primary identifier says). Parameters become `PARAM-<Name>` tokens: their values are
 * the deployer's, held by their own AllowedPattern. Conditions are forced all true or all false,
 * so every branch of every `Fn::If` is read by one of the two evaluations.
 */
import type { SpecDatabase } from '@aws-cdk/service-spec-types';
import { type CfnContext, evaluate } from '../shared/stack/cfn-intrinsics';
import { isRecord } from './cfn-shape';
import { resourceType } from './registry';
import type { ConformTemplate, Subject } from './subject';

export const PLACEHOLDER_ACCOUNT = '123456789012';
export const PLACEHOLDER_PARTITION = 'aws';

export const parameterToken = (name: string) => `PARAM-${name}`;

/** Whether `value` is a parameter's value as a whole (the deployer's, not the template's). */
export function isParameterToken(template: ConformTemplate, value: string): boolean {
  return Object.keys(template.Parameters ?? {}).some((name) => value === parameterToken(name));
}

function parameterValues(template: ConformTemplate): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const [name, declaration] of Object.entries(template.Parameters ?? {})) {
    const type = isRecord(declaration) ? String(declaration.Type ?? 'String') : 'String';
    const isList = type === 'CommaDelimitedList' || type.startsWith('List<');
    values[name] = isList ? [parameterToken(name)] : parameterToken(name);
  }
  return values;
}

/** A resolver of `Ref` and `Fn::GetAtt` to placeholder values of the form AWS returns. */
class Placeholders {
  private readonly resolving = new Set<string>();

  constructor(
    private readonly db: SpecDatabase,
    private readonly template: ConformTemplate,
    private readonly context: () => CfnContext,
    private readonly region: string,
  ) {}

  /** The resource's physical name: its own name property when literal, else its logical ID. */
  name(logicalId: string, property?: string): string {
    const resource = this.template.Resources[logicalId];
    const properties = resource?.Properties ?? {};
    const spec = resource ? resourceType(this.db, resource.Type) : undefined;
    const candidates = [
      property,
      ...(spec?.primaryIdentifier ?? []).filter((id) => id.endsWith('Name')),
      'Name',
      `${spec?.name ?? ''}Name`,
    ].filter((c): c is string => typeof c === 'string' && c in properties);
    const chosen = candidates[0];
    if (chosen === undefined || this.resolving.has(logicalId)) return logicalId;
    this.resolving.add(logicalId);
    try {
      const value = evaluate(properties[chosen], this.context());
      return typeof value === 'string' ? value : logicalId;
    } finally {
      this.resolving.delete(logicalId);
    }
  }

  arn(logicalId: string): string {
    const resource = this.template.Resources[logicalId];
    const spec = resource ? resourceType(this.db, resource.Type) : undefined;
    const pattern = spec?.arnTemplate;
    if (!pattern) {
      const service = resource?.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
      return `arn:${PLACEHOLDER_PARTITION}:${service}:${this.region}:${PLACEHOLDER_ACCOUNT}:${logicalId}`;
    }
    return pattern.replace(/\$\{(\w+)\}/g, (_, variable: string) => {
      if (variable === 'Partition') return PLACEHOLDER_PARTITION;
      if (variable === 'Region') return this.region;
      if (variable === 'Account') return PLACEHOLDER_ACCOUNT;
      if (variable === 'RoleNameWithPath') {
        const path = resource?.Properties?.Path;
        const prefix = typeof path === 'string' ? path.replace(/^\//, '') : '';
        return `${prefix}${this.name(logicalId, 'RoleName')}`;
      }
      if (variable.endsWith('Name') || variable === 'Alias') return this.name(logicalId, variable);
      return `${variable.toLowerCase()}-${logicalId.toLowerCase()}`;
    });
  }

  /** What `Ref` returns, per the registry's (CloudFormation) identifier of the type. */
  ref(logicalId: string): string {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`Ref to unknown resource ${logicalId}`);
    const spec = resourceType(this.db, resource.Type);
    const identifier =
      (spec?.cfnRefIdentifier ?? spec?.primaryIdentifier ?? ['Name']).at(-1) ?? 'Name';
    return this.attribute(logicalId, identifier);
  }

  attribute(logicalId: string, attribute: string): string {
    if (!this.template.Resources[logicalId]) {
      throw new Error(`Fn::GetAtt of unknown resource ${logicalId}`);
    }
    if (/Arn$/i.test(attribute)) return this.arn(logicalId);
    if (/Url$/i.test(attribute)) {
      return `https://sqs.${this.region}.amazonaws.com/${PLACEHOLDER_ACCOUNT}/${this.name(logicalId)}`;
    }
    if (/Name$/.test(attribute)) return this.name(logicalId, attribute);
    return `${attribute.toLowerCase()}-${logicalId.toLowerCase()}`;
  }
}

export interface Resolved {
  /** Which forcing of the conditions produced this copy. */
  conditions: 'as-given' | 'all-true' | 'all-false';
  template: ConformTemplate;
  /** Resources CloudFormation could not evaluate either (a dangling name, a malformed function). */
  failures: { logicalId: string; message: string }[];
}

/** The template's resources evaluated: once when it has no conditions, else all-true and all-false. */
export function resolveTemplate(subject: Subject, db: SpecDatabase): Resolved[] {
  const template = subject.template;
  if (!template) return [];
  const names = Object.keys(template.Conditions ?? {});
  const forcings: Resolved['conditions'][] =
    names.length === 0 ? ['as-given'] : ['all-true', 'all-false'];
  return forcings.map((forcing) => {
    const conditions =
      forcing === 'as-given'
        ? {}
        : Object.fromEntries(names.map((name) => [name, forcing === 'all-true']));
    let context: CfnContext;
    const placeholders = new Placeholders(db, template, () => context, subject.region);
    context = {
      pseudo: {
        partition: PLACEHOLDER_PARTITION,
        accountId: PLACEHOLDER_ACCOUNT,
        region: subject.region,
        stackName: subject.stackName ?? 'conform-stack',
      },
      parameters: parameterValues(template),
      conditions,
      getAtt: (logicalId, attribute) => placeholders.attribute(logicalId, attribute),
      refResource: (logicalId) => placeholders.ref(logicalId),
    };
    const resources: ConformTemplate['Resources'] = {};
    const failures: Resolved['failures'] = [];
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (resource.Condition !== undefined && forcing === 'all-false') continue;
      try {
        const properties = evaluate(resource.Properties ?? {}, context, logicalId);
        resources[logicalId] = { ...resource, Properties: properties as Record<string, unknown> };
      } catch (error) {
        failures.push({ logicalId, message: (error as Error).message });
      }
    }
    return { conditions: forcing, template: { ...template, Resources: resources }, failures };
  });
}
