/**
 * Every name a template points at exists: `Ref` to a parameter, resource or pseudo parameter,
 * `Fn::GetAtt` to a resource and an attribute its registry schema lists, `${...}` in `Fn::Sub`,
 * `DependsOn` and `Condition` names.
 */
import type { SpecDatabase } from '@aws-cdk/service-spec-types';
import { isRecord, walk } from './cfn-shape';
import type { Finding } from './finding';
import { resourceType } from './registry';
import type { Subject } from './subject';

/** CloudFormation's pseudo parameters (User Guide, "Pseudo parameters reference"). */
const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

export function checkCfnReferences(subject: Subject, db: SpecDatabase): Finding[] {
  const template = subject.template;
  if (!template) return [];
  const findings: Finding[] = [];
  const add = (where: string, message: string) =>
    findings.push({ category: 'cfn-reference', subject: subject.name, where, message });
  const resources = template.Resources ?? {};
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const conditions = new Set(Object.keys(template.Conditions ?? {}));

  const checkRef = (name: string, where: string) => {
    if (!PSEUDO.has(name) && !parameters.has(name) && !(name in resources)) {
      add(where, `Ref ${name}: no parameter, resource or pseudo parameter has this name`);
    }
  };
  const checkGetAtt = (logicalId: string, attribute: string, where: string) => {
    const resource = resources[logicalId];
    if (!resource) {
      add(where, `Fn::GetAtt ${logicalId}.${attribute}: no resource ${logicalId}`);
      return;
    }
    if (resource.Type.startsWith('Custom::')) return;
    const spec = resourceType(db, resource.Type);
    if (spec && !(attribute in spec.attributes)) {
      const known = Object.keys(spec.attributes).sort().join(', ') || 'none';
      add(where, `Fn::GetAtt ${logicalId}.${attribute}: ${resource.Type} returns ${known}`);
    }
  };

  walk(template, '', (node, path) => {
    if (!isRecord(node) || Object.keys(node).length !== 1) return;
    const [[fn, arg]] = Object.entries(node) as [[string, unknown]];
    if (fn === 'Ref' && typeof arg === 'string') checkRef(arg, path);
    if (fn === 'Fn::GetAtt') {
      const parts = typeof arg === 'string' ? arg.split(/\.(.*)/s) : arg;
      if (Array.isArray(parts) && typeof parts[0] === 'string' && typeof parts[1] === 'string') {
        checkGetAtt(parts[0], parts[1], path);
      }
    }
    if (fn === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
      if (typeof text !== 'string') return;
      const local = new Set(isRecord(vars) ? Object.keys(vars) : []);
      for (const [, inner] of text.matchAll(/\$\{([^}]*)\}/g)) {
        const name = (inner ?? '').trim();
        if (name.startsWith('!') || local.has(name)) continue;
        const dot = name.indexOf('.');
        if (dot > 0 && !name.startsWith('AWS::')) {
          checkGetAtt(name.slice(0, dot), name.slice(dot + 1), `${path} \${${name}}`);
        } else checkRef(name, `${path} \${${name}}`);
      }
    }
    if ((fn === 'Condition' || fn === 'Fn::If') && path.includes('Conditions') === false) {
      const name = fn === 'Fn::If' && Array.isArray(arg) ? arg[0] : arg;
      if (typeof name === 'string' && !conditions.has(name))
        add(path, `condition ${name} is not defined`);
    }
  });

  for (const [logicalId, resource] of Object.entries(resources)) {
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    for (const name of dependsOn) {
      if (!(name in resources)) add(`${logicalId}.DependsOn`, `no resource ${name}`);
    }
    if (resource.Condition !== undefined && !conditions.has(resource.Condition)) {
      add(`${logicalId}.Condition`, `condition ${resource.Condition} is not defined`);
    }
  }
  return findings;
}
